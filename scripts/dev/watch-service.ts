// Watches the handlers with esbuild's own incremental watch (no polling loop of ours) using the same build options
// as `make build` (one entry per route), bundling in memory. After each rebuild: esbuild errors or type errors are
// printed and nothing is pushed, so the old code keeps serving; otherwise `onBundle` gets each route whose bundle
// changed since the last one it was given (an edit to one route's handler changes that route's bundle alone).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { context, formatMessages, type Message, type OutputFile, type Plugin } from 'esbuild';
import { lambdaBuildOptions } from '../../service/build';
import { ROUTES } from '../../service/src/routes';
import { IncrementalTypeCheck } from './typecheck';

export interface ServiceWatchEvents {
  /** A route's bundle that built, type-checked and changed; `startedAt` is when esbuild noticed the change (performance.now()). */
  onBundle(route: string, bundle: LambdaBundle, startedAt: number): void;
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
  const outDir = path.join(root, 'dist', 'dev');
  const typeCheck = new IncrementalTypeCheck(ROUTES.map((route) => path.join(root, route.handler)), serviceDir, path.join(root, 'tsconfig.json'));
  // What each route's last bundle was: the first build's (what was just deployed), then the last one handed over.
  const lastDigest = new Map<string, string>();
  let startedAt = 0;
  let firstBuild = true;
  const reload: Plugin = {
    name: 'dev-reload',
    setup(build) {
      build.onStart(() => {
        startedAt = performance.now();
      });
      build.onEnd(async (result) => {
        // The first build is what was just deployed: it only records the bundles and warms the type checker (its
        // first pass takes seconds).
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
        for (const { name } of ROUTES) {
          const output = (suffix: string) => outputOf(result.outputFiles, path.join(outDir, name, suffix));
          const js = output('index.js');
          if (!js) continue;
          const map = output('index.js.map');
          const digest = createHash('sha256').update(js).update(map ?? '').digest('hex');
          if (lastDigest.get(name) === digest) continue;
          lastDigest.set(name, digest);
          if (!initial) events.onBundle(name, { js, map }, startedAt);
        }
      });
    },
  };
  const options = lambdaBuildOptions(outDir);
  const ctx = await context({
    ...options,
    // In memory: dist/ keeps what `make build` made for the deploy.
    write: false,
    // esbuild prints nothing itself; errors are reported once, by onErrors.
    logLevel: 'silent',
    plugins: [...(options.plugins ?? []), reload],
  });
  await ctx.watch();
  return { dispose: () => ctx.dispose() };
}

const outputOf = (files: OutputFile[] | undefined, file: string): Uint8Array | undefined =>
  files?.find((output) => output.path === file)?.contents;

const formatted = async (messages: Message[]): Promise<string> =>
  (await formatMessages(messages, { kind: 'error', color: process.stdout.isTTY })).join('').trimEnd();
