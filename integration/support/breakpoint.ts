// A bare Chrome DevTools Protocol client (chrome-remote-interface) that does what a developer does in VS Code: attach
// to the debug process, set a breakpoint on a TypeScript line (mapped through the bundle's source map), let a request
// arrive, read an expression in the paused frame, resume, and take the request's answer.
import path from 'node:path';
import CDP from 'chrome-remote-interface';
import { generatedPosition, lineOf } from './source-map';

export interface BreakpointOptions<T> {
  readonly port: number;
  /** The checkout make dev DEBUG=1 runs in, as this machine sees it: the debug bundles are in dist/dev/debug/. */
  readonly root: string;
  /** The route whose bundle to break in. */
  readonly route: string;
  /** The TypeScript file (repository path) and a text its breakpoint line contains. */
  readonly sourceFile: string;
  readonly lineContaining: string;
  /** Evaluated in the paused frame (returned by value). */
  readonly expression: string;
  /** What makes the code run: a request. Its answer arrives once the client resumed. */
  readonly trigger: () => Promise<T>;
}

export interface BreakpointHit<T> {
  /** The script the debugger paused in (the bundle's URL in the debug process). */
  readonly pausedIn: string;
  readonly value: unknown;
  readonly answer: T;
}

export async function breakOnce<T>(options: BreakpointOptions<T>): Promise<BreakpointHit<T>> {
  const client = await CDP({ host: '127.0.0.1', port: options.port });
  try {
    // Script URLs by id: a paused frame names its script by id (its own url field is deprecated, and empty in Node).
    const scripts = new Map<string, string>();
    client.Debugger.scriptParsed(({ scriptId, url }) => scripts.set(scriptId, url));
    const paused = new Promise<{ pausedIn: string; value: unknown }>((resolve, reject) => {
      client.Debugger.paused(({ callFrames: [frame] }) => {
        client.Debugger.evaluateOnCallFrame({ callFrameId: frame.callFrameId, expression: options.expression, returnByValue: true })
          .then(async ({ result }) => {
            await client.Debugger.resume({});
            resolve({ pausedIn: scripts.get(frame.location.scriptId) ?? frame.url, value: result.value });
          })
          .catch(reject);
      });
    });
    await client.Debugger.enable({});
    const bundle = path.join(options.root, 'dist', 'dev', 'debug', options.route, 'index.js');
    const sourceFile = path.join(options.root, options.sourceFile);
    const position = generatedPosition(bundle, sourceFile, lineOf(sourceFile, options.lineContaining));
    // By URL: it also binds in a bundle loaded after this call (the debug process loads code on an invocation).
    await client.Debugger.setBreakpointByUrl({ urlRegex: `dist/dev/debug/${options.route}/index\\.js$`, ...position });
    const answer = options.trigger();
    const hit = await paused;
    return { ...hit, answer: await answer };
  } finally {
    await client.close();
  }
}
