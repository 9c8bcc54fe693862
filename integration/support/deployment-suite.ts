// One lifecycle for every suite that deploys for real: start an emulator, deploy, run the shared assertions,
// destroy and check nothing is left, and stop the emulator even when something failed.
import { describeDeployedApi, expectStackGone } from './deployed-api';
import { deployStack, destroyStack, LocalTarget, StackOutputs } from './stack';

export interface StartedEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

const deployTimeoutMs = 30 * 60_000;
const destroyTimeoutMs = 10 * 60_000;

export function describeDeployment(
  title: string,
  deployId: string,
  startEmulator: () => Promise<StartedEmulator>,
): void {
  let emulator: StartedEmulator | undefined;
  let target: LocalTarget;
  let outputs: StackOutputs | undefined;
  let destroyed = false;

  beforeAll(async () => {
    emulator = await startEmulator();
    target = { endpoint: emulator.endpoint, deployId };
    outputs = deployStack(target);
  }, deployTimeoutMs);

  afterAll(async () => {
    try {
      if (outputs && !destroyed) destroyStack(target);
    } finally {
      await emulator?.stop();
    }
  }, destroyTimeoutMs);

  describe(title, () => {
    describeDeployedApi(() => ({ endpoint: target.endpoint, outputs: outputs as StackOutputs }));

    it('destroy removes the table, function, API and key', async () => {
      destroyStack(target);
      destroyed = true;
      await expectStackGone(target.endpoint, outputs as StackOutputs);
    }, destroyTimeoutMs);
  });
}
