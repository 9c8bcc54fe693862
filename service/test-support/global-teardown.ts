// jest globalTeardown: stops the MiniStack that global-setup.ts started, by its process group id, and drops its log.
import type { MiniStackGlobal } from './global-setup';
import { rmSync } from 'node:fs';
import { stopMiniStack } from './ministack';

export default async function globalTeardown(): Promise<void> {
  const miniStack = (globalThis as MiniStackGlobal).customersApiTestMiniStack;
  if (!miniStack) return;
  await stopMiniStack(miniStack.pid);
  rmSync(miniStack.logFile, { force: true });
}
