// Debug-mode benchmark (a script, not a test): `make bench-debug`. In a temporary copy of the repository, with its own
// host MiniStack on BENCH_EMULATOR_PORT (4597), side by side in one run on the same emulator and deployment:
//   1. `make dev`: BENCH_REQUESTS (50) requests back to back, timed at the client (after 5 to warm up);
//   2. `make dev DEBUG=1`: the same requests, now through the relay to the local debug process: the difference of
//      the p50s is what the relay adds per request;
//   3. still in debug mode, BENCH_EDITS (20) handler edits, each timed from just before the file write to the first
//      response that carries the edit's header (edit-to-live, no UpdateFunctionCode).
// Every request is a duplicate-email 409, so nothing is written. The inspector listens on BENCH_DEBUG_PORT (9229).
// Cleans up: Ctrl-C to the loop, destroy, emulator stopped, copy removed.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanUpCopy, copyRepo, deployedInCopy, devEnv, DevLoop, postCustomer, timeEdit } from '../integration/support/dev-loop';
import { percentile, summary } from './bench/percentiles';

const port = process.env.BENCH_EMULATOR_PORT ?? '4597';
const debugPort = process.env.BENCH_DEBUG_PORT ?? '9229';
const edits = Number(process.env.BENCH_EDITS ?? '20');
const requests = Number(process.env.BENCH_REQUESTS ?? '50');
const WARM_UP = 5;
const deployId = 'bench-debug';
const HEADER = 'x-debug-edit';

async function timeRequests(url: string, key: string, email: string): Promise<number[]> {
  const times: number[] = [];
  for (let request = 0; request < WARM_UP + requests; request++) {
    const began = performance.now();
    const reply = await postCustomer(url, key, email);
    if (reply.status !== 409) throw new Error(`expected the duplicate's 409, got ${reply.status}`);
    if (request >= WARM_UP) times.push(performance.now() - began);
  }
  return times;
}

async function main(): Promise<void> {
  for (const [name, value] of [['BENCH_EDITS', edits], ['BENCH_REQUESTS', requests]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got "${process.env[name]}")`);
  }
  const copy = copyRepo();
  const env = devEnv(port, deployId);
  const inCopy = (command: string, args: string[]) => execFileSync(command, args, { cwd: copy.root, env, stdio: 'inherit' });
  let loop: DevLoop | undefined;
  let deployed = false;
  try {
    inCopy('scripts/emulator.sh', ['start']);
    loop = DevLoop.start(copy.root, env);
    await loop.waitFor(/watching service\//, 15 * 60_000);
    deployed = true;
    const { outputs, key } = await deployedInCopy(copy.root, deployId, `http://127.0.0.1:${port}`);
    const email = `bench-debug-${Date.now()}@example.com`;
    await postCustomer(outputs.api_url, key, email); // later requests with this email are 409s: nothing written

    const normal = await timeRequests(outputs.api_url, key, email);
    console.log(`make dev:         ${requests} requests: ${summary(normal)}`);
    await loop.interrupt();

    loop = DevLoop.start(copy.root, { ...env, DEBUG: '1', DEBUG_PORT: debugPort });
    let mark = (await loop.waitFor(/debug mode: .*Ctrl-C puts the real code back/, 5 * 60_000)).end;
    const debug = await timeRequests(outputs.api_url, key, email);
    console.log(`make dev DEBUG=1: ${requests} requests: ${summary(debug)}`);

    const editToLive: number[] = [];
    const loopSaid: number[] = [];
    for (let edit = 1; edit <= edits; edit++) {
      const timed = await timeEdit({ loop, root: copy.root, url: outputs.api_url, key, email, header: HEADER, value: String(edit), loopSays: /live \S+ in (\d+) ms/, from: mark });
      mark = timed.end;
      editToLive.push(timed.live);
      loopSaid.push(Number(timed.loopSaid[1]));
      console.log(`edit ${String(edit).padStart(2)}: live after ${Math.round(timed.live)} ms (${timed.requests} requests); loop said ${timed.loopSaid[0]}`);
      await sleep(300); // idle between edits, as a person's are
    }
    console.log(`\nrelay added per request (p50 DEBUG=1 - p50 make dev, same emulator, one run): ` +
      `${Math.round(percentile(debug, 50) - percentile(normal, 50))} ms (${Math.round(percentile(debug, 50))} - ${Math.round(percentile(normal, 50))})`);
    console.log(`debug edit-to-live over ${edits} edits (file write -> first response from the new code): ${summary(editToLive)}`);
    console.log(`loop's "live in" (watcher noticed -> debug process has the new bundle):        ${summary(loopSaid)}`);
  } finally {
    await cleanUpCopy(copy, loop, deployed, env);
  }
}

main().catch((error: unknown) => {
  console.error(`bench-debug: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
