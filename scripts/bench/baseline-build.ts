// The baseline a benchmark compares against: another commit's Lambda bundle, built the way that commit built it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** One build under test: the bundle, and the NODE_OPTIONS it runs with when deployed. */
export interface Build {
  label: string;
  bundle: string;
  /** The zip that ships it (with the source map). */
  zip: string;
  nodeOptions: string;
}

/** The baseline commit's bundle, built once into the cache with its own lockfile and build script. */
export function baselineBuild(root: string, cache: string, commit: string): Build {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
  } catch {
    // The compose tools image carries no git (it needs none elsewhere), so this comparison is a host-only job.
    throw new Error('comparing against a baseline commit needs git, which this runner lacks: run `make bench RUNNER=native`, or BENCH_TARGETS=api for the deployed API alone');
  }
  const sha = execFileSync('git', ['rev-parse', `${commit}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  const dir = path.join(cache, 'bench', sha);
  const bundle = path.join(dir, 'dist', 'lambda', 'index.js');
  if (!existsSync(bundle)) {
    console.log(`building the baseline ${commit} (${sha.slice(0, 12)}) into ${dir} (once: git archive, npm ci, its service/build.ts)`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', `git -C "${root}" archive "${sha}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    execFileSync('npx', ['tsx', 'service/build.ts'], { cwd: dir, stdio: 'inherit' });
  }
  return { label: commit, bundle, zip: path.join(dir, 'dist', 'lambda.zip'), nodeOptions: '' };
}
