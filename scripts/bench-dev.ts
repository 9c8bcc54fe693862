// Edit-to-live benchmark (a script, not a test): `make bench-dev`. In a temporary copy of the repository, with its own
// host MiniStack on BENCH_EMULATOR_PORT (4597), runs `make dev`, then BENCH_EDITS times (20) rewrites the handler
// entry with a new response header value and times from just before the file write to the first response that
// carries it (requests back to back; each is a duplicate-email 409, so nothing is written). Also collects the loop's
// own `reloaded <route> in N ms` figures (from esbuild noticing the change to the function update being Successful).
// Prints p50 and p95 of both. Cleans up: Ctrl-C to the loop, destroy, emulator stopped, copy removed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from '../integration/support/aws-clients';
import { copyRepo, devEnv, DevLoop, headerWrapper, postCustomer, wrapHandler } from '../integration/support/dev-loop';
import type { StackOutputs } from '../integration/support/stack';

const port = process.env.BENCH_EMULATOR_PORT ?? '4597';
const edits = Number(process.env.BENCH_EDITS ?? '20');
const deployId = 'bench-dev';
const HEADER = 'x-dev-edit';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (values: number[]) =>
  `p50 ${Math.round(percentile(values, 50))} ms, p95 ${Math.round(percentile(values, 95))} ms, ` +
  `min ${Math.round(Math.min(...values))} ms, max ${Math.round(Math.max(...values))} ms`;

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
    const outputs = JSON.parse(readFileSync(path.join(copy.root, '.state', deployId, 'outputs.json'), 'utf8')) as StackOutputs;
    const { Parameter } = await awsClients(`http://127.0.0.1:${port}`).ssm.send(
      new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }),
    );
    const key = Parameter?.Value as string;
    const email = `bench-dev-${Date.now()}@example.com`;
    await postCustomer(outputs.api_url, key, email); // later requests with this email are 409s: nothing written

    const editToLive: number[] = [];
    const reloads: number[] = [];
    for (let edit = 1; edit <= edits; edit++) {
      const began = performance.now();
      wrapHandler(copy.root, headerWrapper({ [HEADER]: String(edit) }));
      let requests = 0;
      for (;;) {
        requests++;
        const reply = await postCustomer(outputs.api_url, key, email).catch(() => undefined);
        if (reply?.headers.get(HEADER) === String(edit)) break;
        if (performance.now() - began > 60_000) throw new Error(`edit ${edit} not live after 60 s; make dev said:\n${loop.output.slice(mark)}`);
      }
      editToLive.push(performance.now() - began);
      const reloaded = await loop.waitFor(/reloaded \S+ in (\d+) ms/, 30_000, mark);
      reloads.push(Number(reloaded.match[1]));
      mark = reloaded.end;
      console.log(`edit ${String(edit).padStart(2)}: live after ${Math.round(editToLive.at(-1) as number)} ms (${requests} requests); loop said ${reloaded.match[0]}`);
      await sleep(500); // let the loop go idle, as between a person's edits
    }
    console.log(`\nedit-to-live over ${edits} edits (file write -> first response from the new code): ${summary(editToLive)}`);
    console.log(`reloaded in (esbuild noticed the change -> function update Successful):   ${summary(reloads)}`);
  } finally {
    if (loop) await loop.interrupt().catch((error: unknown) => console.error(String(error)));
    if (deployed) inCopy('scripts/deploy.sh', ['down', 'local']);
    inCopy('scripts/emulator.sh', ['stop']);
    copy.remove();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
