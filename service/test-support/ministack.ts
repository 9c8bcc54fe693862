// scripts/bench.ts's old import path, kept only until it imports scripts/lib/ministack.ts itself; then delete this.
import { startMiniStack as start, stopMiniStack as stop, type RunningMiniStack } from '../../scripts/lib/ministack';

const started = new Map<number, RunningMiniStack>();

export async function startMiniStack(): Promise<RunningMiniStack> {
  const miniStack = await start({ services: 'dynamodb' });
  started.set(miniStack.pid, miniStack);
  return miniStack;
}

export async function stopMiniStack(pid: number): Promise<void> {
  const miniStack = started.get(pid);
  if (miniStack) await stop(miniStack);
}
