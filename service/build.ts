import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { ZipFile } from 'yazl';
import { ROUTES, type Route } from './src/routes';

const REPO_ROOT = resolve(__dirname, '..');
const LAMBDA_ENTRY = join(__dirname, 'src', 'lambda-entry.ts');
const ROUTES_MODULE = join(__dirname, 'src', 'routes.ts');
const LAMBDA_CREDENTIALS = join(__dirname, 'src', 'lambda-credentials.ts');
const LRU_CACHE = join(__dirname, 'src', 'lru-cache.ts');
// Local-time 1980-01-01 is the DOS epoch; with forceDosTimestamp the zip stores no timezone-dependent UTC field.
const FIXED_MTIME = new Date(1980, 0, 1);
const FILE_MODE = 0o100644;

/** The largest bundle (index.js) a route may have: the budget, checked by service/build.test.ts. */
export const MAX_BUNDLE_BYTES = 250 * 1024;

export interface LambdaArtifact {
  route: string;
  bundlePath: string;
  zipPath: string;
  bundleBytes: number;
  zipSha256: string;
}

/** Where a route's zip lands under the build's output directory (infra reads dist/<route>.zip). */
export const zipPathOf = (outDir: string, routeName: string): string => join(outDir, `${routeName}.zip`);

const ENTRY_NAMESPACE = 'route-entry';

/**
 * Each route's entry, written here rather than by hand: the route's `createHandler` made into the Lambda handler at
 * module scope (lambda-entry.ts), so a handler module stays importable by tests without an environment.
 */
const routeEntries: Plugin = {
  name: 'route-entries',
  setup(build) {
    build.onResolve({ filter: /^route-entry:/ }, ({ path }) => ({ path: path.slice(ENTRY_NAMESPACE.length + 1), namespace: ENTRY_NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, ({ path: name }) => {
      const route = ROUTES.find((candidate) => candidate.name === name);
      if (!route) throw new Error(`no route named ${name} in service/src/routes.ts`);
      return {
        resolveDir: REPO_ROOT,
        loader: 'ts',
        contents: [
          `import { lambdaHandler } from ${JSON.stringify(LAMBDA_ENTRY)};`,
          `import { ROUTES } from ${JSON.stringify(ROUTES_MODULE)};`,
          `import { createHandler } from ${JSON.stringify(join(REPO_ROOT, route.handler))};`,
          `export const handler = lambdaHandler(ROUTES.find((route) => route.name === ${JSON.stringify(name)}), createHandler);`,
        ].join('\n'),
      };
    });
  },
};

/**
 * The one definition of how the Lambdas are bundled (AWS SDK included), shared by `make build` and the dev loop's
 * incremental watch: one entry per route, written to <outDir>/<route>/index.js.
 */
export function lambdaBuildOptions(outDir: string, routes: readonly Route[] = ROUTES): BuildOptions & { outdir: string } {
  return {
    entryPoints: Object.fromEntries(routes.map((route) => [`${route.name}/index`, `${ENTRY_NAMESPACE}:${route.name}`])),
    outdir: outDir,
    plugins: [routeEntries],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // ESM builds of the AWS SDK tree-shake far better than its CJS ones (the setup AWS documents for esbuild).
    mainFields: ['module', 'main'],
    // The function's credentials are always in its environment: the rest of the SDK's default chain stays out.
    // The SDK's endpoint cache gets a Map-based LRU instead of mnemonist's (lru-cache.ts says why).
    alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS, 'mnemonist/lru-cache': LRU_CACHE },
    // index.js.map next to the bundle, so with NODE_OPTIONS=--enable-source-maps (set on the function) an ERROR's
    // stack names our .ts files and lines. buildLambda trims it to our own code; the sources stay out of the zip.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/**
 * Bundles every route into <outDir>/<route>/index.js (+ .map), in one esbuild run, and zips each pair reproducibly
 * to <outDir>/<route>.zip.
 */
export async function buildLambdas(outDir: string, routes: readonly Route[] = ROUTES): Promise<LambdaArtifact[]> {
  await build(lambdaBuildOptions(outDir, routes));
  return Promise.all(routes.map(async ({ name }) => {
    const bundlePath = join(outDir, name, 'index.js');
    const zipPath = zipPathOf(outDir, name);
    const bundle = await readFile(bundlePath);
    const sourceMap = await ownCodeSourceMap(`${bundlePath}.map`);
    await writeFile(`${bundlePath}.map`, sourceMap);
    const zip = await zipEntries({ 'index.js': bundle, 'index.js.map': sourceMap });
    await mkdir(outDir, { recursive: true });
    // Renamed into place: a deploy reading the zip meanwhile sees the old one or the new one, never half of one.
    const partial = `${zipPath}.${process.pid}.partial`;
    await writeFile(partial, zip);
    await rename(partial, zipPath);
    return { route: name, bundlePath, zipPath, bundleBytes: bundle.length, zipSha256: createHash('sha256').update(zip).digest('hex') };
  }));
}

interface SourceMapV3 {
  sources: string[];
  names: string[];
  mappings: string;
}

/**
 * The map, cut down to our own code. Node reads and parses the whole map when it loads the bundle, and esbuild's
 * (413 KB, nearly all of it the AWS SDK's) cost about 10 ms of every cold start; ours alone is a few KB. A frame in
 * library code stays as index.js:1:<column> (an unmapped segment marks where each stretch of it starts, so it is
 * never attributed to the code before it). Sources are named relative to the repository instead of the map's
 * directory, so the zip is the same from any checkout and a stack reads /var/task/service/src/handler.ts.
 */
async function ownCodeSourceMap(mapPath: string): Promise<Buffer> {
  const map = JSON.parse(await readFile(mapPath, 'utf8')) as SourceMapV3;
  const sources = map.sources.map((source) => relative(REPO_ROOT, resolve(dirname(mapPath), source)).replaceAll('\\', '/'));
  // Ours: not a dependency, and not the generated entry (route-entries), which has no file to point at.
  const ours = (index: number) => !sources[index].startsWith('node_modules/') && !sources[index].includes(`${ENTRY_NAMESPACE}:`);
  const keptSources: string[] = [];
  const keptNames: string[] = [];
  const lines = decode(map.mappings).map((segments) => {
    const kept: SourceMapSegment[] = [];
    for (const segment of segments) {
      if (segment.length === 1 || !ours(segment[1])) {
        if (kept.length === 0 || kept[kept.length - 1].length > 1) kept.push([segment[0]]);
        continue;
      }
      const source = indexIn(keptSources, sources[segment[1]]);
      kept.push(segment.length === 5 ? [segment[0], source, segment[2], segment[3], indexIn(keptNames, map.names[segment[4]])] : [segment[0], source, segment[2], segment[3]]);
    }
    return kept;
  });
  return Buffer.from(JSON.stringify({ ...map, sources: keptSources, names: keptNames, mappings: encode(lines) }));
}

function indexIn(list: string[], value: string): number {
  const found = list.indexOf(value);
  return found >= 0 ? found : list.push(value) - 1;
}

/** `compress: false` stores the entries (the dev loop's pushes: faster to make, and they stay on this machine). */
export async function zipEntries(entries: Record<string, Buffer>, { compress = true } = {}): Promise<Buffer> {
  const zip = new ZipFile();
  for (const name of Object.keys(entries).sort()) {
    zip.addBuffer(entries[name], name, { mtime: FIXED_MTIME, mode: FILE_MODE, forceDosTimestamp: true, ...(compress ? { compressionLevel: 9 } : { compress }) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

if (require.main === module) {
  buildLambdas(join(REPO_ROOT, 'dist'))
    .then((artifacts) => {
      for (const { route, zipPath, bundleBytes, zipSha256 } of artifacts) {
        console.log(`${route}: bundle ${(bundleBytes / 1024).toFixed(1)} KB, ${relative(REPO_ROOT, zipPath)} sha256 ${zipSha256}`);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
