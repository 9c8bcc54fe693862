// Benchmark (a script, not a test): `make bench`, or `npx tsx scripts/bench.ts` after `make build`.
//
// Measures this checkout's bundle side by side with a baseline commit's (BENCH_BASELINE, default a2417bb: main before
// issue 13), in one run, because absolute times move with the machine's load and only the ratios mean something:
//   size     the create route's bundle (dist/create-customer/index.js) and zip; every route's in the api target
//   cold     fresh `node` processes: `require` of the bundle, then its first request (median of BENCH_COLD_RUNS)
//   calls    DynamoDB calls per create, with and without an Idempotency-Key, counted by a proxy in front of MiniStack
//   handler  BENCH_N creates, BENCH_CONCURRENCY at a time, against the bundle in a child process, unkeyed and keyed
//            (every request its own Idempotency-Key); the median over BENCH_ROUNDS rounds, the builds taking turns first
//   api      the same creates against the deployed API (after `make deploy`; only this checkout's build is deployed),
//            then as many reads of what they created (GET /customers/{id}), the same number at a time: p50/p99 of each
// The baseline is exported with `git archive` into the toolchain cache, `npm ci`-ed and built with its own
// service/build.ts, once. Everything runs on MiniStack's DynamoDB (scripts/lib/ministack.ts), fresh tables per run.
//
// Options (flag or environment variable): --n / BENCH_N (1000), --concurrency / BENCH_CONCURRENCY (50),
// --rounds / BENCH_ROUNDS (3), --cold-runs / BENCH_COLD_RUNS (15), --targets / BENCH_TARGETS (compare; or api),
// --baseline / BENCH_BASELINE (a2417bb). api: workspace DEPLOY_ID, else ENV (local); EMULATOR_ENDPOINT.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awsClients } from '../integration/support/aws-clients';
import type { StackOutputs } from '../integration/support/stack';
import { fetchRespectingThrottle } from '../integration/support/throttled-fetch';
import { mapConcurrently } from './lib/concurrency-pool';
import { startMiniStack, stopMiniStack } from './lib/ministack';
import { countItems, scanItems } from './lib/scan-table';
import { baselineBuild, type Build } from './bench/baseline-build';
import { startCountingProxy } from './bench/counting-proxy';
import { createTables } from './bench/dynamodb-tables';
import { percentile } from './bench/percentiles';

const ROOT = path.resolve(__dirname, '..');
// The baseline had one function, the create; this build's create route is what compares with it.
const CURRENT_BUNDLE = path.join(ROOT, 'dist', 'create-customer', 'index.js');
const CURRENT_ZIP = path.join(ROOT, 'dist', 'create-customer.zip');
const CACHE = process.env.CUSTOMERS_API_CACHE ?? path.join(os.homedir(), '.cache', 'customers-api');
const TARGETS = ['compare', 'api'] as const;
type Target = (typeof TARGETS)[number];
const FAKE_AWS = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
// Creates per variant for the call count: sequential, so every call is attributed to its create.
const CALL_COUNT_CREATES = 20;

interface Options {
  n: number;
  concurrency: number;
  rounds: number;
  coldRuns: number;
  targets: Target[];
  baseline: string;
  workspace: string;
  endpoint: string;
}

interface Sample {
  ms: number;
  status: number;
  id?: string;
}

interface LoadRun {
  samples: Sample[];
  wallMs: number;
}

function option(name: string, env: string, fallback: string): string {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? process.env[env] ?? fallback;
}

function positiveInt(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return parsed;
}

function readOptions(): Options {
  const targets = option('targets', 'BENCH_TARGETS', 'compare').split(',').map((t) => t.trim());
  const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; expected some of ${TARGETS.join(', ')}`);
  return {
    n: positiveInt('n', option('n', 'BENCH_N', '1000')),
    concurrency: positiveInt('concurrency', option('concurrency', 'BENCH_CONCURRENCY', '50')),
    rounds: positiveInt('rounds', option('rounds', 'BENCH_ROUNDS', '3')),
    coldRuns: positiveInt('cold-runs', option('cold-runs', 'BENCH_COLD_RUNS', '15')),
    targets: targets as Target[],
    baseline: option('baseline', 'BENCH_BASELINE', 'a2417bb'),
    workspace: process.env.DEPLOY_ID || process.env.ENV || 'local',
    endpoint: process.env.EMULATOR_ENDPOINT ?? 'http://localhost:4566',
  };
}

// ---------- statistics ----------


const median = (values: number[]) => percentile(values, 50);

function summarize({ samples, wallMs }: LoadRun) {
  const ms = samples.map((sample) => sample.ms);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), rps: samples.length / (wallMs / 1000) };
}

function statusCounts(samples: Sample[]): string {
  const counts: Record<string, number> = {};
  for (const { status } of samples) counts[status || 'error'] = (counts[status || 'error'] ?? 0) + 1;
  return Object.entries(counts).map(([status, count]) => `${status}: ${count}`).join(', ');
}

/** Runs `call` n times, `concurrency` at a time, timing each; a throw is recorded as status 0. */
async function timedLoad(n: number, concurrency: number, call: (index: number) => Promise<Omit<Sample, 'ms'>>): Promise<LoadRun> {
  const started = performance.now();
  const samples = await mapConcurrently(Array.from({ length: n }, (_, index) => index), concurrency, async (index) => {
    const t0 = performance.now();
    const outcome = await call(index).catch(() => ({ status: 0 }));
    return { ...outcome, ms: performance.now() - t0 };
  });
  return { samples, wallMs: performance.now() - started };
}

// ---------- the event a REST API sends ----------

const customerBody = (runId: string, index: number) =>
  JSON.stringify({ firstname: 'Bench', lastname: `Run ${index}`, email: `bench.${runId}.${index}@example.com` });

function proxyEvent(body: string, idempotencyKey?: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  return {
    resource: '/customers',
    path: '/customers',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      resourcePath: '/customers',
      httpMethod: 'POST',
      identity: { apiKeyId: 'bench-api-key' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

// ---------- child processes ----------

interface ChildJob {
  bundle: string;
  n: number;
  concurrency: number;
  keyed: boolean;
  runId: string;
}

/** In the child: loads the bundle the way the Lambda runtime does and fires the job's creates at it. */
async function runChildJob(job: ChildJob): Promise<LoadRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(job.bundle) as { handler: (event: unknown, context: unknown) => Promise<APIGatewayProxyResult> };
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 15_000 };
  return timedLoad(job.n, job.concurrency, async (index) => {
    const key = job.keyed ? `${job.runId}-${index}` : undefined;
    const result = await handler(proxyEvent(customerBody(job.runId, index), key), context);
    return { status: result.statusCode, id: (JSON.parse(result.body) as { id?: string }).id };
  });
}

/**
 * Each build runs in its own Node process (this script again, in child mode), so the two never share a heap, a
 * module cache or an event loop, and run with the NODE_OPTIONS they are deployed with.
 */
function inChild(build: Build, env: Record<string, string>, job: Omit<ChildJob, 'bundle'>): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename], {
      env: { ...process.env, ...FAKE_AWS, ...env, NODE_OPTIONS: build.nodeOptions, BENCH_CHILD_JOB: JSON.stringify({ ...job, bundle: build.bundle }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.slice(stdout.lastIndexOf('\n{') + 1)) as LoadRun) : reject(new Error(`bench child exited ${code}`))));
  });
}

// A fresh plain `node` per run (no tsx): performance.now() counts from the process's time origin.
const COLD_RUNNER = `
const boot = performance.now();
const { handler } = require(process.argv[1]);
const loaded = performance.now();
handler(JSON.parse(process.argv[2]), { awsRequestId: 'bench-cold', getRemainingTimeInMillis: () => 15000 }).then((result) => {
  process.stdout.write(JSON.stringify({ boot, require: loaded - boot, firstRequest: performance.now() - loaded, status: result.statusCode }));
});`;

interface ColdRun {
  require: number;
  firstRequest: number;
  status: number;
}

function coldRun(build: Build, env: Record<string, string>, event: unknown): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', COLD_RUNNER, build.bundle, JSON.stringify(event)], {
      env: { PATH: process.env.PATH ?? '', ...FAKE_AWS, ...env, NODE_OPTIONS: build.nodeOptions },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as ColdRun) : reject(new Error(`cold run exited ${code}: ${stderr}`))));
  });
}

// ---------- compare: this build against the baseline ----------

interface Figures {
  bundleKb: number;
  zipKb: number;
  requireMs: number;
  /** The same without NODE_OPTIONS: what --enable-source-maps costs (Node scans the bundle for it at load). */
  requirePlainMs: number;
  firstRequestMs: number;
  callsUnkeyed: number;
  callsKeyed: number;
  unkeyed: { p50: number; p99: number; rps: number };
  keyed: { p50: number; p99: number; rps: number };
}

async function compare(options: Options): Promise<boolean> {
  if (!existsSync(CURRENT_BUNDLE)) throw new Error(`${path.relative(ROOT, CURRENT_BUNDLE)} is missing: run \`make build\` first (make bench does)`);
  const builds: Build[] = [baselineBuild(ROOT, CACHE, options.baseline), { label: 'this build', bundle: CURRENT_BUNDLE, zip: CURRENT_ZIP, nodeOptions: '--enable-source-maps' }];
  const miniStack = await startMiniStack({ services: 'dynamodb' });
  const client = new DynamoDBClient({ endpoint: miniStack.endpoint, ...FAKE_AWS_CLIENT });
  const proxy = await startCountingProxy(miniStack.endpoint);
  const runId = `b${Date.now().toString(36)}`;
  const partial = builds.map(() => ({ cold: [] as ColdRun[], coldPlain: [] as ColdRun[], unkeyed: [] as LoadRun[], keyed: [] as LoadRun[] }));
  const figures: Partial<Figures>[] = builds.map((build) => ({
    bundleKb: statSync(build.bundle).size / 1024,
    zipKb: statSync(build.zip).size / 1024,
  }));
  let ok = true;
  try {
    const direct = { AWS_ENDPOINT_URL_DYNAMODB: miniStack.endpoint };
    // Cold starts, alternating builds so both see the same machine load.
    const coldTables = await createTables(client);
    for (let run = 0; run < options.coldRuns; run++) {
      for (const [index, build] of alternate(builds, run)) {
        partial[index].cold.push(await coldRun(build, { ...coldTables, ...direct }, proxyEvent(customerBody(`${runId}-cold${index}`, run))));
        partial[index].coldPlain.push(await coldRun({ ...build, nodeOptions: '' }, { ...coldTables, ...direct }, proxyEvent(customerBody(`${runId}-plain${index}`, run))));
      }
    }
    // DynamoDB calls per create, through the counting proxy.
    for (const [index, build] of builds.entries()) {
      for (const keyed of [false, true]) {
        const tables = await createTables(client);
        proxy.take();
        const run = await inChild(build, { ...tables, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint }, {
          n: CALL_COUNT_CREATES, concurrency: 1, keyed, runId: `${runId}-calls${index}${keyed ? 'k' : ''}`,
        });
        const calls = Object.values(proxy.take()).reduce((sum, count) => sum + count, 0) / CALL_COUNT_CREATES;
        ok = run.samples.every(({ status }) => status === 201) && ok;
        figures[index][keyed ? 'callsKeyed' : 'callsUnkeyed'] = calls;
      }
    }
    // Load, round by round, alternating builds; every run on fresh tables, its items checked afterwards.
    for (let round = 0; round < options.rounds; round++) {
      for (const keyed of [false, true]) {
        for (const [index, build] of alternate(builds, round)) {
          const tables = await createTables(client);
          const job = { n: options.n, concurrency: options.concurrency, keyed, runId: `${runId}-r${round}${index}${keyed ? 'k' : ''}` };
          const run = await inChild(build, { ...tables, ...direct }, job);
          ok = (await verifyItems(client, tables.DB_NAME, run.samples, options.n, `${build.label}, ${keyed ? 'keyed' : 'unkeyed'}, round ${round + 1}`)) && ok;
          partial[index][keyed ? 'keyed' : 'unkeyed'].push(run);
        }
      }
    }
  } finally {
    client.destroy();
    await proxy.stop();
    await stopMiniStack(miniStack);
  }
  for (const [index, runs] of partial.entries()) {
    Object.assign(figures[index], {
      requireMs: median(runs.cold.map((run) => run.require)),
      requirePlainMs: median(runs.coldPlain.map((run) => run.require)),
      firstRequestMs: median(runs.cold.map((run) => run.firstRequest)),
      unkeyed: medianOfRounds(runs.unkeyed),
      keyed: medianOfRounds(runs.keyed),
    });
    ok = [...runs.cold, ...runs.coldPlain].every(({ status }) => status === 201) && ok;
  }
  printComparison(options, builds, figures as Figures[]);
  return ok;
}

/** The builds with their indexes, in turn first and last, so neither always runs on the warmer or the busier side. */
function alternate<T>(items: T[], turn: number): [number, T][] {
  const entries = [...items.entries()];
  return turn % 2 === 0 ? entries : entries.reverse();
}

const FAKE_AWS_CLIENT = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

function medianOfRounds(runs: LoadRun[]) {
  const rounds = runs.map(summarize);
  return { p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)), rps: median(rounds.map((r) => r.rps)) };
}

/** Exactly `n` customers, distinct ids, and every 201's id stored. */
async function verifyItems(client: DynamoDBClient, tableName: string, samples: Sample[], n: number, label: string): Promise<boolean> {
  const ids = (await scanItems(client, { TableName: tableName, ProjectionExpression: 'id' })).map((item) => item.id?.S ?? '');
  const stored = new Set(ids);
  const answered = samples.filter(({ status }) => status === 201).map(({ id }) => id ?? '');
  const ok = ids.length === n && stored.size === n && answered.length === n && answered.every((id) => stored.has(id));
  if (!ok) console.error(`  ${label}: ${ids.length} items, ${stored.size} distinct, ${answered.length} answered 201 (${statusCounts(samples)}) -> MISMATCH`);
  return ok;
}

function printComparison(options: Options, builds: Build[], [before, after]: Figures[]): void {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows: [string, (f: Figures) => number, (v: number) => string, string, (ratio: number, a: Figures) => boolean][] = [
    ['bundle (index.js)', (f) => f.bundleKb, (v) => `${v.toFixed(1)} KB`, '<= 250 KB', (_r, a) => a.bundleKb <= 250],
    ['zip (with the source map)', (f) => f.zipKb, (v) => `${v.toFixed(1)} KB`, '', () => true],
    ['require (median)', (f) => f.requireMs, ms, '<= 0.6x', (r) => r <= 0.6],
    ['require without NODE_OPTIONS', (f) => f.requirePlainMs, ms, '', () => true],
    ['first request (median)', (f) => f.firstRequestMs, ms, '', () => true],
    ['DynamoDB calls per create, no key', (f) => f.callsUnkeyed, (v) => v.toFixed(2), '= 1', (_r, a) => a.callsUnkeyed === 1],
    ['DynamoDB calls per create, keyed', (f) => f.callsKeyed, (v) => v.toFixed(2), '= 1', (_r, a) => a.callsKeyed === 1],
    ['in-process, no key: p50', (f) => f.unkeyed.p50, ms, '<= 1.0x', (r) => r <= 1],
    ['in-process, no key: p99', (f) => f.unkeyed.p99, ms, '<= 1.0x', (r) => r <= 1],
    ['in-process, no key: req/s', (f) => f.unkeyed.rps, (v) => v.toFixed(0), '', () => true],
    ['in-process, keyed: p50', (f) => f.keyed.p50, ms, '<= 0.6x', (r) => r <= 0.6],
    ['in-process, keyed: p99', (f) => f.keyed.p99, ms, '<= 0.6x', (r) => r <= 0.6],
    ['in-process, keyed: req/s', (f) => f.keyed.rps, (v) => v.toFixed(0), '', () => true],
  ];
  const header = ['', builds[0].label, builds[1].label, 'ratio', 'goal', ''];
  const lines = rows.map(([name, pick, format, goal, met]) => {
    const ratio = pick(after) / pick(before);
    return [name, format(pick(before)), format(pick(after)), `${ratio.toFixed(2)}x`, goal, goal ? (met(ratio, after) ? 'met' : 'MISSED') : ''];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  console.log(`\n${builds[1].label} against ${builds[0].label}: in-process ${options.n} creates, ${options.concurrency} at a time, median of ${options.rounds} rounds; cold: median of ${options.coldRuns}; ${builds[1].label} runs with NODE_OPTIONS=${builds[1].nodeOptions}, as deployed`);
  for (const line of [header, ...lines]) console.log(`  ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`);
}

// ---------- api: the deployed stack ----------

/** An emulator URL moved to the endpoint this process uses (the local profile prints the public one). */
function reachableUrl(apiUrl: string, endpoint: string): string {
  const publicEndpoint = process.env.EMULATOR_PUBLIC_ENDPOINT?.replace(/\/+$/, '');
  return publicEndpoint && apiUrl.startsWith(publicEndpoint) ? endpoint.replace(/\/+$/, '') + apiUrl.slice(publicEndpoint.length) : apiUrl;
}

async function benchApi(options: Options): Promise<boolean> {
  const outputsFile = path.join(ROOT, '.state', options.workspace, 'outputs.json');
  if (!existsSync(outputsFile)) {
    throw new Error(`nothing deployed in workspace '${options.workspace}' (${path.relative(ROOT, outputsFile)} is missing): run \`make deploy\` first`);
  }
  const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as StackOutputs;
  const clients = awsClients(options.endpoint);
  try {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
    const apiKey = Parameter?.Value;
    if (!apiKey) throw new Error(`no API key in SSM ${outputs.api_key_parameter_name}`);
    // The URL as this process reaches it: in the compose tools container the emulator is `emulator:4566`, not the
    // localhost address printed for you.
    const apiUrl = reachableUrl(outputs.api_url, options.endpoint);
    console.log(`\nAPI: ${apiUrl} (workspace ${options.workspace}, emulator ${options.endpoint})`);
    const runId = `b${Date.now().toString(36)}`;
    const before = await countItems(clients.dynamodb, outputs.table_name);
    let throttled = 0;
    const run = await timedLoad(options.n, options.concurrency, async (index) => {
      const init = { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: customerBody(runId, index) };
      const answer = await fetchRespectingThrottle(apiUrl, init, 60_000);
      throttled += answer.throttled;
      const body = (await answer.response.json().catch(() => ({}))) as { id?: string };
      return { status: answer.response.status, id: body.id };
    });
    const added = (await countItems(clients.dynamodb, outputs.table_name)) - before;
    const created = run.samples.filter((sample): sample is Sample & { id: string } => sample.status === 201 && sample.id !== undefined);
    // The reads: each created customer at GET /customers/{id} (where its 201's Location resolves to).
    let readThrottled = 0;
    const reads = await timedLoad(created.length, options.concurrency, async (index) => {
      const { id } = created[index];
      const answer = await fetchRespectingThrottle(`${reachableUrl(outputs.stage_url, options.endpoint)}/customers/${id}`, { headers: { 'x-api-key': apiKey } }, 60_000);
      readThrottled += answer.throttled;
      const body = (await answer.response.json().catch(() => ({}))) as { id?: string };
      return { status: answer.response.status, id: body.id };
    });
    const readBack = reads.samples.filter(({ status, id }, index) => status === 200 && id === created[index].id).length;
    const ok = added === options.n && run.samples.every(({ status }) => status === 201) && readBack === options.n;
    const line = (label: string, load: LoadRun, retried: number) => {
      const { p50, p99, rps } = summarize(load);
      return `  ${label.padEnd(4)} ${options.n}, ${options.concurrency} at a time: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${rps.toFixed(0)} req/s (${statusCounts(load.samples)}; ${retried} usage-plan 429s retried)`;
    };
    console.log(line('POST', run, throttled));
    console.log(line('GET', reads, readThrottled));
    console.log(`  items      ${added} new (expected ${options.n}), ${readBack} read back by id -> ${ok ? 'OK' : 'MISMATCH'}`);
    return ok;
  } finally {
    Object.values(clients).forEach((client) => client.destroy());
  }
}

async function main(): Promise<void> {
  const childJob = process.env.BENCH_CHILD_JOB;
  if (childJob) {
    const result = await runChildJob(JSON.parse(childJob) as ChildJob);
    // Exit once written: the bundle's SDK client may keep connections open.
    process.stdout.write(`\n${JSON.stringify(result)}\n`, () => process.exit(0));
    return;
  }
  const options = readOptions();
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${os.type()} ${os.arch()}, node ${process.version}`);
  const results: Record<string, boolean> = {};
  for (const target of options.targets) results[target] = await { compare, api: benchApi }[target](options);
  const failed = Object.entries(results).filter(([, ok]) => !ok).map(([target]) => target);
  if (failed.length) {
    console.error(`\nbench: checks failed for ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
});
