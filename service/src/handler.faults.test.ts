import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient, DYNAMODB_MAX_ATTEMPTS, type HttpTimeouts } from './clients';
import { RETRY_AFTER_SECONDS } from './errors';
import { createHandler } from './handler';
import { testDynamoDbEndpoint, useDynamoDbEndpoint } from '../test-support/dynamodb';
import { REQUEST_ID, customersEvent } from '../test-support/events';
import { startFaultEndpoint, type FaultEndpoint } from '../test-support/fault-endpoint';
import { expectNoInternals, parseErrorBody } from '../test-support/responses';

const UPSTREAM_MESSAGE = 'upstream detail for arn:aws:dynamodb:us-east-1:123456789012:table/DA_Serverless';

const DEPLOYED_TABLES = { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' };

async function postWithClient(client: DynamoDBClient, tables = DEPLOYED_TABLES) {
  const handle = createHandler({
    client,
    tables,
    logger: new Logger({ logLevel: 'SILENT' }),
    newId: () => '00000000-0000-4000-8000-000000000001',
    now: () => new Date('2024-05-01T12:00:00.000Z'),
  });
  try {
    return await handle(customersEvent());
  } finally {
    client.destroy();
  }
}

function expectUnavailable(result: Awaited<ReturnType<typeof postWithClient>>) {
  expect(result.statusCode).toBe(503);
  expect(result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
  expect(parseErrorBody(result).requestId).toBe(REQUEST_ID);
  expectNoInternals(result, UPSTREAM_MESSAGE);
}

describe('DynamoDB failures map to safe responses', () => {
  describe.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
  ])('%s (fault-injected endpoint)', (errorType, status) => {
    const fault = { status, errorType, message: UPSTREAM_MESSAGE };
    let endpoint: FaultEndpoint;

    beforeAll(async () => {
      endpoint = await startFaultEndpoint(fault);
      useDynamoDbEndpoint(endpoint.endpoint);
    });

    afterAll(() => endpoint.stop());

    it(`answers 503 with Retry-After after exactly ${DYNAMODB_MAX_ATTEMPTS} attempts, without upstream details`, async () => {
      const result = await postWithClient(createDynamoDbClient());

      expectUnavailable(result);
      expect(endpoint.requestCount()).toBe(DYNAMODB_MAX_ATTEMPTS);
    });
  });

  it('answers 500 with a generic message for an unexpected DynamoDB error (fault-injected endpoint)', async () => {
    const endpoint = await startFaultEndpoint({ status: 400, errorType: 'AccessDeniedException', message: UPSTREAM_MESSAGE });
    useDynamoDbEndpoint(endpoint.endpoint);

    const result = await postWithClient(createDynamoDbClient()).finally(() => endpoint.stop());

    expect(result.statusCode).toBe(500);
    expect(parseErrorBody(result)).toEqual({ message: 'Internal server error', errors: [], requestId: REQUEST_ID });
    expectNoInternals(result, UPSTREAM_MESSAGE, 'AccessDenied');
  });

  // Connection refused (a real closed port) is tested against the built bundle in build.test.ts.

  it('answers 503 once the request timeout passes on an endpoint that never responds', async () => {
    const endpoint = await startFaultEndpoint('never-respond');
    useDynamoDbEndpoint(endpoint.endpoint);
    const shortTimeouts: HttpTimeouts = { connectionTimeout: 1_000, requestTimeout: 200 };

    const result = await postWithClient(createDynamoDbClient(shortTimeouts)).finally(() => endpoint.stop());

    expectUnavailable(result);
    expect(endpoint.requestCount()).toBe(DYNAMODB_MAX_ATTEMPTS);
  });

  it('answers 500 without naming the table when the table does not exist (MiniStack DynamoDB)', async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());

    const result = await postWithClient(createDynamoDbClient(), { customers: 'no-such-table', emails: 'no-such-table-2', idempotency: 'no-such-table-3' });

    expect(result.statusCode).toBe(500);
    expectNoInternals(result, 'no-such-table', 'ResourceNotFound');
  });
});
