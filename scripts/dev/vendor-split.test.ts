// The dev loop's split bundle (our code in index.js, its packages in vendor.js) runs as the single bundle does:
// built with the Lambda options, loaded as Lambda loads it, against MiniStack's DynamoDB.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../../service/build';
import { createDynamoDbClient } from '../../service/src/clients';
import { invokeBundle } from '../../service/test-support/bundle';
import { createTestTables, getItem, testDynamoDbEndpoint, useDynamoDbEndpoint, type TestTables } from '../../service/test-support/dynamodb';
import { customersEvent, VALID_INPUT } from '../../service/test-support/events';
import { readZipEntries } from '../../service/test-support/zip';
import { zipBundle } from './function-code';
import { buildVendor, VENDOR_FILE, vendorImports } from './vendor-split';

const FAKE_AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('the dev loop\'s split bundle', () => {
  let workDir: string;
  let indexJs: Uint8Array;
  let vendorJs: Uint8Array;
  const imported = new Set<string>();
  let endpoint: string;
  let tables: TestTables;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'vendor-split-'));
    const options = lambdaBuildOptions(workDir);
    const result = await build({ ...options, plugins: [...(options.plugins ?? []), vendorImports(imported)], write: false, logLevel: 'silent' });
    const index = result.outputFiles.find((file) => file.path === path.join(workDir, 'create-customer', 'index.js'));
    if (!index) throw new Error('no create-customer/index.js');
    indexJs = index.contents;
    vendorJs = await buildVendor(options, [...imported]);
    await mkdir(path.join(workDir, 'create-customer'), { recursive: true });
    await writeFile(path.join(workDir, 'create-customer', 'index.js'), indexJs);
    await writeFile(path.join(workDir, 'create-customer', VENDOR_FILE), vendorJs);

    endpoint = testDynamoDbEndpoint();
    useDynamoDbEndpoint(endpoint);
    const client = createDynamoDbClient();
    tables = await createTestTables(client);
    client.destroy();
  }, 60_000);

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  /** What Lambda gives the create function here: fake credentials, its tables, MiniStack's DynamoDB. */
  const lambdaEnv = () => ({
    ...FAKE_AWS_ENV,
    DB_NAME: tables.customers,
    EMAILS_TABLE_NAME: tables.emails,
    IDEMPOTENCY_TABLE_NAME: tables.idempotency,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  });

  it('keeps the packages out of index.js: the AWS SDK, zod and the logger are in vendor.js', () => {
    expect([...imported].sort()).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-lambda-powertools/logger', 'zod/mini']));
    expect([...imported].some((specifier) => specifier.startsWith('node:'))).toBe(false);
    expect(indexJs.length).toBeLessThan(40 * 1024);
    expect(Buffer.from(indexJs).toString()).toContain(`require("./${VENDOR_FILE}")`);
    expect(Buffer.from(vendorJs).toString()).toContain('TransactWriteItemsCommand');
  });

  it('stores a customer, as the single bundle does', async () => {
    const env = lambdaEnv();

    const { result, stderr } = await invokeBundle(path.join(workDir, 'create-customer', 'index.js'), customersEvent(), env);

    expect(stderr).toBe('');
    expect(result?.statusCode).toBe(201);
    const { id } = JSON.parse(result?.body ?? '{}') as { id: string };
    const client = createDynamoDbClient();
    await expect(getItem(client, tables.customers, id)).resolves.toMatchObject({ email: { S: VALID_INPUT.email } });
    client.destroy();
  });

  it('answers a duplicate email 409: the SDK\'s errors are recognised across index.js and vendor.js', async () => {
    const env = lambdaEnv();
    const event = customersEvent({ body: JSON.stringify({ ...VALID_INPUT, email: 'twice@example.com' }) });
    await invokeBundle(path.join(workDir, 'create-customer', 'index.js'), event, env);

    const { result } = await invokeBundle(path.join(workDir, 'create-customer', 'index.js'), event, env);

    expect(result?.statusCode).toBe(409);
  });

  it('is pushed as one zip holding index.js and vendor.js side by side, stored', async () => {
    const zip = await zipBundle({ path: path.join(workDir, 'create-customer', 'index.js'), js: indexJs, vendor: vendorJs });

    const entries = readZipEntries(zip);
    expect(entries.map((entry) => entry.name)).toEqual(['index.js', VENDOR_FILE]);
    expect(entries[1].data.equals(Buffer.from(vendorJs))).toBe(true);
    expect(zip.length).toBeGreaterThan(vendorJs.length);
  });
});
