// Starts the emulator image named by EMULATOR_IMAGE with testcontainers. LocalStack images go through the
// LocalStack module; anything else (MiniStack, or our locally built customers-api/ministack) is a generic container.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalstackContainer } from '@testcontainers/localstack';
import { GenericContainer, getContainerRuntimeClient, StartedTestContainer, Wait } from 'testcontainers';
import { freeLoopbackPort } from '../../scripts/lib/free-port';

type BindMount = Parameters<GenericContainer['withBindMounts']>[0][number];

export const emulatorImage = process.env.EMULATOR_IMAGE ?? 'localstack/localstack:4.14.0';
const isLocalStack = emulatorImage.startsWith('localstack/');

const startupTimeoutMs = 180_000;
// As scripts/emulator.sh runs MiniStack: IAM evaluated (AUTH=true) and scripts/emulator-guard on PYTHONPATH, which
// refuses requests from web pages. The LocalStack settings that do the same live in localstack/emulator.env.
const miniStackGuard = { source: path.resolve(__dirname, '../../scripts/emulator-guard'), target: '/opt/customers-api/emulator-guard' };
const containerDockerSocket = '/var/run/docker.sock';
/** The emulator settings compose's `emulator` service reads too: one place for SERVICES and the rest. */
export const EMULATOR_ENV_FILE = path.resolve(__dirname, '../../localstack/emulator.env');

/**
 * KEY=VALUE lines as Compose's env_file reads the ones we write: blank lines and # comments skipped, the value taken
 * as it stands (no quotes, no interpolation, which emulator.env never uses). Anything else is an error, not a guess.
 */
export function readEnvFile(file: string): Record<string, string> {
  const settings: Record<string, string> = {};
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=([^'"$]*)$/.exec(text);
    if (!match) throw new Error(`${file}:${index + 1}: expected KEY=value without quotes or $, got ${JSON.stringify(text)}`);
    settings[match[1]] = match[2];
  });
  return settings;
}

export async function startEmulator(): Promise<{ endpoint: string; container: StartedTestContainer }> {
  if (!isLocalStack) return startMiniStack();
  const { info } = await getContainerRuntimeClient();
  const container = await localStackContainer(emulatorImage, info.containerRuntime.remoteSocketPath, process.env).start();
  return { container, endpoint: container.getConnectionUri() };
}

/** What the LocalStack container needs beyond the module's defaults: the engine's socket and emulator.env. */
export interface LocalStackWiring {
  readonly environment: Record<string, string>;
  readonly bindMounts: BindMount[];
}

/**
 * LocalStack runs each Lambda in a sibling container, so it needs the Docker socket (the module mounts none). The
 * socket path is the engine's own view of it (testcontainers' remoteSocketPath: /var/run/docker.sock on Linux and
 * Docker Desktop, whatever DOCKER_HOST the client used). With it LocalStack finds the network its own container is
 * on and points the function's SDK at its address there (localstack/utils/container_networking.py, 4.14), so no
 * LAMBDA_DOCKER_NETWORK is needed on the default bridge.
 */
export function localStackWiring(engineSocketPath: string, env: NodeJS.ProcessEnv): LocalStackWiring {
  const token = env.LOCALSTACK_AUTH_TOKEN?.trim();
  return {
    environment: {
      ...readEnvFile(EMULATOR_ENV_FILE),
      ...(token ? { LOCALSTACK_AUTH_TOKEN: token } : {}),
    },
    bindMounts: [{ source: engineSocketPath, target: containerDockerSocket, mode: 'rw' }],
  };
}

export function localStackContainer(image: string, engineSocketPath: string, env: NodeJS.ProcessEnv): LocalstackContainer {
  const { environment, bindMounts } = localStackWiring(engineSocketPath, env);
  return new LocalstackContainer(image)
    .withEnvironment(environment)
    .withBindMounts(bindMounts)
    .withStartupTimeout(startupTimeoutMs);
}

// Host networking with MiniStack bound to 127.0.0.1: testcontainers publishes mapped ports on every host
// interface, and an emulator holding test data should answer on loopback only. Readiness is a Docker healthcheck
// run inside the container, since there is no mapped port for testcontainers to poll.
async function startMiniStack(): Promise<{ endpoint: string; container: StartedTestContainer }> {
  const port = await freeLoopbackPort();
  const health = `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/_ministack/health', timeout=1)`;
  const container = await new GenericContainer(emulatorImage)
    .withNetworkMode('host')
    .withEnvironment({ GATEWAY_PORT: String(port), BIND_HOST: '127.0.0.1', AUTH: 'true', PYTHONPATH: miniStackGuard.target })
    .withBindMounts([{ ...miniStackGuard, mode: 'ro' }])
    .withHealthCheck({ test: ['CMD', 'python3', '-c', health], interval: 250, timeout: 2_000, retries: 240 })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return { container, endpoint: `http://127.0.0.1:${port}` };
}
