// Load benchmark (a script, not a test): `make bench`, or `npx tsx scripts/bench.ts [options]` after `make build`.
//
//   api      N concurrent POST /customers against the deployed API (reads .state/<workspace>/outputs.json and the
//            API key from SSM, as integration/support does), then counts the items it created: exactly N, no
//            duplicate ids. Needs a deploy first (`make deploy`, or any DEPLOY_ID workspace); it deploys nothing.
//   handler  the same N creates against the built bundle in this process, on MiniStack's DynamoDB (the toolchain's).
//   cold     the bundle's cold start in fresh `node` processes (require + first request), and its size.
//
// Options (flag or environment variable): --n / BENCH_N (1000), --concurrency / BENCH_CONCURRENCY (50),
// --targets / BENCH_TARGETS (api,handler,cold), --cold-runs / BENCH_COLD_RUNS (5). Workspace: DEPLOY_ID, else ENV
// (local). Emulator: EMULATOR_ENDPOINT (http://localhost:4566).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { awsClients } from '../integration/support/aws-clients';
import type { StackOutputs } from '../integration/support/stack';
import { fetchRespectingThrottle } from '../integration/support/throttled-fetch';
import type { TableNames } from '../service/src/repository';
import { countItems, createTestTables } from '../service/test-support/dynamodb';
import { customersEvent } from '../service/test-support/events';
import { startMiniStack, stopMiniStack } from '../service/test-support/ministack';

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'lambda', 'index.js');
const ZIP = path.join(ROOT, 'dist', 'lambda.zip');
const TARGETS = ['api', 'handler', 'cold'] as const;
type Target = (typeof TARGETS)[number];

interface Options {
  n: number;
  concurrency: number;
  targets: Target[];
  coldRuns: number;
  workspace: string;
  endpoint: string;
}

interface Sample {
  ms: number;
  status: number;
  id?: string;
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
  const targets = option('targets', 'BENCH_TARGETS', TARGETS.join(',')).split(',').map((t) => t.trim());
  const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; expected some of ${TARGETS.join(', ')}`);
  return {
    n: positiveInt('n', option('n', 'BENCH_N', '1000')),
    concurrency: positiveInt('concurrency', option('concurrency', 'BENCH_CONCURRENCY', '50')),
    targets: targets as Target[],
    coldRuns: positiveInt('cold-runs', option('cold-runs', 'BENCH_COLD_RUNS', '5')),
    workspace: process.env.DEPLOY_ID || process.env.ENV || 'local',
    endpoint: process.env.EMULATOR_ENDPOINT ?? 'http://localhost:4566',
  };
}

// ---------- measurement helpers ----------

async function runConcurrently(n: number, concurrency: number, call: (index: number) => Promise<Omit<Sample, 'ms'>>) {
  const samples: Sample[] = new Array<Sample>(n);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) {
      const index = next++;
      const t0 = performance.now();
      try {
        samples[index] = { ...(await call(index)), ms: performance.now() - t0 };
      } catch {
        samples[index] = { status: 0, ms: performance.now() - t0 };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { samples, wallMs: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(title: string, samples: Sample[], wallMs: number): void {
  const sorted = samples.map(({ ms }) => ms).sort((a, b) => a - b);
  const byStatus = samples.reduce<Record<string, number>>((acc, { status }) => ({ ...acc, [status || 'error']: (acc[status || 'error'] ?? 0) + 1 }), {});
  console.log(`\n${title}`);
  console.log(`  requests   ${samples.length} (status ${Object.entries(byStatus).map(([s, c]) => `${s}: ${c}`).join(', ')})`);
  console.log(`  latency    p50 ${percentile(sorted, 50).toFixed(1)} ms · p95 ${percentile(sorted, 95).toFixed(1)} ms · p99 ${percentile(sorted, 99).toFixed(1)} ms · max ${sorted[sorted.length - 1].toFixed(1)} ms`);
  console.log(`  throughput ${(samples.length / (wallMs / 1000)).toFixed(1)} req/s (${(wallMs / 1000).toFixed(2)} s wall)`);
}

/** Checks the table: exactly `n` items carry this run's marker, and their ids are unique and match the 201s. */
async function verifyItems(client: DynamoDBClient, tableName: string, runId: string, samples: Sample[], n: number): Promise<boolean> {
  const ids: string[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ProjectionExpression: 'id, email', ConsistentRead: true, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) if (item.email?.S?.includes(`.${runId}.`)) ids.push(item.id?.S ?? '');
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const unique = new Set(ids);
  const answered = samples.filter(({ status }) => status === 201).map(({ id }) => id ?? '');
  const allAnsweredStored = answered.every((id) => unique.has(id));
  const ok = ids.length === n && unique.size === n && answered.length === n && allAnsweredStored;
  console.log(`  items      ${ids.length} new for this run (expected ${n}), ${unique.size} distinct ids, ${answered.length} answered 201, every 201 id stored: ${allAnsweredStored} -> ${ok ? 'OK' : 'MISMATCH'}`);
  return ok;
}

/** One email claim per customer: the unique constraint held under concurrency (fresh tables only). */
async function verifyClaims(client: DynamoDBClient, tables: TableNames, n: number): Promise<boolean> {
  const claims = await countItems(client, tables.emails);
  console.log(`  claims     ${claims} email claims (expected ${n}) -> ${claims === n ? 'OK' : 'MISMATCH'}`);
  return claims === n;
}

const customerBody = (runId: string, index: number) =>
  JSON.stringify({ firstname: 'Bench', lastname: `Run ${index}`, email: `bench.${runId}.${index}@example.com` });

// ---------- targets ----------

async function benchApi(options: Options, runId: string): Promise<boolean> {
  const outputsFile = path.join(ROOT, '.state', options.workspace, 'outputs.json');
  if (!existsSync(outputsFile)) {
    throw new Error(
      `nothing deployed in workspace '${options.workspace}' (${path.relative(ROOT, outputsFile)} is missing). ` +
        'Run `make deploy` first (or set DEPLOY_ID/EMULATOR_ENDPOINT to a deployed workspace), or BENCH_TARGETS=handler,cold.',
    );
  }
  const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as StackOutputs;
  const clients = awsClients(options.endpoint);
  const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
  const apiKey = Parameter?.Value;
  if (!apiKey) throw new Error(`no API key in SSM ${outputs.api_key_parameter_name}`);
  console.log(`\nAPI: ${outputs.api_url} (workspace ${options.workspace}, emulator ${options.endpoint})`);

  let throttledTotal = 0;
  const { samples, wallMs } = await runConcurrently(options.n, options.concurrency, async (index) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: customerBody(runId, index) };
    const { response, throttled } = await fetchRespectingThrottle(outputs.api_url, init, 60_000);
    throttledTotal += throttled;
    const body = (await response.json().catch(() => ({}))) as { id?: string };
    return { status: response.status, id: body.id };
  });
  report(`API Gateway -> Lambda -> DynamoDB (emulator): ${options.n} creates, ${options.concurrency} at a time`, samples, wallMs);
  console.log(`  throttled  ${throttledTotal} answers were the usage plan's 429, retried after a backoff (latency includes it)`);
  const ok = await verifyItems(clients.dynamodb, outputs.table_name, runId, samples, options.n);
  Object.values(clients).forEach((client) => client.destroy());
  return ok;
}

/** MiniStack's DynamoDB on a free loopback port with fresh customers, email-claim and idempotency tables. */
async function startLocalTables() {
  const ministack = await startMiniStack();
  const client = new DynamoDBClient({ endpoint: ministack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const tables = await createTestTables(client);
  return {
    endpoint: ministack.endpoint,
    client,
    tables,
    env: { DB_NAME: tables.customers, EMAILS_TABLE_NAME: tables.emails, IDEMPOTENCY_TABLE_NAME: tables.idempotency },
    stop: async () => {
      client.destroy();
      await stopMiniStack(ministack.pid);
    },
  };
}

const FAKE_AWS = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

async function benchHandler(options: Options, runId: string): Promise<boolean> {
  const { endpoint, client, tables, env, stop } = await startLocalTables();
  try {
    Object.assign(process.env, FAKE_AWS, env, { AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    // The built artifact, loaded the way the Lambda runtime loads it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(BUNDLE) as { handler: (event: unknown, context: unknown) => Promise<APIGatewayProxyResult> };
    const { samples, wallMs } = await runConcurrently(options.n, options.concurrency, async (index) => {
      const result = await handler(customersEvent({ body: customerBody(runId, index) }), { awsRequestId: randomUUID() });
      return { status: result.statusCode, id: (JSON.parse(result.body) as { id?: string }).id };
    });
    report(`handler in-process (built bundle) -> MiniStack DynamoDB: ${options.n} creates, ${options.concurrency} at a time`, samples, wallMs);
    return (await verifyItems(client, tables.customers, runId, samples, options.n)) && (await verifyClaims(client, tables, options.n));
  } finally {
    await stop();
  }
}

// Runs in a fresh node: performance.now() counts from the process's time origin, so `boot` is Node's own startup.
const COLD_RUNNER = `
const boot = performance.now();
const { handler } = require(process.argv[1]);
const loaded = performance.now();
handler(JSON.parse(process.argv[2]), { awsRequestId: 'bench-cold' }).then((result) => {
  const done = performance.now();
  process.stdout.write(JSON.stringify({ boot, init: loaded - boot, firstRequest: done - loaded, status: result.statusCode }));
});`;

interface ColdRun {
  boot: number;
  init: number;
  firstRequest: number;
  status: number;
  processMs: number;
}

function coldRun(env: Record<string, string>, event: unknown): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', COLD_RUNNER, BUNDLE, JSON.stringify(event)], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`cold run exited ${code}: ${stderr}`));
      resolve({ ...(JSON.parse(stdout) as Omit<ColdRun, 'processMs'>), processMs: performance.now() - started });
    });
  });
}

async function benchCold(options: Options, runId: string): Promise<boolean> {
  const bundleKb = statSync(BUNDLE).size / 1024;
  const zipKb = statSync(ZIP).size / 1024;
  const local = await startLocalTables();
  try {
    const env = { ...FAKE_AWS, ...local.env, AWS_ENDPOINT_URL_DYNAMODB: local.endpoint };
    const runs: ColdRun[] = [];
    for (let index = 0; index < options.coldRuns; index++) {
      runs.push(await coldRun(env, customersEvent({ body: customerBody(`${runId}-cold`, index) })));
    }
    const median = (pick: (run: ColdRun) => number) => percentile(runs.map(pick).sort((a, b) => a - b), 50).toFixed(1);
    console.log(`\ncold start of the built bundle: median of ${runs.length} fresh \`node\` processes (statuses ${runs.map((r) => r.status).join(',')})`);
    console.log(`  node boot            ${median((r) => r.boot)} ms (before the bundle is touched)`);
    console.log(`  init (require)       ${median((r) => r.init)} ms`);
    console.log(`  first request        ${median((r) => r.firstRequest)} ms (includes the SDK's first connection)`);
    console.log(`  init + first request ${median((r) => r.init + r.firstRequest)} ms`);
    console.log(`  process wall time    ${median((r) => r.processMs)} ms (spawn to exit)`);
    console.log(`  bundle size          ${bundleKb.toFixed(1)} KB (dist/lambda/index.js), zip ${zipKb.toFixed(1)} KB`);
    return runs.every(({ status }) => status === 201);
  } finally {
    await local.stop();
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!existsSync(BUNDLE)) throw new Error(`${path.relative(ROOT, BUNDLE)} is missing: run \`make build\` first (make bench does)`);
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, node ${process.version}`);
  console.log(`run: n=${options.n}, concurrency=${options.concurrency}, targets=${options.targets.join(',')}`);
  const runId = `b${Date.now().toString(36)}`;
  const results: Record<string, boolean> = {};
  for (const target of options.targets) {
    results[target] = await { api: benchApi, handler: benchHandler, cold: benchCold }[target](options, runId);
  }
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
