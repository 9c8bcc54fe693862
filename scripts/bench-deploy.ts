// Deploy benchmark (a script, not a test): `make bench-deploy`. On its own host MiniStack (BENCH_EMULATOR_PORT,
// 4597) and workspace (DEPLOY_ID=bench-deploy), times what a user runs: `make deploy` on an emulator without the
// stack (fresh), `make deploy` again with nothing changed (a no-op), `make clean`; BENCH_RUNS times (1), each figure's
// median. BENCH_E2E=1 also times `make e2e` (its own MiniStack on E2E_EMULATOR_PORT). Prints every route's bundle
// size and the machine's load, since absolute times move with it. Stops the emulator it started. Runs as it is in
// another checkout too (a baseline: copy it there), so the same minute can compare two builds.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withoutMakeFlags } from '../integration/support/dev-loop';

const ROOT = path.resolve(__dirname, '..');
const port = process.env.BENCH_EMULATOR_PORT ?? '4597';
const runs = Number(process.env.BENCH_RUNS ?? '1');
const env: NodeJS.ProcessEnv = {
  ...withoutMakeFlags(),
  ENV: 'local',
  EMULATOR: 'ministack',
  EMULATOR_PORT: port,
  EMULATOR_ENDPOINT: `http://127.0.0.1:${port}`,
  DEPLOY_ID: 'bench-deploy',
  RUNNER: 'native',
};

/** Runs `make <args>`, output to this process's stderr; returns its seconds, failing loudly when make fails. */
function timedMake(args: string[]): number {
  const began = performance.now();
  const result = spawnSync('make', args, { cwd: ROOT, env, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`make ${args.join(' ')} exited ${result.status}`);
  return (performance.now() - began) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const load = () => os.loadavg().map((value) => value.toFixed(1)).join(' ');

function main(): void {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer (got "${process.env.BENCH_RUNS}")`);
  const figures: Record<string, number[]> = { fresh: [], unchanged: [], clean: [], e2e: [] };
  // Read after a deploy built them (make clean removes dist/).
  const bundles: string[] = [];
  const loads: string[] = [`start ${load()}`];
  execFileSync('scripts/emulator.sh', ['start'], { cwd: ROOT, env, stdio: ['ignore', 2, 2] });
  try {
    for (let run = 0; run < runs; run++) {
      figures.fresh.push(timedMake(['deploy']));
      if (run === 0) bundles.push(...bundleSizes());
      figures.unchanged.push(timedMake(['deploy']));
      figures.clean.push(timedMake(['clean']));
      loads.push(`run ${run + 1} ${load()}`);
    }
  } finally {
    execFileSync('scripts/emulator.sh', ['stop'], { cwd: ROOT, env, stdio: ['ignore', 2, 2] });
  }
  if (process.env.BENCH_E2E === '1') {
    for (let run = 0; run < runs; run++) figures.e2e.push(timedMake(['e2e']));
    loads.push(`after e2e ${load()}`);
  }
  const cpus = os.cpus();
  console.log(`\nmachine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, load (1/5/15 min) ${loads.join('; ')}`);
  console.log(`${bundles.length} function(s); median of ${runs} run(s), MiniStack on the host, local profile:`);
  const rows: [string, string, number[]][] = [
    ['make deploy, fresh (emulator up, no stack)', '<= 25 s', figures.fresh],
    ['make deploy, unchanged (a no-op)', '<= 8 s', figures.unchanged],
    ['make clean', '', figures.clean],
    ['make e2e (deploy, suite, destroy)', '<= 60 s', figures.e2e],
  ];
  for (const [label, goal, values] of rows) {
    if (values.length === 0) continue;
    const seconds = median(values);
    const met = goal ? (seconds <= Number(goal.replace(/[^\d.]/g, '')) ? 'met' : 'MISSED') : '';
    console.log(`  ${label.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s  ${goal.padEnd(8)} ${met}  (${values.map((value) => value.toFixed(1)).join(', ')})`);
  }
  for (const line of bundles) console.log(line);
}

/** Every function's bundle in dist/ (dist/<name>/index.js, zipped as dist/<name>.zip), whatever the layout. */
function bundleSizes(): string[] {
  const dist = path.join(ROOT, 'dist');
  const kb = (file: string) => (statSync(path.join(dist, file)).size / 1024).toFixed(1);
  return readdirSync(dist).filter((name) => existsSync(path.join(dist, name, 'index.js')) && existsSync(path.join(dist, `${name}.zip`))).sort()
    .map((name) => `  bundle ${name.padEnd(37)} ${kb(`${name}/index.js`).padStart(6)} KB  <= 250 KB (zip ${kb(`${name}.zip`)} KB)`);
}

try {
  main();
} catch (error) {
  console.error(`bench-deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
