import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from '../clients';
import { createHandler as createCreateHandler } from './create-customer';
import { createHandler } from './get-customer';
import { freshTablesPerTest, testDynamoDbEndpoint } from '../../test-support/dynamodb';
import { REQUEST_ID, VALID_INPUT, jsonEvent, routeEvent } from '../../test-support/events';
import { getCustomerRoute } from '../routes';
import { requestSchema } from '../../request-schemas';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy';
import { captureLogLines, parseLogLines } from '../../test-support/log-capture';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

const silentLogger = new Logger({ logLevel: 'SILENT' });
const getEvent = (id: string, overrides = {}) => routeEvent(getCustomerRoute, { pathParameters: { id }, ...overrides });
const FIXED_NOW = new Date('2024-05-01T12:00:00.000Z');

describe('the GET /customers/{id} declaration', () => {
  // infra grants a route's role exactly what it declares (api-stack.test.ts): this is the role's whole DynamoDB access.
  it('uses the customers table (DB_NAME) for GetItem, and nothing else', () => {
    expect(getCustomerRoute.tables).toEqual({ customers: { variable: 'DB_NAME', actions: ['dynamodb:GetItem'] } });
  });

  it('requires the API key and an id in the format this API generates (stated to OpenAPI as a uuid)', () => {
    expect(getCustomerRoute.apiKeyRequired).toBe(true);
    const pathParameters = getCustomerRoute.request.pathParameters;
    if (!pathParameters) throw new Error('GET /customers/{id} declares no path parameters');
    expect(requestSchema(pathParameters)).toMatchObject({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', format: 'uuid', pattern: expect.any(String) } },
    });
  });
});

describe('GET /customers/{id} against MiniStack DynamoDB', () => {
  const db = freshTablesPerTest();
  // Every DynamoDB request passes through this proxy, which counts them by operation.
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(testDynamoDbEndpoint(), () => 'forward');
  });
  afterAll(() => proxy.stop());

  // A client of the handler's own kind (its timeouts, retries), talking to MiniStack through the proxy.
  const throughProxy = () => {
    const client = createDynamoDbClient();
    client.middlewareStack.add((next) => (args) => {
      const request = (args as { request: { hostname: string; port?: number } }).request;
      const target = new URL(proxy.endpoint);
      Object.assign(request, { hostname: target.hostname, port: Number(target.port) });
      return next(args);
    }, { step: 'finalizeRequest' });
    return client;
  };
  const getHandler = (logger = silentLogger) =>
    createHandler({ client: throughProxy(), tables: db.tables, logger, newId: randomUUID, now: () => FIXED_NOW });
  const create = async () => {
    const id = randomUUID();
    const response = await createCreateHandler({ client: db.client, tables: db.tables, logger: silentLogger, newId: () => id, now: () => FIXED_NOW })(jsonEvent(VALID_INPUT));
    expect(response.statusCode).toBe(201);
    return { id, response };
  };

  // POST /customers points its 201 here: a reference relative to the request URL (location.test.ts resolves it
  // against every URL shape: stage, base path, emulator prefixes).
  it('is where a create\'s Location points: customers/<id>, resolved against .../customers', async () => {
    const { id, response } = await create();

    expect(response.headers?.Location).toBe(`customers/${id}`);
    expect(new URL(response.headers?.Location as string, 'https://api.example.com/v1/customers').href).toBe(`https://api.example.com/v1/customers/${id}`);
  });

  it('is where a create\'s Location points from a request URL with a trailing slash too', async () => {
    const id = randomUUID();
    const response = await createCreateHandler({ client: db.client, tables: db.tables, logger: silentLogger, newId: () => id, now: () => FIXED_NOW })(jsonEvent(VALID_INPUT, { path: '/customers/' }));

    expect(response.statusCode).toBe(201);
    expect(new URL(response.headers?.Location as string, 'https://api.example.com/v1/customers/').href).toBe(`https://api.example.com/v1/customers/${id}`);
  });

  it('answers 200 with the stored customer: the 201\'s body, byte for byte (same fields, same order)', async () => {
    const { id, response: createdResponse } = await create();

    const result = await getHandler()(getEvent(id));

    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(createdResponse.body);
    expect(Object.keys(JSON.parse(result.body))).toEqual(['id', 'firstname', 'lastname', 'email', 'createdAt']);
  });

  it('answers with no-store, nosniff JSON: the body is personal data', async () => {
    const { id } = await create();

    const result = await getHandler()(getEvent(id));

    expect(result.headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  });

  it('reads strongly consistent, with one GetItem and nothing else', async () => {
    const { id } = await create();
    const client = throughProxy();
    const inputs: unknown[] = [];
    client.middlewareStack.add((next) => async (args) => {
      inputs.push(args.input);
      return next(args);
    }, { step: 'initialize' });
    const before = proxy.requests();

    await createHandler({ client, tables: db.tables, logger: silentLogger, newId: randomUUID, now: () => FIXED_NOW })(getEvent(id));

    expect(inputs).toEqual([expect.objectContaining({ TableName: db.tables.customers, Key: { id: { S: id } }, ConsistentRead: true })]);
    expect(delta(before, proxy.requests())).toEqual({ GetItem: 1 });
    client.destroy();
  });

  it('answers 404 with the usual error body naming id when no customer has it', async () => {
    const result = await getHandler()(getEvent(randomUUID()));

    expect(result.statusCode).toBe(404);
    expect(parseErrorBody(result)).toEqual({ message: 'Not found', errors: [{ field: 'id', rule: 'exists' }], requestId: REQUEST_ID });
    expectNoInternals(result);
  });

  it.each([
    ['not a UUID', 'abc'],
    ['a 2 KB id', 'a'.repeat(2048)],
    ['a UUID with a trailing character', `${randomUUID()}x`],
    ['a UUID without its dashes', randomUUID().replaceAll('-', '')],
    ['an injection attempt', "' OR 1=1 --"],
  ])('answers 400 naming id for %s, without asking DynamoDB', async (_case, id) => {
    const before = proxy.requests();

    const result = await getHandler()(getEvent(id));

    expect(result.statusCode).toBe(400);
    expect(parseErrorBody(result)).toEqual({ message: 'Validation failed', errors: [{ field: 'id', rule: 'uuid' }], requestId: REQUEST_ID });
    expectNoInternals(result);
    expect(delta(before, proxy.requests())).toEqual({});
  });

  it('answers 400 naming id as required when the event has no path parameters', async () => {
    const result = await getHandler()(routeEvent(getCustomerRoute, { pathParameters: null }));

    expect(result.statusCode).toBe(400);
    expect(parseErrorBody(result).errors).toEqual([{ field: 'id', rule: 'required' }]);
  });

  it('answers 405 with Allow: GET for another method on /customers/{id}', async () => {
    const result = await getHandler()(getEvent(randomUUID(), { httpMethod: 'DELETE' }));

    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ Allow: 'GET' });
  });

  it('logs a rejection with its status and rule counts only: never the id it was asked for', async () => {
    const id = `secret-${'x'.repeat(40)}`;
    const { lines } = await captureLogLines(() => getHandler(new Logger({ logLevel: 'INFO' }))(getEvent(id)));

    expect(parseLogLines(lines)).toEqual([expect.objectContaining({ level: 'WARN', message: 'Request rejected', status: 400, rules: { uuid: 1 } })]);
    expect(lines.join('\n')).not.toContain(id);
  });
});

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).filter(([operation, count]) => count !== (before[operation] ?? 0)).map(([operation, count]) => [operation, count - (before[operation] ?? 0)]));
}
