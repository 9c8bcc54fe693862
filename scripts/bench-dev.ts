// Edit-to-live benchmark (a script, not a test): `make bench-dev`. In a temporary copy of the repository, with its own
// host MiniStack on BENCH_EMULATOR_PORT (4597), runs `make dev`, then rewrites the handler entry with a new response
// header value and times from just before the file write to the first response that carries it (requests back to
// back; each is a duplicate-email 409, so nothing is written): the first edit as soon as the loop says it watches
// (reported on its own: what a developer waits for first), then BENCH_EDITS more (20). Also collects the loop's own
// `reloaded <route> in N ms (built and type-checked in B ms)` figures (from the watcher noticing the change to the
// first function update being Successful, and to the bundle being handed over).
// Prints p50 and p95 of both. Cleans up: Ctrl-C to the loop, destroy, emulator stopped, copy removed.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanUpCopy, copyRepo, deployedInCopy, devEnv, DevLoop, postCustomer, timeEdit } from '../integration/support/dev-loop';
import { summary } from './bench/percentiles';

const port = process.env.BENCH_EMULATOR_PORT ?? '4597';
const edits = Number(process.env.BENCH_EDITS ?? '20');
const deployId = 'bench-dev';
const HEADER = 'x-dev-edit';


async function main(): Promise<void> {
  if (!Number.isInteger(edits) || edits < 1) throw new Error(`BENCH_EDITS must be a positive integer (got "${process.env.BENCH_EDITS}")`);
  const copy = copyRepo();
  const env = devEnv(port, deployId);
  const inCopy = (command: string, args: string[]) => execFileSync(command, args, { cwd: copy.root, env, stdio: 'inherit' });
  let loop: DevLoop | undefined;
  let deployed = false;
  try {
    inCopy('scripts/emulator.sh', ['start']);
    loop = DevLoop.start(copy.root, env);
    let mark = (await loop.waitFor(/watching service\//, 15 * 60_000)).end;
    deployed = true;
    const { outputs, key } = await deployedInCopy(copy.root, deployId, `http://127.0.0.1:${port}`);
    const email = `bench-dev-${Date.now()}@example.com`;
    await postCustomer(outputs.api_url, key, email); // later requests with this email are 409s: nothing written

    const editToLive: number[] = [];
    const reloads: number[] = [];
    const builds: number[] = [];
    let first: { live: number; reloaded: number } | undefined;
    for (let edit = 0; edit <= edits; edit++) {
      const timed = await timeEdit({ loop, root: copy.root, url: outputs.api_url, key, email, header: HEADER, value: String(edit), loopSays: /reloaded \S+ in (\d+) ms \(built and type-checked in (\d+) ms\)/, from: mark });
      mark = timed.end;
      const reloaded = Number(timed.loopSaid[1]);
      if (edit === 0) first = { live: timed.live, reloaded };
      else {
        editToLive.push(timed.live);
        reloads.push(reloaded);
        builds.push(Number(timed.loopSaid[2]));
      }
      console.log(`${edit === 0 ? 'first edit' : `edit ${String(edit).padStart(5)}`}: live after ${Math.round(timed.live)} ms (${timed.requests} requests); loop said ${timed.loopSaid[0]}`);
      await sleep(500); // let the loop go idle, as between a person's edits
    }
    const watchLine = /watching (with file events|by polling)[^\n]*/.exec(loop.output)?.[0] ?? 'watch mode not printed';
    console.log(`\nwatch mode: ${watchLine}`);
    console.log(`first edit after make dev said it watches: live after ${Math.round(first?.live ?? NaN)} ms (loop: reloaded in ${first?.reloaded} ms)`);
    console.log(`edit-to-live over ${edits} further edits (file write -> first response from the new code): ${summary(editToLive)}`);
    console.log(`reloaded in (esbuild noticed the change -> function update Successful):   ${summary(reloads)}`);
    console.log(`of which built and type-checked (noticed -> bundle handed over):           ${summary(builds)}`);
  } finally {
    await cleanUpCopy(copy, loop, deployed, env);
  }
}

main().catch((error: unknown) => {
  console.error(`bench-dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
