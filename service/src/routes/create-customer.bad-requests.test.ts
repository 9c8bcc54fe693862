import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../clients';
import { createHandler } from './create-customer';
import type { ApiHandler } from '../route-handler';
import type { TableNames } from '../repository';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { BAD_REQUESTS } from '../../test-support/bad-requests';
import { REQUEST_ID, customersEvent } from '../../test-support/events';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

// Every row is sent once, in beforeAll, to fresh tables; each `it` asserts on what it got, so any one of them
// (jest -t) stands alone. The hostile corpus test leaves these rows to this file.
describe('handler rejects bad requests and writes nothing (MiniStack DynamoDB)', () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let handle: ApiHandler;
  let results: Map<string, APIGatewayProxyResult>;
  let countsAfterRejections: number[];
  let countsAfterOneValid: number[];

  const counts = () => Promise.all([tables.customers, tables.emails, tables.idempotency].map((table) => countItems(client, table)));

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
    results = new Map();
    for (const [description, , , , event] of BAD_REQUESTS) results.set(description, await handle(event));
    countsAfterRejections = await counts();
    // The same tables count a valid request, so the zeros above are meaningful.
    expect((await handle(customersEvent())).statusCode).toBe(201);
    countsAfterOneValid = await counts();
  }, 60_000);

  afterAll(() => client.destroy());

  it('has at least 40 rows, each with its own description', () => {
    expect(new Set(BAD_REQUESTS.map(([description]) => description)).size).toBe(BAD_REQUESTS.length);
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD_REQUESTS)('%s -> %i naming %s (%s)', (description, status, field, rule) => {
    const result = results.get(description) as APIGatewayProxyResult;

    expect(result.statusCode).toBe(status);
    const body = parseErrorBody(result);
    expect(body.errors).toContainEqual({ field, rule });
    expect(body.requestId).toBe(REQUEST_ID);
    expectNoInternals(result);
  });

  it('answers 405 with an Allow header listing POST', async () => {
    const result = await handle(customersEvent({ httpMethod: 'GET', body: null }));

    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ Allow: 'POST' });
  });

  it('wrote nothing for any rejected request: no customer, email claim or idempotency record', () => {
    expect(countsAfterRejections).toEqual([0, 0, 0]);
  });

  it('counts a valid request in the same tables, so the zeros are meaningful', () => {
    expect(countsAfterOneValid).toEqual([1, 1, 0]);
  });
});
