import { PutItemCommand, ScanCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../clients';
import { RETRY_AFTER_SECONDS } from '../errors';
import { createHandler } from './create-customer';
import type { ApiHandler } from '../route-handler';
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, IDEMPOTENCY_TTL_SECONDS } from '../idempotency';
import { countItems, createTestTables, freshTablesPerTest, stringItem, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { LAMBDA_CONTEXT, REQUEST_ID, VALID_INPUT, customersEvent, jsonEvent } from '../../test-support/events';
import { startFaultEndpoint } from '../../test-support/fault-endpoint';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

const KEY = 'order-7f3c2a9e-2b1d-4e5f-8a6b-0c9d8e7f6a5b';
const API_KEY_ID = 'a1b2c3d4e5';
const OTHER_PERSON = { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' };
const silentLogger = new Logger({ logLevel: 'SILENT' });

/** POST /customers with `body` and the Idempotency-Key header (spelled `headerName`), sent with API key `apiKeyId`. */
const keyed = (body: unknown, key = KEY, headerName = 'Idempotency-Key', apiKeyId = API_KEY_ID): APIGatewayProxyEvent => {
  const event = jsonEvent(body, { headers: { 'Content-Type': 'application/json', [headerName]: key } });
  return { ...event, requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, apiKeyId } } };
};
const idOf = (result: APIGatewayProxyResult) => (JSON.parse(result.body) as { id: string }).id;

/** Counts the DynamoDB calls a client makes, per HTTP attempt (the deserialize step runs once per attempt). */
function countCalls(client: DynamoDBClient): string[] {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'deserialize', name: 'countDynamoDbCalls' },
  );
  return calls;
}

describe('Idempotency-Key: the record is written in the create transaction (MiniStack DynamoDB)', () => {
  const db = freshTablesPerTest();
  let idCounter = 0;
  const newId = () => `00000000-0000-4000-a000-${String(++idCounter).padStart(12, '0')}`;
  // Real time: the record's expiry is compared with the request's clock, and MiniStack's TTL reaper runs on real time.
  const handlerWith = (dynamo = db.client): ApiHandler =>
    createHandler({ client: dynamo, tables: db.tables, logger: silentLogger, newId, now: () => new Date() });
  const handle: ApiHandler = (event, context = LAMBDA_CONTEXT) => handlerWith()(event, context);

  const counts = async () => ({
    customers: await countItems(db.client, db.tables.customers),
    emails: await countItems(db.client, db.tables.emails),
    records: await countItems(db.client, db.tables.idempotency),
  });
  const records = async () => (await db.client.send(new ScanCommand({ TableName: db.tables.idempotency, ConsistentRead: true }))).Items ?? [];

  describe('DynamoDB calls per create, counted through SDK middleware', () => {
    it.each([
      ['without a key', jsonEvent(VALID_INPUT)],
      ['with a key', keyed(VALID_INPUT)],
    ])('%s: exactly one, a TransactWriteItems', async (_case, event) => {
      const counted = createDynamoDbClient();
      const calls = countCalls(counted);

      const result = await handlerWith(counted)(event, LAMBDA_CONTEXT).finally(() => counted.destroy());

      expect(result.statusCode).toBe(201);
      expect(calls).toEqual(['TransactWriteItemsCommand']);
    });

    it('a replay: also exactly one (the cancelled transaction returns the record)', async () => {
      const first = await handle(keyed(VALID_INPUT));
      const counted = createDynamoDbClient();
      const calls = countCalls(counted);

      const replay = await handlerWith(counted)(keyed(VALID_INPUT), LAMBDA_CONTEXT).finally(() => counted.destroy());

      expect(replay).toEqual(first);
      expect(calls).toEqual(['TransactWriteItemsCommand']);
    });
  });

  it('replays the first 201 for the same key and body: identical response, and nothing new written', async () => {
    // Prepare
    const first = await handle(keyed(VALID_INPUT));
    expect(first.statusCode).toBe(201);

    // Act
    const replay = await handle(keyed(VALID_INPUT));

    // Assess
    expect(replay).toEqual(first);
    expect(replay.body).toBe(first.body);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('replays the stored bytes, not a response rebuilt from today\'s code', async () => {
    const first = await handle(keyed(VALID_INPUT));
    const [record] = await records();
    const stored = { ...first, headers: { ...first.headers, 'X-Stored': 'yes' } };
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tables.idempotency,
        Key: { id: record.id },
        UpdateExpression: 'SET #response = :response',
        ExpressionAttributeNames: { '#response': 'response' },
        ExpressionAttributeValues: { ':response': { S: JSON.stringify(stored) } },
      }),
    );

    await expect(handle(keyed(VALID_INPUT))).resolves.toEqual(stored);
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
    expectNoInternals(result, KEY, OTHER_PERSON.email, VALID_INPUT.email);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('keeps different keys apart', async () => {
    const first = await handle(keyed(VALID_INPUT, 'key-1'));
    const second = await handle(keyed(OTHER_PERSON, 'key-2'));

    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    await expect(counts()).resolves.toEqual({ customers: 2, emails: 2, records: 2 });
  });

  it('scopes keys per API key: another db.client with the same key neither replays nor probes the first one', async () => {
    const first = await handle(keyed(VALID_INPUT, KEY, 'Idempotency-Key', 'db.client-a'));

    const other = await handle(keyed(OTHER_PERSON, KEY, 'Idempotency-Key', 'db.client-b'));

    expect([first.statusCode, other.statusCode]).toEqual([201, 201]);
    expect(idOf(other)).not.toBe(idOf(first));
    await expect(counts()).resolves.toEqual({ customers: 2, emails: 2, records: 2 });
  });

  it('derives the customer id from (API key id, key): the same pair gives the same id on any table, another pair another id', async () => {
    const first = await handle(keyed(VALID_INPUT));
    db.tables = await createTestTables(db.client);

    const again = await handle(keyed(OTHER_PERSON));
    const otherKey = await handle(keyed(VALID_INPUT, 'another-key'));

    expect(idOf(again)).toBe(idOf(first));
    expect(idOf(otherKey)).not.toBe(idOf(first));
    expect(idOf(first)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('without the header, a repeat is a new request (here refused as a duplicate email) and no record is kept', async () => {
    await handle(jsonEvent(VALID_INPUT));

    const repeat = await handle(jsonEvent(VALID_INPUT));

    expect(repeat.statusCode).toBe(409);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 0 });
  });

  it('keeps a hash of the key, the body\'s fingerprint and the 201, expiring 24 h later in the TTL attribute', async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await handle(keyed(VALID_INPUT));
    const after = Math.ceil(Date.now() / 1000);

    const [record] = await records();

    expect(JSON.stringify(record)).not.toContain(KEY);
    expect(record.id.S).toMatch(/^[0-9a-f]{64}$/);
    expect(record.fingerprint.S).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(record.response.S ?? '')).toEqual(first);
    const expiration = Number(record[IDEMPOTENCY_EXPIRY_ATTRIBUTE].N);
    expect(expiration).toBeGreaterThanOrEqual(before + IDEMPOTENCY_TTL_SECONDS);
    expect(expiration).toBeLessThanOrEqual(after + IDEMPOTENCY_TTL_SECONDS);
  });

  // The id a key derives is taken for good, so a key cannot create a second customer even after its record is gone:
  // it is refused as expired rather than creating anew (a deliberate change from the record-only design).
  describe('once the key has expired (its TTL attribute moved into the past)', () => {
    beforeEach(async () => {
      await handle(keyed(VALID_INPUT));
      const [record] = await records();
      await db.client.send(
        new UpdateItemCommand({
          TableName: db.tables.idempotency,
          Key: { id: record.id },
          UpdateExpression: 'SET #expiration = :past',
          ExpressionAttributeNames: { '#expiration': IDEMPOTENCY_EXPIRY_ATTRIBUTE },
          ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 1) } },
        }),
      );
    });

    it.each([
      ['the same body', VALID_INPUT],
      ['another body', OTHER_PERSON],
    ])('answers 422 rule expired for %s, and writes nothing', async (_case, body) => {
      const before = await records();

      const result = await handle(keyed(body));

      expect(result.statusCode).toBe(422);
      expect(parseErrorBody(result).errors).toEqual([{ field: 'Idempotency-Key', rule: 'expired' }]);
      await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
      await expect(records()).resolves.toEqual(before);
    });
  });

  it('remembers only successes: after a 409 the same key and body succeed once the email is free', async () => {
    // Prepare: the email belongs to an existing customer, so the first attempt fails and writes nothing.
    await db.client.send(new PutItemCommand({ TableName: db.tables.customers, Item: stringItem({ id: 'someone-else', email: VALID_INPUT.email }) }));
    await db.client.send(new PutItemCommand({ TableName: db.tables.emails, Item: stringItem({ email: VALID_INPUT.email, customerId: 'someone-else' }) }));
    const refused = await handle(keyed(VALID_INPUT));
    expect(refused.statusCode).toBe(409);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 0 });
    await db.client.send(new UpdateItemCommand({
      TableName: db.tables.emails,
      Key: { email: { S: VALID_INPUT.email } },
      UpdateExpression: 'SET customerId = :gone',
      ExpressionAttributeValues: { ':gone': { S: 'deleted-customer' } },
    }));

    // Act: the claim is now orphaned (its customer does not exist), so it is repaired for this create.
    const retried = await handle(keyed(VALID_INPUT));

    // Assess
    expect(retried.statusCode).toBe(201);
    await expect(counts()).resolves.toEqual({ customers: 2, emails: 1, records: 1 });
  });

  it('does not let a rejected request claim the key', async () => {
    const rejected = await handle(keyed({ ...VALID_INPUT, email: 'not-an-email' }));
    expect(rejected.statusCode).toBe(400);

    const accepted = await handle(keyed(VALID_INPUT));

    expect(accepted.statusCode).toBe(201);
  });

  // No in-progress state: both transactions carry the record's condition, so exactly one commits. On DynamoDB the
  // loser is cancelled either on that condition (it then replays the winner's 201) or, if the two overlap inside
  // DynamoDB, with TransactionConflict (503 + Retry-After; its retry replays). MiniStack runs requests one at a time.
  it('two concurrent first requests with one key: one customer, and both get the same 201', async () => {
    const results = await Promise.all([handle(keyed(VALID_INPUT)), handle(keyed(VALID_INPUT))]);

    expect(results.map((result) => result.statusCode)).toEqual([201, 201]);
    expect(results[1]).toEqual(results[0]);
    await expect(counts()).resolves.toEqual({ customers: 1, emails: 1, records: 1 });
  });

  it('a duplicate that commits while the first request is held: the first replays the duplicate\'s 201', async () => {
    // Prepare: a db.client that holds the first request's transaction until the duplicate has been answered, so the
    // two really overlap (the hook delays a real call; it answers nothing itself).
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
    expect(second.statusCode).toBe(201);
    expect(first).toEqual(second);
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

describe('an unavailable DynamoDB for a keyed create (fault-injected endpoint: MiniStack does not throttle)', () => {
  it('answers 503 with Retry-After and no details', async () => {
    const endpoint = await startFaultEndpoint({ status: 400, errorType: 'ThrottlingException', message: 'Rate exceeded for table DA_Serverless_idempotency' });
    useDynamoDbEndpoint(endpoint.endpoint);
    const client = createDynamoDbClient();
    const tables = { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' };
    const handle = createHandler({ client, tables, logger: silentLogger, newId: () => 'id', now: () => new Date() });

    const result = await handle(keyed(VALID_INPUT), LAMBDA_CONTEXT).finally(() => {
      client.destroy();
      return endpoint.stop();
    });

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
    expectNoInternals(result, 'DA_Serverless_idempotency', 'Rate exceeded');
  });
});
