import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from './clients';
import { createHandler, type CustomersHandler } from './handler';
import type { TableNames } from './repository';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../test-support/dynamodb';
import { BAD_REQUESTS } from '../test-support/bad-requests';
import { REQUEST_ID, customersEvent } from '../test-support/events';
import { expectNoInternals, parseErrorBody } from '../test-support/responses';

describe('handler rejects bad requests and writes nothing (MiniStack DynamoDB)', () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let handle: CustomersHandler;

  beforeAll(async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
    tables = await createTestTables(client);
    handle = createHandler({
      client,
      tables,
      logger: new Logger({ logLevel: 'SILENT' }),
      newId: randomUUID,
      now: () => new Date(),
    });
  });

  afterAll(() => client.destroy());

  it('covers at least 40 distinct bad requests', () => {
    expect(new Set(BAD_REQUESTS.map(([description]) => description)).size).toBe(BAD_REQUESTS.length);
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD_REQUESTS)('%s -> %i naming %s (%s)', async (_description, status, field, rule, event) => {
    // Act
    const result = await handle(event);

    // Assess
    expect(result.statusCode).toBe(status);
    const body = parseErrorBody(result);
    expect(body.errors).toContainEqual({ field, rule });
    expect(body.requestId).toBe(REQUEST_ID);
    expectNoInternals(result);
  });

  it('answers 405 with an Allow header listing POST', async () => {
    const result = await handle(customersEvent({ httpMethod: 'GET', body: null }));

    expect(result.headers).toMatchObject({ Allow: 'POST' });
  });

  it('wrote nothing for any rejected request', async () => {
    await expect(countItems(client, tables.customers)).resolves.toBe(0);
    await expect(countItems(client, tables.emails)).resolves.toBe(0);
    await expect(countItems(client, tables.idempotency)).resolves.toBe(0);
  });

  it('counts a valid request in the same table, so the zero above is meaningful', async () => {
    const result = await handle(customersEvent());

    expect(result.statusCode).toBe(201);
    await expect(countItems(client, tables.customers)).resolves.toBe(1);
    await expect(countItems(client, tables.emails)).resolves.toBe(1);
  });
});
