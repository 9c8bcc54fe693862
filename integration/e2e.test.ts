// End-to-end on the host emulator (MiniStack from the cached toolchain, no Docker): deploy the real stack with
// OpenTofu + the AWS provider, exercise the API, destroy, and check nothing is left.
import { execFileSync } from 'node:child_process';
import { describeDeployment } from './support/deployment-suite';

const port = process.env.E2E_EMULATOR_PORT ?? '4599';
const hostMiniStack = (action: 'start' | 'stop') =>
  execFileSync('scripts/emulator.sh', [action], {
    stdio: 'inherit',
    env: { ...process.env, EMULATOR_PORT: port },
  });

describeDeployment('deployed to MiniStack on the host', 'e2e', async () => {
  hostMiniStack('start');
  return { endpoint: `http://127.0.0.1:${port}`, stop: async () => void hostMiniStack('stop') };
});
