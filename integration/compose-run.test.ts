// scripts/lib/compose-run.sh, how RUNNER=compose runs the tools container, stopped the ways a script or CI stops it
// (no terminal): SIGINT to the caller's process group reaches the container exactly once (plain `docker compose run`
// delivered it twice in 3 of 4 runs here, and OpenTofu exits at once on a second one) and the script returns only
// once the container has ended; a reader that stops reading stops the container too (compose exits on the broken
// pipe, and the container ran on).
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = path.resolve(__dirname, '..');
const wrapper = path.join(repoRoot, 'scripts/lib/compose-run.sh');
const label = `customers-api.compose-run-test=${process.pid}`;
// Counts the SIGINTs it gets for 3 s, then prints the count.
const countSigints = 'n=0; trap "n=\\$((n+1))" INT; echo ready; i=0; while [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; echo "SIGINTs: $n"';
// Prints for ever.
const ticks = 'echo ready; while :; do echo tick; sleep 0.2; done';

/** The test's tools containers still running (each run carries the test's label). */
const running = (): string[] =>
  execFileSync('docker', ['ps', '--quiet', '--filter', `label=${label}`], { encoding: 'utf8' }).split('\n').filter(Boolean);

interface Stopped { lines: string[]; exit: number | null; runningAtExit: string[] }

/** Runs `script` in the tools container through the wrapper, in a process group of its own; `stop` once it says ready. */
function runUntilStopped(script: string, stop: (pid: number, output: NodeJS.ReadableStream) => void): Promise<Stopped> {
  const child = spawn(wrapper, ['--rm', '--label', label, 'tools', 'sh', '-c', script], {
    cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    if (line === 'ready') stop(child.pid as number, child.stdout);
  });
  return new Promise((resolve) => child.on('exit', (exit) => resolve({ lines, exit, runningAtExit: running() })));
}

afterAll(() => {
  const left = running();
  if (left.length > 0) execFileSync('docker', ['rm', '--force', ...left]);
});

describe('scripts/lib/compose-run.sh without a terminal', () => {
  it('hands a SIGINT to the caller\'s process group to the container once, and returns after the container ended', async () => {
    const stopped = await runUntilStopped(countSigints, (pid) => process.kill(-pid, 'SIGINT'));
    expect(stopped.lines).toContain('SIGINTs: 1');
    expect(stopped.exit).toBe(0);
    expect(stopped.runningAtExit).toEqual([]);
  }, 120_000);

  it('stops the container when its reader goes away (`make dev | head`, a Ctrl-C that ended `tee`)', async () => {
    const stopped = await runUntilStopped(ticks, (_pid, output) => (output as NodeJS.ReadableStream & { destroy(): void }).destroy());
    expect(stopped.exit).not.toBe(0);
    expect(stopped.runningAtExit).toEqual([]);
  }, 120_000);
});
