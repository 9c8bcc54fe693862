import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { ZipFile } from 'yazl';

const REPO_ROOT = resolve(__dirname, '..');
const ENTRY_POINT = join(__dirname, 'src', 'index.ts');
// Local-time 1980-01-01 is the DOS epoch; with forceDosTimestamp the zip stores no timezone-dependent UTC field.
const FIXED_MTIME = new Date(1980, 0, 1);
const FILE_MODE = 0o100644;

export interface LambdaArtifact {
  bundlePath: string;
  zipPath: string;
  bundleBytes: number;
  zipSha256: string;
}

/** Bundles the handler (AWS SDK included) into <outDir>/lambda/index.js and zips it reproducibly to <outDir>/lambda.zip. */
export async function buildLambda(outDir: string): Promise<LambdaArtifact> {
  const bundlePath = join(outDir, 'lambda', 'index.js');
  const zipPath = join(outDir, 'lambda.zip');
  await build(lambdaBuildOptions(bundlePath));
  const bundle = await readFile(bundlePath);
  const zip = await zipEntries({ 'index.js': bundle });
  await mkdir(outDir, { recursive: true });
  await writeFile(zipPath, zip);
  return { bundlePath, zipPath, bundleBytes: bundle.length, zipSha256: createHash('sha256').update(zip).digest('hex') };
}

/** The one definition of how the handler is bundled: `make build` and the `make dev` watch both use it. */
export function lambdaBuildOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [ENTRY_POINT],
    outfile,
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // ESM builds of the AWS SDK tree-shake far better than its CJS ones (the setup AWS documents for esbuild).
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  };
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
