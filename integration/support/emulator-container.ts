// Starts the emulator image named by EMULATOR_IMAGE with testcontainers. LocalStack images go through the
// LocalStack module; anything else (MiniStack, or our locally built customers-api/ministack) is a generic container.
import { LocalstackContainer } from '@testcontainers/localstack';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';
import { freeLoopbackPort } from '../../scripts/lib/free-port';

export const emulatorImage = process.env.EMULATOR_IMAGE ?? 'localstack/localstack:4.14.0';
const isLocalStack = emulatorImage.startsWith('localstack/');

const localStackPort = 4566;
const startupTimeoutMs = 180_000;

export async function startEmulator(): Promise<{ endpoint: string; container: StartedTestContainer }> {
  if (!isLocalStack) return startMiniStack();
  const container = await new LocalstackContainer(emulatorImage)
    .withEnvironment(localStackEnvironment())
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return { container, endpoint: `http://${container.getHost()}:${container.getMappedPort(localStackPort)}` };
}

// Host networking with MiniStack bound to 127.0.0.1: testcontainers publishes mapped ports on every host
// interface, and an emulator holding test data should answer on loopback only. Readiness is a Docker healthcheck
// run inside the container, since there is no mapped port for testcontainers to poll.
async function startMiniStack(): Promise<{ endpoint: string; container: StartedTestContainer }> {
  const port = await freeLoopbackPort();
  const health = `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/_ministack/health', timeout=1)`;
  const container = await new GenericContainer(emulatorImage)
    .withNetworkMode('host')
    .withEnvironment({ GATEWAY_PORT: String(port), BIND_HOST: '127.0.0.1' })
    .withHealthCheck({ test: ['CMD', 'python3', '-c', health], interval: 250, timeout: 2_000, retries: 240 })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(startupTimeoutMs)
    .start();
  return { container, endpoint: `http://127.0.0.1:${port}` };
}

function localStackEnvironment(): Record<string, string> {
  const token = process.env.LOCALSTACK_AUTH_TOKEN;
  return {
    SERVICES: 'apigateway,lambda,dynamodb,kms,ssm,iam,sts,logs',
    ...(token ? { LOCALSTACK_AUTH_TOKEN: token } : {}),
  };
}
