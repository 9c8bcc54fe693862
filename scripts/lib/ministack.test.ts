// The launcher's promises: MiniStack answers on the endpoint it reports, stopMiniStack ends it, and a process that
// started it and is then killed (as a jest run can be) does not leave it running.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startMiniStack, stopMiniStack, type RunningMiniStack } from './ministack';

const REPO_ROOT = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 90_000;

const healthy = async (endpoint: string) => {
  try {
    return (await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
};
const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

describe('scripts/lib/ministack.ts through scripts/emulator.sh', () => {
  it('starts MiniStack on a loopback endpoint that answers, and stopMiniStack ends its process group and log', async () => {
    const miniStack = await startMiniStack({ services: 'dynamodb' });
    expect(miniStack.endpoint).toBe(`http://127.0.0.1:${miniStack.port}`);
    expect(await healthy(miniStack.endpoint)).toBe(true);

    await stopMiniStack(miniStack);

    expect(groupAlive(miniStack.pid)).toBe(false);
    expect(await healthy(miniStack.endpoint)).toBe(false);
    expect(existsSync(miniStack.logFile)).toBe(false);
  }, START_TIMEOUT_MS);

  it('stops MiniStack by itself once the process that started it is killed with SIGKILL', async () => {
    const script = `require('./scripts/lib/ministack').startMiniStack({ services: 'dynamodb' })
      .then((m) => { process.stdout.write(JSON.stringify(m) + '\\n'); setInterval(() => {}, 60_000); });`;
    // node itself with tsx's loader (not the tsx CLI, which would run the script in a child of its own).
    const owner = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const miniStack = await new Promise<RunningMiniStack>((resolve, reject) => {
      owner.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as RunningMiniStack));
      owner.once('exit', (code) => reject(new Error(`the owner process exited (${code}) before MiniStack started`)));
    });
    try {
      expect(await healthy(miniStack.endpoint)).toBe(true);

      owner.kill('SIGKILL');

      // The watchdog polls once a second; MiniStack takes about another second to exit.
      expect(await waitFor(() => !groupAlive(miniStack.pid), 10_000)).toBe(true);
      expect(await healthy(miniStack.endpoint)).toBe(false);
    } finally {
      owner.kill('SIGKILL');
      // Stops it if the watchdog did not, and removes the pid file and log the killed owner left behind.
      await stopMiniStack(miniStack);
    }
  }, START_TIMEOUT_MS);
});
