import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../clients';
import { createHandler } from './create-customer';
import type { TableNames } from '../repository';
import { scanItems } from '../../../scripts/lib/scan-table';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { hostileCorpus, tallyCorpus, DEFAULT_CORPUS_SEED, HAND_WRITTEN_FAMILY, KEYED_FAMILY, type CorpusEntry } from '../../test-support/hostile-corpus';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

// The hand-written rows run once, in handler.bad-requests.test.ts, which checks each one's exact status and rule.
const corpus = hostileCorpus({ runId: 'fast' }).filter(({ family }) => family !== HAND_WRITTEN_FAMILY);
const tally = tallyCorpus(corpus);
const validEntries = corpus.filter((entry) => entry.expected === 'valid');
const invalidEntries = corpus.filter((entry) => entry.expected === 'invalid');

// Every request is sent once, in beforeAll, to fresh tables; each `it` asserts on what came back or what the
// tables hold afterwards, so any one of them (jest -t) stands alone.
describe(`hostile corpus (seed ${DEFAULT_CORPUS_SEED}): ${tally.total} requests, ${tally.valid} valid, ${tally.invalid} invalid, against the handler and MiniStack's DynamoDB`, () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let results: Map<string, APIGatewayProxyResult>;
  let storedEmails: (string | undefined)[];
  let claimCount: number;
  let idempotencyRecordCount: number;

  beforeAll(async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
    tables = await createTestTables(client);
    const handle = createHandler({ client, tables, logger: new Logger({ logLevel: 'SILENT' }), newId: randomUUID, now: () => new Date() });
    results = new Map();
    for (const entry of corpus) results.set(entry.label, await handle(entry.event));
    storedEmails = (await scanItems(client, { TableName: tables.customers, ProjectionExpression: 'email' })).map((item) => item.email?.S);
    claimCount = await countItems(client, tables.emails);
    idempotencyRecordCount = await countItems(client, tables.idempotency);

    const statuses = new Map<number, number>();
    for (const { statusCode } of results.values()) statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
    process.stdout.write(`hostile corpus (fast suite, without the hand-written table): ${tally.total} requests -> ${byStatus}\n`);
  }, 120_000);

  afterAll(() => client.destroy());

  const resultOf = (entry: CorpusEntry) => results.get(entry.label) as APIGatewayProxyResult;

  it('is deterministic for a seed, differs across seeds, and holds at least 200 requests of both classes', () => {
    const strip = (entries: CorpusEntry[]) => JSON.stringify(entries.map(({ label, expected, event }) => [label, expected, event.body, event.headers]));
    const full = hostileCorpus({ runId: 'fast' });
    expect(strip(hostileCorpus({ runId: 'fast' }))).toBe(strip(full));
    expect(strip(hostileCorpus({ runId: 'fast', seed: 1 }))).not.toBe(strip(full));
    expect(tally.total).toBeGreaterThanOrEqual(200);
    expect(tally.valid).toBeGreaterThanOrEqual(50);
    expect(new Set(full.map(({ label }) => label)).size).toBe(full.length);
    expect(new Set(validEntries.map(({ email }) => email?.toLowerCase())).size).toBe(validEntries.length);
  });

  it.each(invalidEntries.map((entry) => [entry.label, entry] as const))('invalid: %s -> 4xx naming the field', (_label, entry) => {
    const result = resultOf(entry);

    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.statusCode).toBeLessThan(500);
    if (entry.field !== undefined) expect(parseErrorBody(result).errors.map(({ field }) => field)).toContain(entry.field);
    expectNoInternals(result);
  });

  it.each(validEntries.map((entry) => [entry.label, entry] as const))('valid: %s -> 201', (_label, entry) => {
    const result = resultOf(entry);

    expect(result.statusCode).toBe(201);
    expect((JSON.parse(result.body) as { email: string }).email).toBe(entry.email);
  });

  it('never answered 5xx', () => {
    expect([...results].filter(([, { statusCode }]) => statusCode >= 500).map(([label, { statusCode }]) => `${label}: ${statusCode}`)).toEqual([]);
  });

  it('stored exactly the valid requests: one customer and one email claim per valid email, one record per key', () => {
    expect(storedEmails.sort()).toEqual(validEntries.map(({ email }) => email).sort());
    expect(claimCount).toBe(validEntries.length);
    expect(idempotencyRecordCount).toBe(tally.byFamily[KEYED_FAMILY]);
  });
});
