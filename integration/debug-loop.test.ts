// `make dev DEBUG=1` end to end on host MiniStack, in a temporary copy of the repository: a Chrome DevTools Protocol
// client attaches to the local debug process, sets a breakpoint in the POST handler (its TypeScript line, through
// the bundle's source map), a request sent through API Gateway (API key, validation) and the function (now a relay)
// pauses there, the client reads the event's firstname from the paused frame and resumes, and the request gets its
// 201. An edit is then live without any UpdateFunctionCode. Ctrl-C puts the real code back: the next request is
// served by it, with the local process gone.
// The whole scenario runs in beforeAll; each `it` asserts one thing it observed.
import { execFileSync } from 'node:child_process';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { awsClients } from './support/aws-clients';
import {
  cleanUpCopy, copyRepo, deployedInCopy, descendants, devEnv, DevLoop, headerWrapper, isAlive, postCustomer, wrapHandler, type RepoCopy, type Reply,
} from './support/dev-loop';
import { breakOnce } from './support/breakpoint';

const port = process.env.DEV_TEST_EMULATOR_PORT ?? '4598';
const debugPort = process.env.DEV_TEST_DEBUG_PORT ?? '9229';
const endpoint = `http://127.0.0.1:${port}`;
const deployId = 'debug-test';
const minutes = 60_000;
// The line to stop on: the POST handler's first look at the request.
const ROUTE = 'create-customer';
const HANDLER_FILE = 'service/src/routes/create-customer.ts';
const BREAK_AT = 'readJsonObject(event)';

interface Observed {
  banner?: string;
  pausedIn?: string;
  firstnameInFrame?: unknown;
  answerAfterResume?: Reply;
  codeBeforeEdit?: string;
  codeAfterEdit?: string;
  liveLine?: string;
  afterEdit?: Reply;
  stopOutput?: string;
  debugProcessesLeft?: number[];
  codeAfterStop?: string;
  afterStop?: Reply;
}
const seen: Observed = {};
let copy: RepoCopy | undefined;
let loop: DevLoop | undefined;
let deployed = false;

const env = () => ({ ...devEnv(port, deployId), DEBUG: '1', DEBUG_PORT: debugPort });
const inCopy = (command: string, args: string[]) =>
  execFileSync(command, args, { cwd: (copy as RepoCopy).root, env: env(), stdio: 'inherit' });

beforeAll(async () => {
  copy = copyRepo();
  const root = copy.root;
  inCopy('scripts/emulator.sh', ['start']);
  loop = DevLoop.start(root, env());
  const banner = await loop.waitFor(/debug mode: .*Ctrl-C puts the real code back/, 15 * minutes);
  deployed = true;
  seen.banner = banner.match[0];
  let mark = banner.end;
  const { outputs, key } = await deployedInCopy(root, deployId, endpoint);
  const clients = awsClients(endpoint);
  const deployedCode = async () =>
    (await clients.lambda.send(new GetFunctionCommand({ FunctionName: outputs.function_names[ROUTE] }))).Configuration?.CodeSha256;

  const hit = await breakOnce({
    port: Number(debugPort),
    root,
    route: ROUTE,
    sourceFile: HANDLER_FILE,
    lineContaining: BREAK_AT,
    expression: 'JSON.parse(event.body).firstname',
    trigger: () => postCustomer(outputs.api_url, key, undefined, 'Breakpoint'),
  });
  seen.pausedIn = hit.pausedIn;
  seen.firstnameInFrame = hit.value;
  seen.answerAfterResume = hit.answer;

  seen.codeBeforeEdit = await deployedCode();
  wrapHandler(root, headerWrapper({ 'x-debug-edit': 'edit-1' }));
  const live = await loop.waitFor(/live create-customer in \d+ ms \(in the debug process; no UpdateFunctionCode\)/, 60_000, mark);
  seen.liveLine = live.match[0];
  mark = live.end;
  seen.afterEdit = await postCustomer(outputs.api_url, key);
  seen.codeAfterEdit = await deployedCode();

  const started = descendants(loop.pid);
  await loop.interrupt(120_000);
  seen.stopOutput = loop.output.slice(mark);
  loop = undefined;
  seen.debugProcessesLeft = started.filter(isAlive);
  seen.codeAfterStop = await deployedCode();
  seen.afterStop = await postCustomer(outputs.api_url, key);
}, 30 * minutes);

afterAll(async () => {
  await cleanUpCopy(copy, loop, deployed, env());
}, 10 * minutes);

describe('make dev DEBUG=1 on MiniStack', () => {
  it('says where the inspector listens and that requests still go through API Gateway and Lambda', () => {
    expect(seen.banner).toMatch(new RegExp(`under the inspector on 127\\.0\\.0\\.1:${debugPort}`));
    expect(seen.banner).toMatch(/relay to 127\.0\.0\.1:\d+/);
  });

  it('pauses on a breakpoint in the POST handler, where the event\'s firstname can be read', () => {
    expect(seen.pausedIn).toMatch(/dist\/dev\/debug\/create-customer\/index\.js$/);
    expect(seen.firstnameInFrame).toBe('Breakpoint');
  });

  it('answers the paused request with its 201 once resumed', () => {
    expect(seen.answerAfterResume?.status).toBe(201);
  });

  it('serves an edit on the next request without any UpdateFunctionCode', () => {
    expect(seen.liveLine).toBeDefined();
    expect(seen.afterEdit?.status).toBe(201);
    expect(seen.afterEdit?.headers.get('x-debug-edit')).toBe('edit-1');
    expect(seen.codeAfterEdit).toBe(seen.codeBeforeEdit);
  });

  it('puts the real code back on Ctrl-C, and the next request is served by it with the local process gone', () => {
    expect(seen.stopOutput).toMatch(/leaving debug mode: putting the real bundles back[\s\S]*the real code serves again/);
    expect(seen.debugProcessesLeft).toEqual([]);
    expect(seen.codeAfterStop).not.toBe(seen.codeAfterEdit);
    expect(seen.afterStop?.status).toBe(201);
    // The real code has the edit too: what was saved during the session is what now runs.
    expect(seen.afterStop?.headers.get('x-debug-edit')).toBe('edit-1');
  });
});
