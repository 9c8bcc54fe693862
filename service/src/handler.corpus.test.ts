import { randomUUID } from 'node:crypto';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from './clients';
import { createHandler, type CustomersHandler } from './handler';
import type { TableNames } from './repository';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../test-support/dynamodb';
import { hostileCorpus, tallyCorpus, DEFAULT_CORPUS_SEED, KEYED_FAMILY, type CorpusEntry } from '../test-support/hostile-corpus';
import { expectNoInternals, parseErrorBody } from '../test-support/responses';

const corpus = hostileCorpus({ runId: 'fast' });
const tally = tallyCorpus(corpus);
const validEntries = corpus.filter((entry) => entry.expected === 'valid');
const invalidEntries = corpus.filter((entry) => entry.expected === 'invalid');

describe(`hostile corpus (seed ${DEFAULT_CORPUS_SEED}): ${tally.total} requests, ${tally.valid} valid, ${tally.invalid} invalid, against the handler and MiniStack's DynamoDB`, () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let handle: CustomersHandler;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
    tables = await createTestTables(client);
    handle = createHandler({ client, tables, logger: new Logger({ logLevel: 'SILENT' }), newId: randomUUID, now: () => new Date() });
  });

  afterAll(async () => {
    client.destroy();
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
    process.stdout.write(`hostile corpus (fast suite): ${tally.total} requests -> ${byStatus}\n`);
  });

  async function send(entry: CorpusEntry) {
    const result = await handle(entry.event);
    statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
    return result;
  }

  it('is deterministic for a seed, differs across seeds, and holds at least 200 requests of both classes', () => {
    const strip = (entries: CorpusEntry[]) => JSON.stringify(entries.map(({ label, expected, event }) => [label, expected, event.body, event.headers]));
    expect(strip(hostileCorpus({ runId: 'fast' }))).toBe(strip(corpus));
    expect(strip(hostileCorpus({ runId: 'fast', seed: 1 }))).not.toBe(strip(corpus));
    expect(tally.total).toBeGreaterThanOrEqual(200);
    expect(tally.valid).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.map(({ label }) => label)).size).toBe(corpus.length);
    expect(new Set(validEntries.map(({ email }) => email?.toLowerCase())).size).toBe(validEntries.length);
  });

  it.each(invalidEntries.map((entry) => [entry.label, entry] as const))('invalid: %s -> 4xx naming the field', async (_label, entry) => {
    const result = await send(entry);

    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.statusCode).toBeLessThan(500);
    if (entry.field !== undefined) expect(parseErrorBody(result).errors.map(({ field }) => field)).toContain(entry.field);
    expectNoInternals(result);
  });

  it.each(validEntries.map((entry) => [entry.label, entry] as const))('valid: %s -> 201', async (_label, entry) => {
    const result = await send(entry);

    expect(result.statusCode).toBe(201);
    expect((JSON.parse(result.body) as { email: string }).email).toBe(entry.email);
  });

  it('never answered 5xx', () => {
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
  });

  it('stored exactly the valid requests: one customer and one email claim per valid email, one record per key', async () => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tables.customers, ProjectionExpression: 'email' }));

    expect(Items.map((item) => item.email?.S).sort()).toEqual(validEntries.map(({ email }) => email).sort());
    await expect(countItems(client, tables.emails)).resolves.toBe(validEntries.length);
    await expect(countItems(client, tables.idempotency)).resolves.toBe(tally.byFamily[KEYED_FAMILY]);
  });
});
