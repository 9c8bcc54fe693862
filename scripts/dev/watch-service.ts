// Rebuilds the handlers with esbuild's incremental `rebuild()` (the build options `make build` uses, one entry per
// route, in memory) each time the source watcher reports that one of the bundles' own files changed (file events,
// or polling where they do not arrive: source-watcher.ts). After each rebuild: esbuild errors or type errors are
// printed and nothing is pushed, so the old code keeps serving; otherwise `onBundle` gets each route whose bundle
// changed since the last one it was given (an edit to one route's handler changes that route's bundle alone).
// Normal mode builds our code alone and the packages it imports once, into vendor.js (vendor-split.ts).
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { context, formatMessages, type Message, type Metafile, type OutputFile, type Plugin } from 'esbuild';
import { lambdaBuildOptions } from '../../service/build';
import { ROUTES } from '../../service/src/routes';
import { parseWatchMode, watchSources } from './source-watcher';
import { IncrementalTypeCheck } from './typecheck';
import { buildVendor, vendorImports } from './vendor-split';

export interface ServiceWatchEvents {
  /** A route's bundle that built, type-checked and changed; `startedAt` is when the watcher noticed the change (performance.now()). */
  onBundle(route: string, bundle: LambdaBundle, startedAt: number): void;
  /** Build or type errors, already formatted. */
  onErrors(kind: 'build' | 'type', text: string): void;
  /** Which watch mode is in force, and any switch. */
  onNotice(text: string): void;
}

/** index.js and, when the build options ask for one, its source map. */
export interface LambdaBundle {
  /** Where the build would write index.js: the map's source paths are relative to it. */
  readonly path: string;
  readonly js: Uint8Array;
  readonly map?: Uint8Array;
  /** vendor.js, which index.js takes its packages from (normal mode; debug mode loads them from node_modules). */
  readonly vendor?: Uint8Array;
}

export interface ServiceWatch {
  dispose(): Promise<void>;
}

/**
 * `debug`: the bundles for the local debug process (make dev DEBUG=1), in dist/dev/debug/<route>/: not minified, so
 * names and lines read as written; the first build is handed over too (it is what the debug process starts with), and
 * each bundle is handed over before its type check rather than after.
 */
export async function watchService(root: string, events: ServiceWatchEvents, { debug = false } = {}): Promise<ServiceWatch> {
  const serviceDir = path.join(root, 'service', 'src');
  const outDir = path.join(root, 'dist', 'dev', ...(debug ? ['debug'] : []));
  const typeCheck = new IncrementalTypeCheck(ROUTES.map((route) => path.join(root, route.handler)), serviceDir, path.join(root, 'tsconfig.json'));
  // What each route's last bundle was: the first build's (what was just deployed), then the last one handed over.
  const lastDigest = new Map<string, string>();
  let startedAt = 0;
  let firstBuild = true;
  let inputs: Metafile['inputs'] = {};
  // Normal mode: the packages our code imported in the last build, and vendor.js with the ones it was built for.
  const imported = new Set<string>();
  let vendor: { specifiers: Set<string>; js: Uint8Array } | undefined;
  const options = lambdaBuildOptions(outDir);
  const vendorFor = async (): Promise<Uint8Array> => {
    if (!vendor || [...imported].some((specifier) => !vendor?.specifiers.has(specifier))) {
      const specifiers = new Set([...imported, ...(vendor?.specifiers ?? [])]);
      vendor = { specifiers, js: await buildVendor(options, [...specifiers]) };
    }
    return vendor.js;
  };
  const reload: Plugin = {
    name: 'dev-reload',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.metafile) inputs = result.metafile.inputs;
        // The first build is what was just deployed: it only records the bundles and warms the type checker (its
        // first pass takes seconds).
        const initial = firstBuild;
        firstBuild = false;
        if (result.errors.length > 0) {
          events.onErrors('build', await formatted(result.errors));
          return;
        }
        let vendorJs: Uint8Array | undefined;
        if (!debug) {
          try {
            vendorJs = await vendorFor();
          } catch (error) {
            const messages = (error as { errors?: Message[] }).errors;
            events.onErrors('build', messages ? await formatted(messages) : String(error));
            return;
          }
        }
        const handOver = () => {
          for (const { name } of ROUTES) {
            const bundlePath = path.join(outDir, name, 'index.js');
            const output = (suffix: string) => outputOf(result.outputFiles, `${bundlePath}${suffix}`);
            const js = output('');
            if (!js) continue;
            const map = output('.map');
            const digest = createHash('sha256').update(js).update(map ?? '').update(vendorJs ?? '').digest('hex');
            if (lastDigest.get(name) === digest) continue;
            lastDigest.set(name, digest);
            if (!initial || debug) events.onBundle(name, { path: bundlePath, js, map, vendor: vendorJs }, startedAt);
          }
        };
        // Debug mode hands the bundle over before the type check (about half of a rebuild's time): the code runs in
        // the local process only, and a type error is still printed, just after.
        if (debug) handOver();
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
        if (!debug) handOver();
      });
    },
  };
  const ctx = await context({
    ...options,
    // Debug: not minified, and the dependencies left to Node to load from node_modules (once, for the session), so a
    // rebuild is our own code alone (tens of ms rather than the AWS SDK's megabytes each time). Normal mode: the
    // same, with the packages from vendor.js.
    ...(debug ? { minify: false, packages: 'external' as const } : {}),
    // In memory: dist/ keeps what `make build` made for the deploy.
    write: false,
    // esbuild prints nothing itself; errors are reported once, by onErrors.
    logLevel: 'silent',
    plugins: [...(options.plugins ?? []), ...(debug ? [] : [vendorImports(imported)]), reload],
    // Its inputs: the files whose change rebuilds (a test file or a new, not yet imported file changes nothing).
    metafile: true,
  });
  await ctx.rebuild().catch(() => undefined); // errors were reported by onEnd
  const rebuild = new LatestOnly(async (noticedAt: number) => {
    startedAt = noticedAt;
    await ctx.rebuild().catch(() => undefined);
  });
  const watcher = watchSources({
    dir: serviceDir,
    files: () => ownInputs(root, serviceDir, inputs),
    onChange: (noticedAt) => rebuild.run(noticedAt),
    onNotice: events.onNotice,
    mode: parseWatchMode(process.env.DEV_WATCH),
  });
  return {
    dispose: async () => {
      watcher.close();
      await ctx.dispose();
    },
  };
}

/** The bundles' inputs under `dir`; before a first successful build, every TypeScript file there. */
function ownInputs(root: string, dir: string, inputs: Metafile['inputs']): string[] {
  const known = Object.keys(inputs).map((input) => path.resolve(root, input));
  const files = known.length > 0 ? known : readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => path.join(dir, file));
  return files.filter((file) => file.startsWith(dir + path.sep) && !file.endsWith('.test.ts'));
}

/** Runs one job at a time; a call while one runs queues a single rerun with the earliest time it was asked for. */
class LatestOnly {
  private running = false;
  private pending: number | undefined;

  constructor(private readonly job: (noticedAt: number) => Promise<void>) {}

  run(noticedAt: number): void {
    this.pending = Math.min(this.pending ?? noticedAt, noticedAt);
    if (this.running) return;
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending !== undefined) {
      const noticedAt = this.pending;
      this.pending = undefined;
      await this.job(noticedAt);
    }
    this.running = false;
  }
}

const outputOf = (files: OutputFile[] | undefined, file: string): Uint8Array | undefined =>
  files?.find((output) => output.path === file)?.contents;

const formatted = async (messages: Message[]): Promise<string> =>
  (await formatMessages(messages, { kind: 'error', color: process.stdout.isTTY })).join('').trimEnd();
