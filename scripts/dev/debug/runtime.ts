// The local debug process of `make dev DEBUG=1`, run under the inspector (session.ts starts it with --inspect and
// --enable-source-maps): an HTTP endpoint the relays post invocations to (relay-code.ts), answering only with the
// session's token, that runs the route's handler from its debug bundle (not minified, with a source map to the
// TypeScript files) and returns its answer. One invocation at a time, as while paused on a breakpoint there is
// only one of you: each runs with its function's environment and the credentials its invocation carried, so the
// code sees what it sees in Lambda (its table names, its role). New code is loaded on the next invocation.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { url as inspectorUrl } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { FromRuntime, ToRuntime, DebugFunctionConfig } from './protocol';
import { RELAY_PATH, type RelayAnswer, type RelayedInvocation } from './relay-code';

/** Lambda's synchronous payload limit. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
const LOCAL_ENV = { ...process.env };

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface LoadedFunction {
  config: DebugFunctionConfig;
  bundle?: string;
  handler?: Handler;
}

const functions = new Map<string, LoadedFunction>();
let token = Buffer.alloc(0);
let queue: Promise<unknown> = Promise.resolve();

const send = (message: FromRuntime) => process.send?.(message);

/** process.env as the function has it: our own (endpoint, region), its variables, its invocation's credentials. */
function useEnvironment(config: DebugFunctionConfig, invocation?: RelayedInvocation): void {
  for (const name of Object.keys(process.env)) if (!(name in LOCAL_ENV)) delete process.env[name];
  // NODE_OPTIONS is the function's runtime flag (source maps): this process has its own.
  const { NODE_OPTIONS: _ignored, ...variables } = config.environment;
  void _ignored;
  Object.assign(process.env, LOCAL_ENV, variables, {
    AWS_LAMBDA_FUNCTION_NAME: config.name,
    ...(invocation?.region ? { AWS_REGION: invocation.region } : {}),
  });
  const { accessKeyId, secretAccessKey, sessionToken } = invocation?.credentials ?? {};
  if (accessKeyId && secretAccessKey) {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    if (sessionToken) process.env.AWS_SESSION_TOKEN = sessionToken;
    else delete process.env.AWS_SESSION_TOKEN;
  }
}

function load(fn: LoadedFunction): Handler {
  if (fn.handler) return fn.handler;
  if (!fn.bundle) throw new Error(`no code loaded for ${fn.config.name} yet`);
  // A fresh module each time, as a cold start: its module scope (config, clients) runs again.
  delete require.cache[require.resolve(fn.bundle)];
  const exportName = fn.config.handler.split('.').at(-1) ?? 'handler';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bundle, loaded again after each edit
  const handler = (require(fn.bundle) as Record<string, unknown>)[exportName];
  if (typeof handler !== 'function') throw new Error(`${fn.config.name}: the bundle exports no function ${exportName}`);
  fn.handler = handler as Handler;
  return fn.handler;
}

function contextOf(invocation: RelayedInvocation): Context {
  const { deadline, ...fields } = invocation.context;
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(invocation: RelayedInvocation): Promise<RelayAnswer> {
  const fn = functions.get(invocation.context.functionName);
  if (!fn) return { error: { name: 'UnknownFunction', message: `${invocation.context.functionName} is not in this debug session` } };
  const began = performance.now();
  try {
    useEnvironment(fn.config, invocation);
    const result = await load(fn)(invocation.event, contextOf(invocation));
    send({ type: 'invoked', name: fn.config.name, ms: performance.now() - began });
    return { result };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    // The stack stays here, on the developer's terminal; the relay gets what Lambda would report.
    console.error(failure);
    send({ type: 'invoked', name: fn.config.name, ms: performance.now() - began, error: failure.message });
    return { error: { name: failure.name, message: failure.message } };
  }
}

function authorized(request: IncomingMessage): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  return given.length === token.length && token.length > 0 && timingSafeEqual(given, token);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function serve(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'POST' || request.url !== RELAY_PATH) return reply(response, 404, { message: 'not found' });
  if (!authorized(request)) return reply(response, 401, { message: 'wrong or missing session token' });
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () => {
    let invocation: RelayedInvocation;
    try {
      invocation = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RelayedInvocation;
    } catch {
      return reply(response, 400, { message: 'the body is not JSON' });
    }
    const answer = queue.then(() => invoke(invocation));
    queue = answer.catch(() => undefined);
    void answer.then((body) => reply(response, 200, body));
  });
}

process.on('message', (message: ToRuntime) => {
  if (message.type === 'start') {
    token = Buffer.from(message.token);
    for (const config of message.functions) functions.set(config.name, { config });
    const server = createServer({ noDelay: true }, serve);
    server.keepAliveTimeout = 60_000;
    server.listen(0, message.bind, () => send({ type: 'listening', port: (server.address() as AddressInfo).port, inspector: inspectorUrl() }));
  } else if (message.type === 'load') {
    const fn = functions.get(message.name);
    if (fn) {
      fn.bundle = message.bundle;
      fn.handler = undefined;
      send({ type: 'loaded', name: message.name });
    }
  }
});
// The session ended (Ctrl-C reaches the whole process group; a parent that died closes the channel).
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => undefined);
