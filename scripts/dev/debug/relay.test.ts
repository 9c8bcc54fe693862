// The relay and the local debug process together, as the emulator's Lambda runs them: the relay's generated code is
// loaded like a function's index.js and called with a Lambda-shaped context; the debug process is the real one
// (runtime.ts, forked as make dev DEBUG=1 forks it, without the inspector).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FromRuntime, ToRuntime } from './protocol';
import { relaySource, type RelayTarget } from './relay-code';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

let dir: string;
let runtime: ChildProcess;
let target: RelayTarget;
const messages: FromRuntime[] = [];

const lambdaContext = (functionName: string) => ({
  awsRequestId: 'req-1',
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '256',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 15_000,
});

/** The relay's code as a module, the way Lambda loads index.js. */
function relayFor(relay: RelayTarget): Handler {
  const file = path.join(dir, `relay-${relay.port}-${relay.token.length}.js`);
  writeFileSync(file, relaySource(relay));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated CommonJS relay, as Lambda loads it
  return (require(file) as { handler: Handler }).handler;
}

const waitFor = (type: FromRuntime['type']) => new Promise<FromRuntime>((resolve) => {
  const listener = (message: FromRuntime) => {
    if (message.type === type) {
      runtime.off('message', listener);
      resolve(message);
    }
  };
  runtime.on('message', listener);
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
  // A handler bundle that answers with what it was given: the event, its table variable, its credentials, its time.
  writeFileSync(path.join(dir, 'bundle.js'), `
    const loadedWith = process.env.DB_NAME;
    exports.handler = async (event, context) => {
      if (event.fail) throw Object.assign(new Error('handler failed'), { name: 'Boom' });
      return { statusCode: 201, body: JSON.stringify({
        firstname: JSON.parse(event.body).firstname, loadedWith, key: process.env.AWS_ACCESS_KEY_ID,
        session: process.env.AWS_SESSION_TOKEN, remaining: context.getRemainingTimeInMillis(), id: context.awsRequestId,
      }) };
    };`);
  runtime = fork(path.join(__dirname, 'runtime.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  runtime.on('message', (message: FromRuntime) => messages.push(message));
  const listening = waitFor('listening');
  const token = 'a-session-token-of-32-random-bytes';
  runtime.send({
    type: 'start', bind: '127.0.0.1', token,
    functions: [{ name: 'create-customer', environment: { DB_NAME: 'customers', NODE_OPTIONS: '--enable-source-maps' }, handler: 'index.handler' }],
  } satisfies ToRuntime);
  target = { host: '127.0.0.1', port: (await listening as { port: number }).port, token };
  const loaded = waitFor('loaded');
  runtime.send({ type: 'load', name: 'create-customer', bundle: path.join(dir, 'bundle.js') } satisfies ToRuntime);
  await loaded;
}, 30_000);

afterAll(() => {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[name];
  runtime?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('the relay and the local debug process', () => {
  it('returns the local handler\'s answer for the event, with the function\'s environment and the invocation\'s credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAROLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'role-secret';
    process.env.AWS_SESSION_TOKEN = 'role-session';
    const answer = await relayFor(target)({ body: JSON.stringify({ firstname: 'Ada' }) }, lambdaContext('create-customer')) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(201);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toMatchObject({ firstname: 'Ada', loadedWith: 'customers', key: 'ASIAROLE', session: 'role-session', id: 'req-1' });
    expect(body.remaining).toBeGreaterThan(10_000);
    expect(messages).toContainEqual(expect.objectContaining({ type: 'invoked', name: 'create-customer' }));
  });

  it('throws the handler\'s error as Lambda would report it: name and message', async () => {
    await expect(relayFor(target)({ fail: true }, lambdaContext('create-customer'))).rejects.toMatchObject({ name: 'Boom', message: 'handler failed' });
  });

  it('is refused without the session\'s token', async () => {
    await expect(relayFor({ ...target, token: 'guessed' })({ body: '{}' }, lambdaContext('create-customer')))
      .rejects.toThrow('make dev DEBUG=1 answered HTTP 401 for create-customer');
  });

  it('says what to do when the local process is not running', async () => {
    await expect(relayFor({ ...target, port: 1 })({ body: '{}' }, lambdaContext('create-customer')))
      .rejects.toThrow(/make dev DEBUG=1 is not reachable at 127\.0\.0\.1:1 \(ECONNREFUSED\): start it, or make deploy/);
  });
});
