import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDbClient } from './src/clients';
import { buildLambdas, MAX_BUNDLE_BYTES, type LambdaArtifact } from './build';
import { ROUTES, tableUses } from './src/routes';
import { invokeBundle } from './test-support/bundle';
import { createTestTables, getItem, testDynamoDbEndpoint, useDynamoDbEndpoint, type TestTables } from './test-support/dynamodb';
import { VALID_INPUT, customersEvent, routeEvent } from './test-support/events';
import { closedPort } from './test-support/fault-endpoint';
import { readZipEntries } from './test-support/zip';

const FAKE_AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const DOS_1980_01_01 = (0 << 9) | (1 << 5) | 1;

describe('buildLambdas', () => {
  let workDir: string;
  let firstRun: LambdaArtifact[];
  let secondRun: LambdaArtifact[];
  // The create route's bundle, for the tests of one bundle's behaviour.
  let first: LambdaArtifact;
  const artifactOf = (run: LambdaArtifact[], route: string) => run.find((artifact) => artifact.route === route) as LambdaArtifact;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'customers-build-'));
    firstRun = await buildLambdas(join(workDir, 'first'));
    secondRun = await buildLambdas(join(workDir, 'second'));
    first = artifactOf(firstRun, 'create-customer');
  }, 60_000);

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('builds one bundle per route, each named for its route', () => {
    expect(firstRun.map(({ route, zipPath }) => [route, zipPath])).toEqual(ROUTES.map(({ name }) => [name, join(workDir, 'first', `${name}.zip`)]));
  });

  it.each(ROUTES.map(({ name }) => name))('keeps the %s bundle (index.js) within 250 KB', (route) => {
    expect(artifactOf(firstRun, route).bundleBytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(MAX_BUNDLE_BYTES).toBe(250 * 1024);
  });

  it.each(ROUTES.map(({ name }) => name))('produces a byte-identical %s zip when run twice', async (route) => {
    const [one, two] = [artifactOf(firstRun, route), artifactOf(secondRun, route)];
    const [firstZip, secondZip] = await Promise.all([readFile(one.zipPath), readFile(two.zipPath)]);

    expect(one.zipSha256).toBe(two.zipSha256);
    expect(firstZip.equals(secondZip)).toBe(true);
  });

  it.each(ROUTES.map((route) => [route.name, route] as const))('bundles the %s route\'s own handler, and no other route\'s', async (name, route) => {
    const { sources } = JSON.parse((await readFile(`${artifactOf(firstRun, name).bundlePath}.map`)).toString()) as { sources: string[] };

    expect(sources).toContain(route.handler);
    for (const other of ROUTES.filter((candidate) => candidate !== route)) expect(sources).not.toContain(other.handler);
  });

  it('zips exactly index.js and its source map, with a fixed 1980-01-01 mtime and mode 0644', async () => {
    const entries = readZipEntries(await readFile(first.zipPath));

    expect(entries.map(({ name, mode, dosDate, dosTime }) => ({ name, mode, dosDate, dosTime }))).toEqual([
      { name: 'index.js', mode: 0o100644, dosDate: DOS_1980_01_01, dosTime: 0 },
      { name: 'index.js.map', mode: 0o100644, dosDate: DOS_1980_01_01, dosTime: 0 },
    ]);
    expect(entries[0].data.equals(await readFile(first.bundlePath))).toBe(true);
    expect(entries[0].data.toString().trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
  });

  it('maps our own sources only, named relative to the repository, so the zip does not depend on where it was built', async () => {
    const [, map] = readZipEntries(await readFile(first.zipPath));
    const { sources, sourcesContent } = JSON.parse(map.data.toString()) as { sources: string[]; sourcesContent?: unknown };

    expect(sources).toEqual(expect.arrayContaining(['service/src/route-handler.ts', 'service/src/repository.ts']));
    expect(sources.every((source) => source.startsWith('service/src/'))).toBe(true);
    expect(sourcesContent).toBeUndefined();
  });

  it.each(ROUTES.map((route) => [route.name, tableUses(route)[0]?.[1].variable ?? 'none', route] as const))(
    'refuses to load the %s bundle without %s, so a misconfigured function fails at cold start',
    async (name, variable) => {
      const run = await invokeBundle(artifactOf(firstRun, name).bundlePath, customersEvent(), FAKE_AWS_ENV);

      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toContain(`Missing required environment variable ${variable}`);
    },
  );

  describe('the bundle, run as Lambda would run it', () => {
    let endpoint: string;
    let tables: TestTables;
    const tableEnv = () => ({ DB_NAME: tables.customers, EMAILS_TABLE_NAME: tables.emails, IDEMPOTENCY_TABLE_NAME: tables.idempotency });

    beforeAll(async () => {
      endpoint = testDynamoDbEndpoint();
      useDynamoDbEndpoint(endpoint);
      const client = createDynamoDbClient();
      tables = await createTestTables(client);
      client.destroy();
    });

    it('stores a customer in the table named by DB_NAME at AWS_ENDPOINT_URL_DYNAMODB', async () => {
      const env = { ...FAKE_AWS_ENV, ...tableEnv(), AWS_ENDPOINT_URL_DYNAMODB: endpoint };

      const { result } = await invokeBundle(first.bundlePath, customersEvent(), env);

      expect(result?.statusCode).toBe(201);
      const { id } = JSON.parse(result?.body ?? '{}') as { id: string };
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const client = createDynamoDbClient();
      await expect(getItem(client, tables.customers, id)).resolves.toMatchObject({ email: { S: VALID_INPUT.email } });
      client.destroy();
    });

    // Each bundle with exactly the variables its route declares: it loads, and its handler answers its own route.
    it.each(ROUTES.map((route) => [route.name, route] as const))('runs the %s bundle with only its own tables\' variables', async (name, route) => {
      const declared = Object.fromEntries(tableUses(route).map(([table, { variable }]) => [variable, tables[table]]));

      const run = await invokeBundle(artifactOf(firstRun, name).bundlePath, routeEvent(route), { ...FAKE_AWS_ENV, ...declared, AWS_ENDPOINT_URL_DYNAMODB: endpoint });

      expect(run.exitCode).toBe(0);
      // No body and placeholder path parameters: a 400 of the route's own validation, not a 404 or 405 of the guard.
      expect(run.result?.statusCode).toBe(400);
    });

    it('replays a create with an Idempotency-Key across two cold starts', async () => {
      const env = { ...FAKE_AWS_ENV, ...tableEnv(), AWS_ENDPOINT_URL_DYNAMODB: endpoint };
      const event = customersEvent({
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'bundle-replay-1' },
        body: JSON.stringify({ ...VALID_INPUT, email: 'bundle-replay@example.com' }),
      });

      const original = await invokeBundle(first.bundlePath, event, env);
      const replay = await invokeBundle(first.bundlePath, event, env);

      expect(original.result?.statusCode).toBe(201);
      expect(replay.result).toEqual(original.result);
    });

    // The function runs with NODE_OPTIONS=--enable-source-maps (infra/nodejs-function.ts).
    it('logs an unexpected failure with a stack that names our TypeScript files, through the source map', async () => {
      const env = {
        ...FAKE_AWS_ENV,
        ...tableEnv(),
        DB_NAME: 'no-such-table',
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        NODE_OPTIONS: '--enable-source-maps',
      };

      const { result, logLines } = await invokeBundle(first.bundlePath, customersEvent(), env);

      expect(result?.statusCode).toBe(500);
      const [line] = logLines.map((text) => JSON.parse(text) as { error?: { stack?: string } });
      expect(line.error?.stack).toMatch(/service\/src\/repository\.ts:\d+:\d+/);
      // The map covers our code only: the SDK's frames stay in the bundle, never attributed to our files.
      expect(line.error?.stack?.split('\n')[1]).toMatch(/create-customer\/index\.js:\d+:\d+\)$/);
    });

    // In a child process because jest's module sandbox makes the SDK re-wrap Node's network errors, dropping `code`.
    it('answers 503 with Retry-After when DynamoDB refuses connections, and logs the cause', async () => {
      const env = { ...FAKE_AWS_ENV, ...tableEnv(), AWS_ENDPOINT_URL_DYNAMODB: await closedPort() };

      const { result, logLines } = await invokeBundle(first.bundlePath, customersEvent(), env);

      expect(result?.statusCode).toBe(503);
      expect(result?.headers).toMatchObject({ 'Retry-After': '1' });
      expect(logLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ level: 'ERROR', status: 503, code: 'ECONNREFUSED' }),
      ]);
    });
  });
});
