// `make dev DEBUG=1` through compose (RUNNER=compose, the compose emulator), in a temporary copy of the repository:
// the debug process runs in the tools container, its inspector published on the host's 127.0.0.1:DEBUG_PORT, and
// the function's relay reaches it at the tools container's address on the compose network. A CDP client on the host
// breaks in the POST handler, reads the event's firstname, resumes, and the request gets its 201; Ctrl-C puts the
// real code back and the next request is served by it. `.ci/run` runs it with the locally built MiniStack image as
// EMULATOR_IMAGE (its Lambdas are processes inside the emulator container; LocalStack's would be sibling containers on
// the same network: scripts/dev/debug/relay-address.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from './support/aws-clients';
import { breakOnce, type BreakpointHit } from './support/breakpoint';
import { copyRepo, DevLoop, postCustomer, withoutMakeFlags, type RepoCopy, type Reply } from './support/dev-loop';
import type { StackOutputs } from './support/stack';

const repoRoot = path.resolve(__dirname, '..');
const endpoint = `http://127.0.0.1:${process.env.EMULATOR_PORT ?? '4566'}`;
const debugPort = process.env.DEV_TEST_DEBUG_PORT ?? '9229';
const project = process.env.COMPOSE_PROJECT_NAME ?? path.basename(repoRoot).toLowerCase().replace(/[^a-z0-9_-]/g, '');
const minutes = 60_000;

interface Observed {
  banner?: string;
  hit?: BreakpointHit<Reply>;
  relayCode?: string;
  stopOutput?: string;
  codeAfterStop?: string;
  afterStop?: Reply;
}
const seen: Observed = {};
let copy: RepoCopy | undefined;
let loop: DevLoop | undefined;

const env = (): NodeJS.ProcessEnv => ({
  ...withoutMakeFlags(),
  ENV: 'local',
  RUNNER: 'compose',
  EMULATOR: 'compose',
  COMPOSE_PROJECT_NAME: project,
  DEBUG: '1',
  DEBUG_PORT: debugPort,
});

beforeAll(async () => {
  copy = copyRepo({ linkNodeModules: false });
  const root = copy.root;
  loop = DevLoop.start(root, env());
  const banner = await loop.waitFor(/debug mode: .*Ctrl-C puts the real code back/, 15 * minutes);
  seen.banner = banner.match[0];
  const outputs = JSON.parse(readFileSync(path.join(root, '.state/local/outputs.json'), 'utf8')) as StackOutputs;
  const clients = awsClients(endpoint);
  const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
  const key = Parameter?.Value as string;
  const code = async () => (await clients.lambda.send(new GetFunctionCommand({ FunctionName: outputs.function_names['create-customer'] }))).Configuration?.CodeSha256;

  seen.hit = await breakOnce({
    port: Number(debugPort),
    root,
    route: 'create-customer',
    sourceFile: 'service/src/routes/create-customer.ts',
    lineContaining: 'readJsonObject(event)',
    expression: 'JSON.parse(event.body).firstname',
    trigger: () => postCustomer(outputs.api_url, key, undefined, 'Compose'),
  });
  seen.relayCode = await code();

  const mark = loop.output.length;
  await loop.interrupt(2 * minutes);
  seen.stopOutput = loop.output.slice(mark);
  loop = undefined;
  seen.codeAfterStop = await code();
  seen.afterStop = await postCustomer(outputs.api_url, key);
}, 30 * minutes);

afterAll(async () => {
  try {
    if (loop) await loop.interrupt().catch(() => process.kill(-(loop as DevLoop).pid, 'SIGKILL'));
    if (copy) execFileSync('make', ['emulator-down'], { cwd: copy.root, env: env(), stdio: 'inherit' });
  } finally {
    copy?.remove();
  }
}, 5 * minutes);

describe('make dev DEBUG=1 through compose', () => {
  it('publishes the inspector on the host\'s loopback and relays to the tools container on the compose network', () => {
    expect(seen.banner).toMatch(new RegExp(`under the inspector on 127\\.0\\.0\\.1:${debugPort}`));
    expect(seen.banner).toMatch(/relay to (?!127\.)\d+\.\d+\.\d+\.\d+:\d+/);
  });

  it('pauses in the POST handler for a request through the emulator\'s API Gateway, and answers 201 once resumed', () => {
    expect(seen.hit?.pausedIn).toMatch(/dist\/dev\/debug\/create-customer\/index\.js$/);
    expect(seen.hit?.value).toBe('Compose');
    expect(seen.hit?.answer.status).toBe(201);
  });

  it('puts the real code back on Ctrl-C, and the next request is served by it', () => {
    expect(seen.stopOutput).toMatch(/the real code serves again/);
    expect(seen.codeAfterStop).not.toBe(seen.relayCode);
    expect(seen.afterStop?.status).toBe(201);
  });
});
