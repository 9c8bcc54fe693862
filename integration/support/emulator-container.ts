// Starts the emulator image named by EMULATOR_IMAGE with testcontainers. LocalStack images go through the
// LocalStack module; anything else (MiniStack, or our locally built customers-api/ministack) is a generic container.
import { LocalstackContainer } from '@testcontainers/localstack';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';

export const emulatorImage = process.env.EMULATOR_IMAGE ?? 'localstack/localstack:4.14.0';
const isLocalStack = emulatorImage.startsWith('localstack/');

const port = 4566;
const startupTimeoutMs = 180_000;

export async function startEmulator(): Promise<{ endpoint: string; container: StartedTestContainer }> {
  const container = isLocalStack
    ? await new LocalstackContainer(emulatorImage)
        .withEnvironment(localStackEnvironment())
        .withStartupTimeout(startupTimeoutMs)
        .start()
    : await new GenericContainer(emulatorImage)
        .withExposedPorts(port)
        .withWaitStrategy(Wait.forHttp('/_ministack/health', port).forStatusCode(200))
        .withStartupTimeout(startupTimeoutMs)
        .start();
  return { container, endpoint: `http://${container.getHost()}:${container.getMappedPort(port)}` };
}

function localStackEnvironment(): Record<string, string> {
  const token = process.env.LOCALSTACK_AUTH_TOKEN;
  return {
    SERVICES: 'apigateway,lambda,dynamodb,kms,ssm,iam,sts,logs',
    ...(token ? { LOCALSTACK_AUTH_TOKEN: token } : {}),
  };
}
