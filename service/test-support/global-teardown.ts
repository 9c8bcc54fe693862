// jest globalTeardown: stops the MiniStack that global-setup.ts started (its process group) and drops its log.
import { stopMiniStack } from '../../scripts/lib/ministack';
import type { MiniStackGlobal } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const miniStack = (globalThis as MiniStackGlobal).customersApiTestMiniStack;
  if (miniStack) await stopMiniStack(miniStack);
}
