import {
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from './clients';
import { RETRY_AFTER_SECONDS } from './errors';
import { createHandler, type CustomersHandler } from './handler';
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, IDEMPOTENCY_TTL_SECONDS } from './idempotency';
import type { TableNames } from './repository';
import { countItems, createTestTables, stringItem, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../test-support/dynamodb';
import { LAMBDA_CONTEXT, REQUEST_ID, VALID_INPUT, customersEvent, jsonEvent } from '../test-support/events';
import { startFaultEndpoint } from '../test-support/fault-endpoint';
import { expectNoInternals, parseErrorBody } from '../test-support/responses';

const FIXED_NOW = new Date('2024-05-01T12:00:00.000Z');
const KEY = 'order-7f3c2a9e-2b1d-4e5f-8a6b-0c9d8e7f6a5b';
const OTHER_PERSON = { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' };
const silentLogger = new Logger({ logLevel: 'SILENT' });

/** POST /customers with `body` and the Idempotency-Key header (spelled `headerName`). */
const keyed = (body: unknown, key = KEY, headerName = 'Idempotency-Key'): APIGatewayProxyEvent =>
  jsonEvent(body, { headers: { 'Content-Type': 'application/json', [headerName]: key } });

describe('Idempotency-Key (Powertools idempotency on MiniStack DynamoDB)', () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let idCounter = 0;
  const newId = () => `00000000-0000-4000-a000-${String(++idCounter).padStart(12, '0')}`;
  const handlerWith = (dynamo = client): CustomersHandler =>
    createHandler({ client: dynamo, tables, logger: silentLogger, newId, now: () => FIXED_NOW });
  const handle: CustomersHandler = (event, context = LAMBDA_CONTEXT) => handlerWith()(event, context);

  beforeAll(() => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
  });

  afterAll(() => client.destroy());

  beforeEach(async () => {
    tables = await createTestTables(client);
  });

  const counts = async () => ({
    customers: await countItems(client, tables.customers),
    emails: await countItems(client, tables.emails),
    records: await countItems(client, tables.idempotency),
  });
  const records = async () => (await client.send(new ScanCommand({ TableName: tables.idempotency, ConsistentRead: true }))).Items ?? [];

  it('replays the first 201 for the same key and body: identical response, and nothing new written', async () => {
    // Prepare
    const first = await handle(keyed(VALID_INPUT));
    expect(first.statusCode).toBe(201);

    // Act
    const replay = await handle(keyed(VALID_INPUT));

    // Assess
    expect(replay).toEqual(first);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it.each(['idempotency-key', 'IDEMPOTENCY-KEY', 'Idempotency-key'])('reads the header case-insensitively (%s)', async (headerName) => {
    const first = await handle(keyed(VALID_INPUT));

    const replay = await handle(keyed(VALID_INPUT, KEY, headerName));

    expect(replay).toEqual(first);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('compares bodies after validation: reordered fields and surrounding whitespace still replay', async () => {
    const first = await handle(keyed(VALID_INPUT));

    const replay = await handle(keyed({ email: ` ${VALID_INPUT.email}`, lastname: VALID_INPUT.lastname, firstname: `${VALID_INPUT.firstname}\t` }));

    expect(replay).toEqual(first);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('refuses the same key with a different body: 422 naming Idempotency-Key, and nothing written', async () => {
    // Prepare
    await handle(keyed(VALID_INPUT));

    // Act
    const result = await handle(keyed(OTHER_PERSON));

    // Assess
    expect(result.statusCode).toBe(422);
    expect(parseErrorBody(result)).toEqual({
      message: 'Idempotency-Key was already used with a different request',
      errors: [{ field: 'Idempotency-Key', rule: 'same_body' }],
      requestId: REQUEST_ID,
    });
    expectNoInternals(result, KEY, OTHER_PERSON.email, 'Payload does not match');
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('keeps different keys apart', async () => {
    const first = await handle(keyed(VALID_INPUT, 'key-1'));
    const second = await handle(keyed(OTHER_PERSON, 'key-2'));

    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    await expect(counts()).resolves.toEqual({ customers: 2, emails: 2, records: 2 });
  });

  it('without the header, a repeat is a new request (here refused as a duplicate email) and no record is kept', async () => {
    await handle(jsonEvent(VALID_INPUT));

    const repeat = await handle(jsonEvent(VALID_INPUT));

    expect(repeat.statusCode).toBe(409);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 0 });
  });

  it('keeps only a hash of the key, completed, expiring 24 h later in the TTL attribute', async () => {
    const before = Math.floor(Date.now() / 1000);
    await handle(keyed(VALID_INPUT));
    const after = Math.ceil(Date.now() / 1000);

    const [record] = await records();

    expect(JSON.stringify(record)).not.toContain(KEY);
    expect(record.status).toEqual({ S: 'COMPLETED' });
    const expiration = Number(record[IDEMPOTENCY_EXPIRY_ATTRIBUTE].N);
    expect(expiration).toBeGreaterThanOrEqual(before + IDEMPOTENCY_TTL_SECONDS);
    expect(expiration).toBeLessThanOrEqual(after + IDEMPOTENCY_TTL_SECONDS);
  });

  describe('once the key has expired (its TTL attribute moved into the past)', () => {
    let first: APIGatewayProxyResult;
    beforeEach(async () => {
      first = await handle(keyed(VALID_INPUT));
      const [record] = await records();
      await client.send(
        new UpdateItemCommand({
          TableName: tables.idempotency,
          Key: { id: record.id },
          UpdateExpression: 'SET #expiration = :past',
          ExpressionAttributeNames: { '#expiration': IDEMPOTENCY_EXPIRY_ATTRIBUTE },
          ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 1) } },
        }),
      );
    });

    it('creates anew for the same key, even with another body', async () => {
      const result = await handle(keyed(OTHER_PERSON));

      expect(result.statusCode).toBe(201);
      expect(JSON.parse(result.body).id).not.toBe(JSON.parse(first.body).id);
      await expect(counts()).resolves.toEqual({ customers: 2, emails: 2, records: 1 });
    });

    it('runs the same body again instead of replaying it (so the email rule answers)', async () => {
      const result = await handle(keyed(VALID_INPUT));

      expect(result.statusCode).toBe(409);
      expect(parseErrorBody(result).errors).toEqual([{ field: 'email', rule: 'unique' }]);
    });
  });

  it('remembers only successes: after a 409 the same key and body succeed once the email is free', async () => {
    // Prepare: the email is claimed by someone else, so the first attempt fails.
    const claim = stringItem({ email: VALID_INPUT.email, customerId: 'someone-else' });
    await client.send(new PutItemCommand({ TableName: tables.emails, Item: claim }));
    const refused = await handle(keyed(VALID_INPUT));
    expect(refused.statusCode).toBe(409);
    await expect(counts()).resolves.toEqual({ customers: 0, emails: 1, records: 0 });
    await client.send(new DeleteItemCommand({ TableName: tables.emails, Key: { email: claim.email } }));

    // Act
    const retried = await handle(keyed(VALID_INPUT));

    // Assess
    expect(retried.statusCode).toBe(201);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('does not let a rejected request claim the key', async () => {
    const rejected = await handle(keyed({ ...VALID_INPUT, email: 'not-an-email' }));
    expect(rejected.statusCode).toBe(400);

    const accepted = await handle(keyed(VALID_INPUT));

    expect(accepted.statusCode).toBe(201);
  });

  it('answers 409 in_progress with Retry-After to a duplicate that arrives while the first is still running', async () => {
    // Prepare: a client that holds the first request's customer write until the duplicate has been answered,
    // so the two really overlap (the hook delays a real call; it answers nothing itself).
    const holding = createDynamoDbClient();
    let duplicate: Promise<APIGatewayProxyResult> | undefined;
    holding.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !duplicate) {
          duplicate = handlerWith(holding)(keyed(VALID_INPUT), LAMBDA_CONTEXT);
          await duplicate;
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdFirstCustomerWrite' },
    );

    // Act
    const first = await handlerWith(holding)(keyed(VALID_INPUT), LAMBDA_CONTEXT).finally(() => holding.destroy());

    // Assess
    const second = await (duplicate as Promise<APIGatewayProxyResult>);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(409);
    expect(second.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
    expect(parseErrorBody(second).errors).toEqual([{ field: 'Idempotency-Key', rule: 'in_progress' }]);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
    await expect(handle(keyed(VALID_INPUT))).resolves.toEqual(first);
  });

  it('lets the key be retried once an invocation that never finished (a Lambda timeout) is out of time', async () => {
    // Prepare: the first invocation has 50 ms left and its customer write never returns, as if Lambda killed it.
    const stalled = createDynamoDbClient();
    stalled.middlewareStack.add(
      (next, context) => async (args) => (context.commandName === 'TransactWriteItemsCommand' ? new Promise<never>(() => {}) : next(args)),
      { step: 'initialize', name: 'neverFinishCustomerWrite' },
    );
    void handlerWith(stalled)(keyed(VALID_INPUT), { ...LAMBDA_CONTEXT, getRemainingTimeInMillis: () => 50 });
    await waitFor(async () => (await records()).length === 1);
    expect((await records())[0].status).toEqual({ S: 'INPROGRESS' });
    stalled.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const retried = await handle(keyed(VALID_INPUT));

    // Assess
    expect(retried.statusCode).toBe(201);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  describe('rejects a malformed key with 400 naming Idempotency-Key, and writes nothing', () => {
    it.each([
      ['empty', '', 'format'],
      ['65 characters', 'a'.repeat(65), 'format'],
      ['a space', 'order 1', 'format'],
      ['a trailing newline', 'order-1\n', 'format'],
      ['a comma-separated list', 'order-1,order-2', 'format'],
      ['a path', '../order-1', 'format'],
      ['quotes', '"order-1"', 'format'],
      ['non-ASCII letters', 'clé-1', 'format'],
    ])('%s', async (_description, key, rule) => {
      const result = await handle(keyed(VALID_INPUT, key));

      expect(result.statusCode).toBe(400);
      expect(parseErrorBody(result)).toEqual({ message: 'Validation failed', errors: [{ field: 'Idempotency-Key', rule }], requestId: REQUEST_ID });
      await expect(counts()).resolves.toEqual({ customers: 0, emails: 0, records: 0 });
    });

    it('sent twice (API Gateway keeps the last in headers, all in multiValueHeaders)', async () => {
      const event = customersEvent({
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'order-2' },
        multiValueHeaders: { 'Content-Type': ['application/json'], 'idempotency-key': ['order-1', 'order-2'] },
      });

      const result = await handle(event);

      expect(result.statusCode).toBe(400);
      expect(parseErrorBody(result).errors).toEqual([{ field: 'Idempotency-Key', rule: 'single_value' }]);
      await expect(counts()).resolves.toEqual({ customers: 0, emails: 0, records: 0 });
    });
  });

  it.each([
    ['1 character', 'k'],
    ['64 characters', 'K'.repeat(64)],
    ['a UUID', '0b6f7c1e-5d5a-4a47-9a0e-3f1c2d9e8a41'],
    ['underscores', 'client_42_order_7'],
  ])('accepts a key of %s', async (_description, key) => {
    const result = await handle(keyed(VALID_INPUT, key));

    expect(result.statusCode).toBe(201);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });
});

describe('an unavailable idempotency store (fault-injected endpoint: MiniStack does not throttle)', () => {
  it('answers 503 with Retry-After and no details', async () => {
    const endpoint = await startFaultEndpoint({ status: 400, errorType: 'ThrottlingException', message: 'Rate exceeded for table DA_Serverless_idempotency' });
    useDynamoDbEndpoint(endpoint.endpoint);
    const client = createDynamoDbClient();
    const tables = { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' };
    const handle = createHandler({ client, tables, logger: silentLogger, newId: () => 'id', now: () => FIXED_NOW });

    const result = await handle(keyed(VALID_INPUT), LAMBDA_CONTEXT).finally(() => {
      client.destroy();
      return endpoint.stop();
    });

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
    expectNoInternals(result, 'DA_Serverless_idempotency', 'Rate exceeded');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
