import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from '../clients';
import { RETRY_AFTER_SECONDS } from '../errors';
import { createHandler } from './create-customer';
import type { ApiHandler } from '../route-handler';
import { countItems, freshTablesPerTest, getEmailClaim, getItem, stringItem, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { REQUEST_ID, VALID_INPUT, jsonEvent } from '../../test-support/events';
import { startFaultEndpoint } from '../../test-support/fault-endpoint';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

const FIXED_NOW = new Date('2024-05-01T12:00:00.000Z');
const silentLogger = new Logger({ logLevel: 'SILENT' });

describe('one customer per email (MiniStack DynamoDB, TransactWriteItems)', () => {
  const db = freshTablesPerTest();
  let idCounter = 0;
  const newId = () => `00000000-0000-4000-9000-${String(++idCounter).padStart(12, '0')}`;
  const handle: ApiHandler = (event, context) =>
    createHandler({ client: db.client, tables: db.tables, logger: silentLogger, newId, now: () => FIXED_NOW })(event, context);

  const createdId = (result: { body: string }) => (JSON.parse(result.body) as { id: string }).id;

  it('claims the trimmed, lowercased email for the new customer and stores the customer as entered', async () => {
    const input = { ...VALID_INPUT, email: ' Ada.Lovelace@Example.COM ' };

    const result = await handle(jsonEvent(input));

    expect(result.statusCode).toBe(201);
    const id = createdId(result);
    await expect(getEmailClaim(db.client, db.tables, 'ada.lovelace@example.com')).resolves.toEqual(
      stringItem({ email: 'ada.lovelace@example.com', customerId: id }),
    );
    await expect(getItem(db.client, db.tables.customers, id)).resolves.toMatchObject(stringItem({ email: 'Ada.Lovelace@Example.COM' }));
  });

  it('answers 409 naming email for a registered email, and writes neither a customer nor a claim', async () => {
    // Prepare
    const first = await handle(jsonEvent(VALID_INPUT));
    expect(first.statusCode).toBe(201);

    // Act
    const result = await handle(jsonEvent({ firstname: 'Augusta', lastname: 'King', email: VALID_INPUT.email }));

    // Assess
    expect(result.statusCode).toBe(409);
    expect(parseErrorBody(result)).toEqual({
      message: 'Customer already exists',
      errors: [{ field: 'email', rule: 'unique' }],
      requestId: REQUEST_ID,
    });
    expectNoInternals(result, VALID_INPUT.email, createdId(first));
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(1);
    await expect(countItems(db.client, db.tables.emails)).resolves.toBe(1);
    await expect(getEmailClaim(db.client, db.tables, VALID_INPUT.email)).resolves.toMatchObject({ customerId: { S: createdId(first) } });
  });

  it.each([
    ['upper case', 'ADA@EXAMPLE.COM'],
    ['mixed case', 'Ada@Example.com'],
    ['surrounding spaces', '  ada@example.com  '],
    ['tabs, newlines and case', '\tAda@EXAMPLE.com\n'],
  ])('treats %s as the same email: 409, one customer, one claim', async (_variant, email) => {
    await handle(jsonEvent(VALID_INPUT));

    const result = await handle(jsonEvent({ ...VALID_INPUT, email }));

    expect(result.statusCode).toBe(409);
    expect(parseErrorBody(result).errors).toEqual([{ field: 'email', rule: 'unique' }]);
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(1);
    await expect(countItems(db.client, db.tables.emails)).resolves.toBe(1);
  });

  it('accepts the same person with a different email', async () => {
    await handle(jsonEvent(VALID_INPUT));

    const result = await handle(jsonEvent({ ...VALID_INPUT, email: 'ada+work@example.com' }));

    expect(result.statusCode).toBe(201);
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(2);
    await expect(countItems(db.client, db.tables.emails)).resolves.toBe(2);
  });

  it('lets exactly one of several concurrent creates with the same email win', async () => {
    const variants = ['ada@example.com', 'ADA@example.com', ' ada@Example.com', 'Ada@EXAMPLE.COM', 'ada@example.COM '];

    const results = await Promise.all(variants.map((email) => handle(jsonEvent({ ...VALID_INPUT, email }))));

    expect(results.map((result) => result.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(1);
    await expect(countItems(db.client, db.tables.emails)).resolves.toBe(1);
    const winner = results.find((result) => result.statusCode === 201);
    await expect(getEmailClaim(db.client, db.tables, 'ada@example.com')).resolves.toMatchObject({ customerId: { S: createdId(winner ?? { body: '{}' }) } });
  });
});

describe('an orphaned email claim (its customer gone: deleted, or lost in a restore) (MiniStack DynamoDB)', () => {
  const db = freshTablesPerTest();
  const newId = () => '00000000-0000-4000-9000-00000000000a';
  const orphanClaim = stringItem({ email: VALID_INPUT.email, customerId: 'deleted-customer' });

  beforeEach(async () => {
    await db.client.send(new PutItemCommand({ TableName: db.tables.emails, Item: orphanClaim }));
  });

  const handleWith = (dynamo: DynamoDBClient) => createHandler({ client: dynamo, tables: db.tables, logger: silentLogger, newId, now: () => FIXED_NOW });

  it('is taken over by the new customer: 201, and the claim now names it', async () => {
    const result = await handleWith(db.client)(jsonEvent(VALID_INPUT));

    expect(result.statusCode).toBe(201);
    await expect(getEmailClaim(db.client, db.tables, VALID_INPUT.email)).resolves.toEqual(stringItem({ email: VALID_INPUT.email, customerId: newId() }));
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(1);
  });

  it('is not taken over when its customer comes back between the check and the repair: 409, nothing written', async () => {
    // Prepare: right after the handler has read that the claimed customer is gone, it is restored.
    const racing = createDynamoDbClient();
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (context.commandName === 'GetItemCommand') {
          await db.client.send(new PutItemCommand({ TableName: db.tables.customers, Item: stringItem({ id: 'deleted-customer' }) }));
        }
        return output;
      },
      { step: 'initialize', name: 'restoreClaimedCustomer' },
    );

    // Act
    const result = await handleWith(racing)(jsonEvent(VALID_INPUT)).finally(() => racing.destroy());

    // Assess
    expect(result.statusCode).toBe(409);
    await expect(getEmailClaim(db.client, db.tables, VALID_INPUT.email)).resolves.toEqual(orphanClaim);
    await expect(countItems(db.client, db.tables.customers)).resolves.toBe(1);
  });
});

describe('a transaction cancelled for a transient reason (fault-injected endpoint: MiniStack never conflicts)', () => {
  const newId = () => '00000000-0000-4000-9000-ffffffffffff';

  it.each(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'])(
    'answers 503 with Retry-After when the cancellation reason is %s',
    async (code) => {
      const endpoint = await startFaultEndpoint({
        status: 400,
        errorType: 'TransactionCanceledException',
        message: 'Transaction cancelled arn:aws:dynamodb:us-east-1:123456789012:table/DA_Serverless',
        fields: { CancellationReasons: [{ Code: 'None' }, { Code: code, Message: 'Transaction is ongoing for the item' }] },
      });
      useDynamoDbEndpoint(endpoint.endpoint);
      const client = createDynamoDbClient();
      const tables = { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' };

      const result = await createHandler({ client, tables, logger: silentLogger, newId, now: () => FIXED_NOW })(jsonEvent(VALID_INPUT))
        .finally(() => {
          client.destroy();
          return endpoint.stop();
        });

      expect(result.statusCode).toBe(503);
      expect(result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
      expectNoInternals(result, 'arn:aws', 'Transaction is ongoing');
      // The SDK does not retry a cancelled transaction; the client's retry (after Retry-After) is the retry.
      expect(endpoint.requestCount()).toBe(1);
    },
  );
});
