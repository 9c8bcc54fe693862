// The toolchain's MiniStack as a host process on one loopback port (scripts/emulator.sh), for the suites that need
// no Docker.
import { execFileSync } from 'node:child_process';
import { StartedEmulator } from './deployment-suite';

/**
 * E2E_EMULATOR_PORT (4599) for the first jest worker, 10 below it for the second: `make aws-safety` runs
 * its test files two at a time, each on its own emulator.
 */
export const hostEmulatorPort = (): string =>
  String(Number(process.env.E2E_EMULATOR_PORT ?? '4599') - 10 * (Number(process.env.JEST_WORKER_ID ?? '1') - 1));

const emulatorScript = (action: 'start' | 'stop', port: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync('scripts/emulator.sh', [action], { stdio: 'inherit', env: { ...process.env, ...env, EMULATOR_PORT: port } });

/** `env`: MiniStack's own settings for this instance (e.g. AUTH=true), passed through scripts/emulator.sh. */
export async function startHostMiniStack(port = hostEmulatorPort(), env: NodeJS.ProcessEnv = {}): Promise<StartedEmulator> {
  emulatorScript('start', port, env);
  return { endpoint: `http://127.0.0.1:${port}`, stop: async () => void emulatorScript('stop', port) };
}
