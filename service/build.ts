import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { build, type BuildOptions } from 'esbuild';
import { ZipFile } from 'yazl';

const REPO_ROOT = resolve(__dirname, '..');
const ENTRY_POINT = join(__dirname, 'src', 'index.ts');
const LAMBDA_CREDENTIALS = join(__dirname, 'src', 'lambda-credentials.ts');
// Local-time 1980-01-01 is the DOS epoch; with forceDosTimestamp the zip stores no timezone-dependent UTC field.
const FIXED_MTIME = new Date(1980, 0, 1);
const FILE_MODE = 0o100644;

export interface LambdaArtifact {
  bundlePath: string;
  zipPath: string;
  bundleBytes: number;
  zipSha256: string;
}

/**
 * The one definition of how the Lambda is bundled (AWS SDK included), shared by `make build` and the dev loop's
 * incremental watch: give it the bundle's path, <dir>/index.js.
 */
export function lambdaBuildOptions(bundlePath: string): BuildOptions & { outfile: string } {
  return {
    entryPoints: [ENTRY_POINT],
    outfile: bundlePath,
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // ESM builds of the AWS SDK tree-shake far better than its CJS ones (the setup AWS documents for esbuild).
    mainFields: ['module', 'main'],
    // The function's credentials are always in its environment: the rest of the SDK's default chain stays out.
    alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS },
    // index.js.map next to the bundle, so with NODE_OPTIONS=--enable-source-maps (set on the function) an ERROR's
    // stack names our .ts files and lines. buildLambda trims it to our own code; the sources stay out of the zip.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Bundles the handler into <outDir>/lambda/index.js (+ .map) and zips both reproducibly to <outDir>/lambda.zip. */
export async function buildLambda(outDir: string): Promise<LambdaArtifact> {
  const bundlePath = join(outDir, 'lambda', 'index.js');
  const zipPath = join(outDir, 'lambda.zip');
  await build(lambdaBuildOptions(bundlePath));
  const bundle = await readFile(bundlePath);
  const sourceMap = await ownCodeSourceMap(`${bundlePath}.map`);
  await writeFile(`${bundlePath}.map`, sourceMap);
  const zip = await zipEntries({ 'index.js': bundle, 'index.js.map': sourceMap });
  await mkdir(outDir, { recursive: true });
  await writeFile(zipPath, zip);
  return { bundlePath, zipPath, bundleBytes: bundle.length, zipSha256: createHash('sha256').update(zip).digest('hex') };
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
  const ours = (index: number) => !sources[index].startsWith('node_modules/');
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

export async function zipEntries(entries: Record<string, Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const name of Object.keys(entries).sort()) {
    zip.addBuffer(entries[name], name, { mtime: FIXED_MTIME, mode: FILE_MODE, compressionLevel: 9, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

if (require.main === module) {
  buildLambda(join(REPO_ROOT, 'dist'))
    .then(({ zipPath, bundleBytes, zipSha256 }) => {
      console.log(`bundle: ${(bundleBytes / 1024).toFixed(1)} KB`);
      console.log(`zip:    ${zipPath}`);
      console.log(`sha256: ${zipSha256}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
