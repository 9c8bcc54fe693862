import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from '../clients';
import { createHandler } from './create-customer';
import { createCustomerRoute } from '../routes';
import type { ApiHandler } from '../route-handler';
import type { TableNames } from '../repository';
import { countItems, createTestTables, getEmailClaim, getItem, stringItem, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { LAMBDA_CONTEXT, REQUEST_ID, VALID_INPUT, base64Event, customersEvent, jsonEvent } from '../../test-support/events';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

const FIXED_NOW = new Date('2024-05-01T12:00:00.000Z');

describe('the POST /customers declaration', () => {
  // infra grants a route's role exactly what it declares (api-stack.test.ts): this is the role's whole DynamoDB access.
  it('puts the customer, its email claim and its idempotency record in one transaction, and reads only what a conflict needs', () => {
    expect(createCustomerRoute.tables).toEqual({
      customers: { variable: 'DB_NAME', actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem'] },
      emails: { variable: 'EMAILS_TABLE_NAME', actions: ['dynamodb:PutItem'] },
      idempotency: { variable: 'IDEMPOTENCY_TABLE_NAME', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'] },
    });
    expect(createCustomerRoute.apiKeyRequired).toBe(true);
  });
});

describe('POST /customers against MiniStack DynamoDB', () => {
  let client: DynamoDBClient;
  let tables: TableNames;
  let nextId: string;

  beforeAll(async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
  });

  afterAll(() => client.destroy());

  const silentLogger = new Logger({ logLevel: 'SILENT' });
  let idCounter = 0;
  const handlerWith = (logger = silentLogger): ApiHandler =>
    createHandler({ client, tables, logger, newId: () => nextId, now: () => FIXED_NOW });

  // Fresh tables per test: most tests post the same email, which may only be registered once.
  beforeEach(async () => {
    nextId = `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;
    tables = await createTestTables(client);
  });

  // Its Location header, where GET /customers/{id} reads the customer, is tested with that route (get-customer.test.ts).
  it('creates the customer and returns it with 201', async () => {
    // Act
    const result = await handlerWith()(jsonEvent(VALID_INPUT));

    // Assess
    expect(result.statusCode).toBe(201);
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body)).toEqual({ id: nextId, ...VALID_INPUT, createdAt: FIXED_NOW.toISOString() });
  });

  it('stores exactly id, firstname, lastname, email and createdAt as strings', async () => {
    await handlerWith()(jsonEvent(VALID_INPUT));

    const stored = await getItem(client, tables.customers, nextId);

    expect(stored).toEqual(stringItem({ id: nextId, ...VALID_INPUT, createdAt: FIXED_NOW.toISOString() }));
  });

  it('answers a retry-safe 500 and keeps the existing item when the generated id is already taken', async () => {
    // Prepare
    const existing = stringItem({ id: nextId, firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com', createdAt: '2020-01-01T00:00:00.000Z' });
    await client.send(new PutItemCommand({ TableName: tables.customers, Item: existing }));

    // Act
    const result = await handlerWith()(jsonEvent(VALID_INPUT));

    // Assess: the transaction was cancelled as a whole, so neither the customer nor its email claim was written.
    expect(result.statusCode).toBe(500);
    expect(parseErrorBody(result)).toEqual({ message: 'Internal server error', errors: [], requestId: REQUEST_ID });
    expectNoInternals(result, 'conditional request failed', 'already taken');
    await expect(getItem(client, tables.customers, nextId)).resolves.toEqual(existing);
    await expect(getEmailClaim(client, tables, VALID_INPUT.email)).resolves.toBeUndefined();
    await expect(countItems(client, tables.emails)).resolves.toBe(0);
  });

  describe('accepts unusual but valid input and stores it verbatim', () => {
    it.each([
      ['SQL-looking names', { firstname: "Robert'); DROP TABLE Students;--", lastname: '1 OR 1=1' }],
      ['markup-looking names', { firstname: '<script>alert(1)</script>', lastname: '{{7*7}} ${jndi:ldap://x}' }],
      ['NoSQL-operator-looking names', { firstname: '{"$gt":""}', lastname: 'attribute_not_exists(id)' }],
      ['names of exactly 100 emoji', { firstname: '😀'.repeat(100), lastname: '👩‍👩‍👧' }],
      ['a name of exactly 100 characters', { firstname: 'a'.repeat(100) }],
      ['right-to-left script and a zero-width non-joiner', { firstname: 'محمد', lastname: 'می\u200cخواهم' }],
      ['an email of exactly 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com` }],
      ['an apostrophe and plus addressing', { lastname: "O'Brien-Smith", email: "o'brien+crm@example.co.uk" }],
    ])('%s', async (_description, changes) => {
      const input = { ...VALID_INPUT, ...changes };

      const result = await handlerWith()(jsonEvent(input));

      expect(result.statusCode).toBe(201);
      await expect(getItem(client, tables.customers, nextId)).resolves.toEqual(
        stringItem({ id: nextId, ...input, createdAt: FIXED_NOW.toISOString() }),
      );
    });
  });

  describe('accepts valid edge cases of the HTTP envelope', () => {
    it('trims surrounding whitespace from every field before storing', async () => {
      await handlerWith()(jsonEvent({ firstname: '  Ada\t', lastname: '\nLovelace ', email: ' ada@example.com ' }));

      await expect(getItem(client, tables.customers, nextId)).resolves.toMatchObject(stringItem(VALID_INPUT));
    });

    it.each([
      ['a base64-encoded body', base64Event(JSON.stringify(VALID_INPUT))],
      ['a charset on the content type', customersEvent({ headers: { 'content-type': 'application/json; charset=UTF-8' } })],
      ['a +json vendor content type', customersEvent({ headers: { 'Content-Type': 'application/vnd.customers+json' } })],
      ['no content type at all', customersEvent({ headers: {} })],
      ['null headers (API Gateway sends null when there are none)', customersEvent({ headers: null as unknown as Record<string, string> })],
      ['a body of exactly 10 KB', customersEvent({ body: padTo10Kb(JSON.stringify(VALID_INPUT)) })],
      // Behind a custom domain with base path mapping `api`, path is /api/customers; the resource is /customers.
      ['a custom domain base path (path /api/customers)', customersEvent({ path: '/api/customers' })],
    ])('returns 201 for %s', async (_description, event) => {
      const result = await handlerWith()(event);

      expect(result.statusCode).toBe(201);
      await expect(getItem(client, tables.customers, nextId)).resolves.toBeDefined();
    });
  });

  describe('logging', () => {
    let written: string;
    let spies: jest.SpyInstance[];

    // Powertools writes INFO to stdout and WARN/ERROR to stderr: capture both.
    beforeEach(() => {
      written = '';
      spies = [process.stdout, process.stderr].map((stream) =>
        jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          written += chunk.toString();
          return true;
        }),
      );
    });

    afterEach(() => spies.forEach((spy) => spy.mockRestore()));

    it('logs one JSON line per rejected request with status, cause and rule counts, but no field names, body or headers', async () => {
      // An unknown field's name is client text: here an email address, which must not reach the log.
      const event = jsonEvent({ ...VALID_INPUT, 'grace@example.com': 1, id: 'client-id' });

      const result = await handlerWith(new Logger({ serviceName: 'customers-api' }))(event);

      const lines = written.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 'WARN',
        message: 'Request rejected',
        status: 400,
        cause: 'RequestRejected',
        rules: { unknown_field: 2 },
        requestId: REQUEST_ID,
      });
      expect(JSON.parse(lines[0])).not.toHaveProperty('errors');
      expect(written).not.toContain('grace@example.com');
      expect(written).not.toContain('client-id');
      expect(written).not.toContain(VALID_INPUT.email);
      expect(written).not.toContain(VALID_INPUT.lastname);
      expect(written).not.toContain('fixture-api-key-never-logged');
      // The client still learns which fields to remove.
      expect(parseErrorBody(result).errors).toEqual([
        { field: 'grace@example.com', rule: 'unknown_field' },
        { field: 'id', rule: 'unknown_field' },
      ]);
    });

    it('answers a body of 800 unknown fields with the first 10 errors and their count, and logs one short line', async () => {
      const fields = Object.fromEntries(Array.from({ length: 800 }, (_, index) => [`f${index}`, 1]));

      const result = await handlerWith(new Logger({ serviceName: 'customers-api' }))(jsonEvent({ ...VALID_INPUT, ...fields }));

      expect(result.statusCode).toBe(400);
      const body = JSON.parse(result.body) as { errors: unknown[]; errorCount: number };
      expect(body.errors).toEqual(Array.from({ length: 10 }, (_, index) => ({ field: `f${index}`, rule: 'unknown_field' })));
      expect(body.errorCount).toBe(800);
      expect(JSON.parse(written)).toMatchObject({ status: 400, rules: { unknown_field: 800 } });
      expect(written.length).toBeLessThan(500);
    });

    it('logs the cause name of a conflict without the customer data', async () => {
      await client.send(new PutItemCommand({ TableName: tables.emails, Item: stringItem({ email: VALID_INPUT.email, customerId: 'someone-else' }) }));
      await client.send(new PutItemCommand({ TableName: tables.customers, Item: stringItem({ id: 'someone-else' }) }));

      await handlerWith(new Logger({ serviceName: 'customers-api' }))(jsonEvent(VALID_INPUT));

      expect(JSON.parse(written)).toMatchObject({ status: 409, cause: 'EmailAlreadyRegistered', rules: { unique: 1 } });
      expect(written).not.toContain(VALID_INPUT.email);
    });

    it('adds the Lambda context to every line: function name, request id and cold start', async () => {
      await handlerWith(new Logger({ serviceName: 'customers-api' }))(jsonEvent({ ...VALID_INPUT, email: 'x' }), LAMBDA_CONTEXT);

      expect(JSON.parse(written)).toMatchObject({
        function_name: LAMBDA_CONTEXT.functionName,
        function_request_id: LAMBDA_CONTEXT.awsRequestId,
        cold_start: expect.any(Boolean),
      });
    });

    it('logs nothing for a successful request', async () => {
      await handlerWith(new Logger({ serviceName: 'customers-api' }))(jsonEvent(VALID_INPUT));

      expect(written).toBe('');
    });
  });
});

// Pads the JSON with insignificant whitespace so the body is exactly the 10 KB limit.
function padTo10Kb(json: string): string {
  return json.slice(0, -1) + ' '.repeat(10 * 1024 - Buffer.byteLength(json)) + '}';
}
