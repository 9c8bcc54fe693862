// `make dev` as a user with Docker runs it: through the compose tools container (RUNNER=compose) against the compose
// emulator, in a temporary copy of the repository. In a terminal (util-linux `script`): it deploys, an edit saved on
// the host serves on the next request, and a typed Ctrl-C stops the loop and its container. Without a terminal (a
// script, CI): SIGINT to make's process group stops the loop too, and make returns once its container has ended. Then
// `make dev DEBUG=1` on the same emulator: the debug process runs in the tools container, its inspector published on
// the host's 127.0.0.1:DEV_TEST_DEBUG_PORT (9229), the function's relay reaching it at the tools container's address
// on the compose network; a CDP client on the host breaks in the POST handler, reads the event's firstname, resumes,
// and the request gets its 201; Ctrl-C puts the real code back. `.ci/run` runs it with the locally built MiniStack
// image as EMULATOR_IMAGE (its Lambdas are processes inside the emulator container; LocalStack's would be sibling
// containers on the same network: scripts/dev/debug/relay-address.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from './support/aws-clients';
import { breakOnce, type BreakpointHit } from './support/breakpoint';
import {
  copyRepo, DevLoop, headerWrapper, postCustomer as post, withoutMakeFlags, wrapHandler, type RepoCopy, type Reply,
} from './support/dev-loop';
import type { StackOutputs } from './support/stack';

const repoRoot = path.resolve(__dirname, '..');
const endpoint = `http://127.0.0.1:${process.env.EMULATOR_PORT ?? '4566'}`;
// The repository's own compose project, as compose names it from the directory: the copy shares its node_modules
// volume (filled by the first `npm ci`, same lockfile) instead of installing again.
const project = process.env.COMPOSE_PROJECT_NAME ?? path.basename(repoRoot).toLowerCase().replace(/[^a-z0-9_-]/g, '');
const debugPort = process.env.DEV_TEST_DEBUG_PORT ?? '9229';
const minutes = 60_000;

interface Observed {
  url?: string;
  beforeEdit?: Reply;
  reloadLine?: string;
  afterEdit?: Reply;
  terminalOutput?: string;
  terminalExit?: number | null;
  toolsAfterCtrlC?: string[];
  scriptedExit?: number | null;
  toolsAfterSigint?: string[];
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
});

/** The project's tools containers still running, once they have had `withinMs` to end. */
async function toolsContainers(withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const names = execFileSync('docker', [
      'ps', '--format', '{{.Names}}',
      '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=tools',
    ], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (names.length === 0 || Date.now() > deadline) return names;
    await sleep(500);
  }
}

beforeAll(async () => {
  copy = copyRepo({ linkNodeModules: false });
  const root = copy.root;

  loop = DevLoop.startInTerminal(root, env());
  let mark = (await loop.waitFor(/watching service\//, 15 * minutes)).end;
  const outputs = JSON.parse(readFileSync(path.join(root, '.state/local/outputs.json'), 'utf8')) as StackOutputs;
  seen.url = outputs.api_url;
  const { Parameter } = await awsClients(endpoint).ssm.send(
    new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }),
  );
  const key = Parameter?.Value as string;
  seen.beforeEdit = await post(seen.url, key);

  wrapHandler(root, headerWrapper({ 'x-dev-loop': 'compose-edit' }));
  const reloaded = await loop.waitFor(/reloaded \S+ in \d+ ms/, 2 * minutes, mark);
  seen.reloadLine = reloaded.match[0];
  mark = reloaded.end;
  seen.afterEdit = await post(seen.url, key);

  seen.terminalExit = await loop.typeCtrlC();
  seen.terminalOutput = loop.output.slice(mark);
  seen.toolsAfterCtrlC = await toolsContainers(15_000);

  loop = DevLoop.start(root, env());
  await loop.waitFor(/watching service\//, 10 * minutes);
  seen.scriptedExit = await loop.interrupt();
  // At once: make returns only when its container has ended (scripts/lib/compose-run.sh). Plain `docker compose run`
  // returned at once, and about one time in eight left the container running with the loop in it.
  seen.toolsAfterSigint = await toolsContainers(0);
  loop = undefined;
}, 30 * minutes);

afterAll(async () => {
  try {
    if (loop) await loop.interrupt().catch(() => process.kill(-(loop as DevLoop).pid, 'SIGKILL'));
    // Any tools container a failure left running (`docker compose down` leaves one-off containers, and the next run
    // would count it as its own); then the emulator goes, and with it everything the loop deployed.
    const leftOver = await toolsContainers(0);
    if (leftOver.length > 0) execFileSync('docker', ['rm', '--force', ...leftOver], { stdio: 'inherit' });
    if (copy) execFileSync('make', ['emulator-down'], { cwd: copy.root, env: env(), stdio: 'inherit' });
  } finally {
    copy?.remove();
  }
}, 5 * minutes);

describe('make dev through compose', () => {
  it('deploys and prints a URL on localhost, where the user calls it', () => {
    expect(seen.url).toMatch(/^http:\/\/localhost:\d+\/_aws\/execute-api\/[a-z0-9]+\/v1\/customers$/);
    expect(seen.beforeEdit?.status).toBe(201);
    expect(seen.beforeEdit?.headers.get('x-dev-loop')).toBeNull();
  });

  it('sees an edit saved on the host and serves it on the next request', () => {
    expect(seen.reloadLine).toMatch(/^reloaded create-customer in \d+ ms$/);
    expect(seen.afterEdit?.status).toBe(201);
    expect(seen.afterEdit?.headers.get('x-dev-loop')).toBe('compose-edit');
  });

  it('stops on a Ctrl-C typed in the terminal, saying so, and its container ends', () => {
    expect(seen.terminalOutput).toMatch(/SIGINT: stopping/);
    expect(seen.terminalOutput).not.toMatch(/No child processes/);
    expect(seen.terminalExit).not.toBe(0);
    expect(seen.toolsAfterCtrlC).toEqual([]);
  });

  it('returns from SIGINT without a terminal (a script, CI) once its tools container has ended', () => {
    expect(seen.scriptedExit).not.toBe(0);
    expect(seen.toolsAfterSigint).toEqual([]);
  });
});

interface ObservedInDebug {
  banner?: string;
  hit?: BreakpointHit<Reply>;
  relayCode?: string;
  stopOutput?: string;
  codeAfterStop?: string;
  afterStop?: Reply;
}

describe('make dev DEBUG=1 through compose', () => {
  const debugSeen: ObservedInDebug = {};

  beforeAll(async () => {
    const root = (copy as RepoCopy).root;
    // In a terminal, as a user runs it: Ctrl-C is typed, and the loop in the container restores the code before it ends.
    loop = DevLoop.startInTerminal(root, { ...env(), DEBUG: '1', DEBUG_PORT: debugPort });
    const banner = await loop.waitFor(/debug mode: .*Ctrl-C puts the real code back/, 10 * minutes);
    debugSeen.banner = banner.match[0];
    const outputs = JSON.parse(readFileSync(path.join(root, '.state/local/outputs.json'), 'utf8')) as StackOutputs;
    const clients = awsClients(endpoint);
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
    const key = Parameter?.Value as string;
    const code = async () =>
      (await clients.lambda.send(new GetFunctionCommand({ FunctionName: outputs.function_names['create-customer'] }))).Configuration?.CodeSha256;

    debugSeen.hit = await breakOnce({
      port: Number(debugPort),
      root,
      route: 'create-customer',
      // The edit above left the route's handler wrapped; the real one is beside it, in the bundle all the same.
      sourceFile: 'service/src/routes/original-create-customer.ts',
      lineContaining: 'readJsonObject(event)',
      expression: 'JSON.parse(event.body).firstname',
      trigger: () => post(outputs.api_url, key, undefined, 'Compose'),
    });
    debugSeen.relayCode = await code();

    const mark = loop.output.length;
    await loop.typeCtrlC(2 * minutes);
    debugSeen.stopOutput = loop.output.slice(mark);
    loop = undefined;
    debugSeen.codeAfterStop = await code();
    debugSeen.afterStop = await post(outputs.api_url, key);
  }, 15 * minutes);

  it('publishes the inspector on the host\'s loopback and relays to the tools container on the compose network', () => {
    expect(debugSeen.banner).toMatch(new RegExp(`under the inspector on 127\\.0\\.0\\.1:${debugPort}`));
    expect(debugSeen.banner).toMatch(/relay to (?!127\.)\d+\.\d+\.\d+\.\d+:\d+/);
  });

  it('pauses in the POST handler for a request through the emulator\'s API Gateway, and answers 201 once resumed', () => {
    expect(debugSeen.hit?.pausedIn).toMatch(/dist\/dev\/debug\/create-customer\/index\.js$/);
    expect(debugSeen.hit?.value).toBe('Compose');
    expect(debugSeen.hit?.answer.status).toBe(201);
  });

  it('puts the real code back on Ctrl-C, and the next request is served by it', () => {
    expect(debugSeen.stopOutput).toMatch(/the real code serves again/);
    expect(debugSeen.codeAfterStop).not.toBe(debugSeen.relayCode);
    expect(debugSeen.afterStop?.status).toBe(201);
  });
});
