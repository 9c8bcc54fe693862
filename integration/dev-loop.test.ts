// `make dev` end to end on the host emulator (MiniStack from the toolchain), in a temporary copy of the repository:
// the loop deploys, an edit to one route's handler serves on the next request (on Node 24) and is pushed to that
// route's function alone, its log lines are printed marked with the route, a
// syntax error and a type error are printed while the old code keeps serving, Ctrl-C stops everything it started,
// the next deploy puts the built code back, a second make dev then deploys nothing and applies an infra/ change,
// and the URL survives destroy and redeploy.
// The whole scenario runs in beforeAll; each `it` asserts one thing it observed.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetFunctionCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from './support/aws-clients';
import {
  cleanUpCopy, copyRepo, descendants, devEnv, DevLoop, headerWrapper, isAlive, postCustomer as post, unwrapHandler, wrapHandler, type RepoCopy, type Reply,
} from './support/dev-loop';
import type { StackOutputs } from './support/stack';

const port = process.env.DEV_TEST_EMULATOR_PORT ?? '4598';
const endpoint = `http://127.0.0.1:${port}`;
const deployId = 'dev-test';
const scenarioTimeoutMs = 20 * 60_000;

interface Observed {
  reloadLine?: string;
  /** Every `reloaded ...` line the loop printed for the first edit. */
  reloadLinesForEdit?: string[];
  /** CodeSha256 of each route's function before and after the first edit went live. */
  codeBeforeEdit?: Record<string, string | undefined>;
  codeAfterEdit?: Record<string, string | undefined>;
  beforeEdit?: Reply;
  afterEdit?: Reply;
  rejected?: Reply;
  rejectedLogLine?: string;
  makeLogsLine?: string;
  syntaxErrorOutput?: string;
  afterSyntaxError?: Reply;
  typeErrorOutput?: string;
  afterTypeError?: Reply;
  startedProcesses?: number[];
  leftAlive?: number[];
  stopMessage?: boolean;
  afterRedeploy?: Reply;
  secondStart?: string;
  infraChangeOutput?: string;
  logLevelAfterInfraChange?: string;
  urlBefore?: string;
  urlAfterDestroyAndDeploy?: string;
  afterFreshDeploy?: Reply;
}

const seen: Observed = {};
let copy: RepoCopy | undefined;
let loop: DevLoop | undefined;
let deployed = false;

const env = () => devEnv(port, deployId);
const inCopy = (command: string, args: string[]) =>
  execFileSync(command, args, { cwd: (copy as RepoCopy).root, env: env(), stdio: 'inherit' });
const outputs = (): StackOutputs =>
  JSON.parse(readFileSync(path.join((copy as RepoCopy).root, '.state', deployId, 'outputs.json'), 'utf8')) as StackOutputs;
const deployedCode = async (): Promise<Record<string, string | undefined>> => {
  const { lambda } = awsClients(endpoint);
  const entries = await Promise.all(Object.entries(outputs().function_names).map(async ([route, FunctionName]) =>
    [route, (await lambda.send(new GetFunctionCommand({ FunctionName }))).Configuration?.CodeSha256] as const));
  return Object.fromEntries(entries);
};

beforeAll(async () => {
  copy = copyRepo();
  const root = copy.root;
  inCopy('scripts/emulator.sh', ['start']);
  loop = DevLoop.start(root, env());
  let mark = (await loop.waitFor(/watching service\//, 15 * 60_000)).end;
  deployed = true;
  const { api_url: url, api_key_parameter_name: keyName } = outputs();
  seen.urlBefore = url;
  const { Parameter } = await awsClients(endpoint).ssm.send(new GetParameterCommand({ Name: keyName, WithDecryption: true }));
  const key = Parameter?.Value as string;
  seen.beforeEdit = await post(url, key);
  seen.codeBeforeEdit = await deployedCode();

  const editedAt = loop.output.length;
  wrapHandler(root, headerWrapper({ 'x-dev-loop': 'edit-1' }, ", 'x-node-version': process.version"));
  const reloaded = await loop.waitFor(/reloaded \S+ in \d+ ms/, 60_000, mark);
  seen.reloadLine = reloaded.match[0];
  mark = reloaded.end;
  seen.afterEdit = await post(url, key);
  await sleep(2_000); // a push of another function would have been printed by now
  seen.reloadLinesForEdit = loop.output.slice(editedAt).match(/reloaded \S+ in \d+ ms/g) ?? [];
  seen.codeAfterEdit = await deployedCode();

  // A duplicate email: the handler answers 409 and logs one WARN line, which the loop prints.
  const email = `dev-${randomUUID()}@example.com`;
  await post(url, key, email);
  seen.rejected = await post(url, key, email);
  const requestId = seen.rejected.body.requestId ?? 'none';
  seen.rejectedLogLine = (await loop.waitFor(new RegExp(`.*Request rejected.*${requestId}.*`), 30_000, mark)).match[0];
  // make logs prints the same line from the log group's recent past, then keeps following until Ctrl-C.
  const logs = DevLoop.start(root, env(), 'logs');
  seen.makeLogsLine = (await logs.waitFor(new RegExp(`.*Request rejected.*${requestId}.*`), 60_000)).match[0];
  await logs.interrupt();

  wrapHandler(root, `${headerWrapper({ 'x-dev-loop': 'edit-2' })}\nexport const = ;\n`);
  await loop.waitFor(/build error; the old code keeps serving:/, 30_000, mark);
  await sleep(1_000); // the whole message is out, and a push would have been done by now
  seen.syntaxErrorOutput = loop.output.slice(mark);
  mark = loop.output.length;
  seen.afterSyntaxError = await post(url, key);

  wrapHandler(root, `${headerWrapper({ 'x-dev-loop': 'edit-3' })}\nexport const port: number = 'not a number';\n`);
  await loop.waitFor(/type error; the old code keeps serving:/, 30_000, mark);
  await sleep(1_000);
  seen.typeErrorOutput = loop.output.slice(mark);
  seen.afterTypeError = await post(url, key);

  seen.startedProcesses = descendants(loop.pid);
  await loop.interrupt();
  seen.stopMessage = /SIGINT: stopping/.test(loop.output);
  const deadline = Date.now() + 10_000;
  while (seen.startedProcesses.some(isAlive) && Date.now() < deadline) await sleep(100);
  seen.leftAlive = seen.startedProcesses.filter(isAlive);
  loop = undefined;

  // Back to the original handler source, then the ordinary deploy path.
  unwrapHandler(root);
  inCopy('make', ['_synth']);
  inCopy('scripts/deploy.sh', ['up', 'local']);
  seen.afterRedeploy = await post(url, key);

  // Nothing changed since: a new make dev applies nothing.
  const again = DevLoop.start(root, env());
  loop = again;
  mark = (await again.waitFor(/watching service\//, 5 * 60_000)).end;
  seen.secondStart = again.output;

  // An infra change: the function's LOG_LEVEL, applied while the loop runs.
  const stackFile = path.join(root, 'infra', 'route-functions.ts');
  const stack = readFileSync(stackFile, 'utf8');
  if (!stack.includes("LOG_LEVEL: 'INFO'")) throw new Error("infra/route-functions.ts no longer sets LOG_LEVEL: 'INFO'; pick another edit");
  writeFileSync(stackFile, stack.replace("LOG_LEVEL: 'INFO'", "LOG_LEVEL: 'DEBUG'"));
  await again.waitFor(/deployed in [\d.]+ s/, 5 * 60_000, mark);
  seen.infraChangeOutput = again.output.slice(mark);
  const { Environment } = await awsClients(endpoint).lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: outputs().function_names['create-customer'] }),
  );
  seen.logLevelAfterInfraChange = Environment?.Variables?.LOG_LEVEL;
  await again.interrupt();
  loop = undefined;

  inCopy('scripts/deploy.sh', ['down', 'local']);
  deployed = false;
  inCopy('scripts/deploy.sh', ['up', 'local']);
  deployed = true;
  seen.urlAfterDestroyAndDeploy = outputs().api_url;
  const { Parameter: fresh } = await awsClients(endpoint).ssm.send(new GetParameterCommand({ Name: keyName, WithDecryption: true }));
  seen.afterFreshDeploy = await post(url, fresh?.Value as string);
}, scenarioTimeoutMs);

afterAll(async () => {
  await cleanUpCopy(copy, loop, deployed, env());
}, 10 * 60_000);

describe('make dev on MiniStack', () => {
  it('serves the deployed handler first (no edit header)', () => {
    expect(seen.beforeEdit?.status).toBe(201);
    expect(seen.beforeEdit?.headers.get('x-dev-loop')).toBeNull();
  });

  it('prints "reloaded create-customer in N ms" after an edit, and the next request is answered by the new code', () => {
    expect(seen.reloadLine).toMatch(/^reloaded create-customer in \d+ ms$/);
    expect(seen.afterEdit?.status).toBe(201);
    expect(seen.afterEdit?.headers.get('x-dev-loop')).toBe('edit-1');
  });

  it('pushes an edit to one route\'s handler to that route\'s function only', () => {
    expect(seen.reloadLinesForEdit).toEqual([expect.stringMatching(/^reloaded create-customer in \d+ ms$/)]);
    expect(seen.codeAfterEdit?.['create-customer']).not.toBe(seen.codeBeforeEdit?.['create-customer']);
    const others = Object.keys(seen.codeBeforeEdit ?? {}).filter((route) => route !== 'create-customer');
    expect(others.length).toBeGreaterThan(0); // the kit has more than one route: the assertion below means something
    for (const route of others) expect(seen.codeAfterEdit?.[route]).toBe(seen.codeBeforeEdit?.[route]);
  });

  it('runs the function on the toolchain\'s Node 24, the major of the declared nodejs24.x', () => {
    expect(seen.afterEdit?.headers.get('x-node-version')).toMatch(/^v24\./);
  });

  it('prints the function\'s log line for a rejected request readably, marked with its route: level, message, status, requestId', () => {
    expect(seen.rejected?.status).toBe(409);
    expect(seen.rejectedLogLine).toMatch(/^create-customer \| \d\d:\d\d:\d\d\.\d{3} WARN {2}Request rejected status=409 requestId=\S+/);
  });

  it('make logs prints the same line, from the recent past', () => {
    expect(seen.makeLogsLine).toBe(seen.rejectedLogLine);
  });

  it('prints a syntax error and keeps serving the old code', () => {
    expect(seen.syntaxErrorOutput).toMatch(/build error; the old code keeps serving:[\s\S]*create-customer\.ts/);
    expect(seen.syntaxErrorOutput).not.toMatch(/reloaded \S+ in/);
    expect(seen.afterSyntaxError?.headers.get('x-dev-loop')).toBe('edit-1');
  });

  it('prints a type error (the build alone would pass) and keeps serving the old code', () => {
    expect(seen.typeErrorOutput).toMatch(/type error; the old code keeps serving:[\s\S]*error TS2322/);
    expect(seen.typeErrorOutput).not.toMatch(/reloaded \S+ in/);
    expect(seen.afterTypeError?.headers.get('x-dev-loop')).toBe('edit-1');
  });

  it('stops every process it started on Ctrl-C (SIGINT to its process group)', () => {
    expect(seen.stopMessage).toBe(true);
    expect(seen.startedProcesses?.length).toBeGreaterThan(0); // at least the loop and esbuild's service
    expect(seen.leftAlive).toEqual([]);
  });

  it('the next deploy replaces the pushed code with the built bundle', () => {
    expect(seen.afterRedeploy?.status).toBe(201);
    expect(seen.afterRedeploy?.headers.get('x-dev-loop')).toBeNull();
  });

  it('deploys nothing when started again with nothing changed since the last deploy', () => {
    expect(seen.secondStart).toMatch(/deployment is up to date: nothing to apply/);
    expect(seen.secondStart).not.toMatch(/deploying|Apply complete/);
  });

  it('re-synthesizes and applies a change under infra/, saying it is the slower path', () => {
    expect(seen.infraChangeOutput).toMatch(/infra\/route-functions\.ts changed: re-synthesizing and applying \(the slower path\)/);
    expect(seen.logLevelAfterInfraChange).toBe('DEBUG');
  });

  it('keeps the same URL across destroy and a fresh deploy, and that URL serves', () => {
    expect(seen.urlAfterDestroyAndDeploy).toBe(seen.urlBefore);
    expect(seen.afterFreshDeploy?.status).toBe(201);
  });
});
