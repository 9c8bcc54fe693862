// Watches the handler with esbuild's own incremental watch (no polling loop of ours) using the same build options
// as `make build`, bundling in memory. After each rebuild: esbuild errors or type errors are printed and nothing is
// pushed, so the old code keeps serving; otherwise `onBundle` gets the new bundle.
import path from 'node:path';
import { context, formatMessages, type Message, type Plugin } from 'esbuild';
import { lambdaBuildOptions } from '../../service/build';
import { IncrementalTypeCheck } from './typecheck';

export interface ServiceWatchEvents {
  /** A bundle that built and type-checked; `startedAt` is when esbuild noticed the change (performance.now()). */
  onBundle(bundle: LambdaBundle, startedAt: number): void;
  /** Build or type errors, already formatted. */
  onErrors(kind: 'build' | 'type', text: string): void;
}

/** index.js and, when the build options ask for one, its source map. */
export interface LambdaBundle {
  readonly js: Uint8Array;
  readonly map?: Uint8Array;
}

export interface ServiceWatch {
  dispose(): Promise<void>;
}

export async function watchService(root: string, events: ServiceWatchEvents): Promise<ServiceWatch> {
  const serviceDir = path.join(root, 'service', 'src');
  const typeCheck = new IncrementalTypeCheck(path.join(serviceDir, 'index.ts'), serviceDir, path.join(root, 'tsconfig.json'));
  let startedAt = 0;
  let firstBuild = true;
  const reload: Plugin = {
    name: 'dev-reload',
    setup(build) {
      build.onStart(() => {
        startedAt = performance.now();
      });
      build.onEnd(async (result) => {
        // The first build is what was just deployed: it only warms the type checker (its first pass takes seconds).
        const initial = firstBuild;
        firstBuild = false;
        if (result.errors.length > 0) {
          events.onErrors('build', await formatted(result.errors));
          return;
        }
        let typeErrors: string[];
        try {
          typeErrors = typeCheck.check();
        } catch (error) {
          // esbuild would swallow a throw from here (its own logging is off): say it, push nothing.
          typeErrors = [`type check failed: ${error instanceof Error ? error.message : String(error)}`];
        }
        if (typeErrors.length > 0) {
          events.onErrors('type', typeErrors.join('\n'));
          return;
        }
        const output = (suffix: string) => result.outputFiles?.find((file) => file.path.endsWith(suffix))?.contents;
        const js = output('index.js');
        if (js && !initial) events.onBundle({ js, map: output('index.js.map') }, startedAt);
      });
    },
  };
  const ctx = await context({
    ...lambdaBuildOptions(path.join(root, 'dist', 'dev', 'lambda', 'index.js')),
    // In memory: dist/ keeps what `make build` made for the deploy.
    write: false,
    // esbuild prints nothing itself; errors are reported once, by onErrors.
    logLevel: 'silent',
    plugins: [reload],
  });
  await ctx.watch();
  return { dispose: () => ctx.dispose() };
}

const formatted = async (messages: Message[]): Promise<string> =>
  (await formatMessages(messages, { kind: 'error', color: process.stdout.isTTY })).join('').trimEnd();
