import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient, DEFAULT_TIMEOUTS, DYNAMODB_MAX_ATTEMPTS } from './clients';
import { RETRY_AFTER_SECONDS } from './errors';
import { createHandler } from './handler';
import type { TableNames } from './repository';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../test-support/dynamodb';
import { REQUEST_ID, VALID_INPUT, customersEvent } from '../test-support/events';
import type { ErrorFault, Fault } from '../test-support/fault-endpoint';
import { startFaultProxy, type FaultProxy, type ProxyPlan } from '../test-support/fault-proxy';
import { captureLogLines, parseLogLines } from '../test-support/log-capture';
import { expectNoInternals, parseErrorBody } from '../test-support/responses';

// Every fault here is injected by a proxy in front of MiniStack's DynamoDB (real tables), so "nothing written" is
// checked on the tables that would have held the customer and its email claim. Upstream messages carry an ARN so a leak into the body would be visible.
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/DA_Serverless';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1cb8c9d5-9941-4339-a86b-e80c21597830';
const UPSTREAM_MESSAGE = `upstream detail for ${TABLE_ARN}`;
// What DynamoDB answers a data-plane call when the table's customer managed key is unusable to it (key policy or
// grant removed): HTTP 400 with the ordinary AccessDeniedException code and the KMS error embedded in the message.
// (KMSAccessDeniedException / KMSDisabledException are Kinesis' codes; DynamoDB does not use them.)
const KMS_ACCESS_DENIED = {
  status: 400,
  errorType: 'AccessDeniedException',
  message: `KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0e35c348-57ef-4b0a-81e7-87e3fd0e4344; Proxy: null) ${KEY_ARN}`,
};
// A disabled key: DynamoDB reports the KMS DisabledException inside a ValidationException (HTTP 400).
const KMS_DISABLED = {
  status: 400,
  errorType: 'ValidationException',
  message: `KMS key disabled error: com.amazonaws.services.kms.model.DisabledException: ${KEY_ARN} is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException; Request ID: 99ee1c40-8909-463f-a014-28a0c1a0df16; Proxy: null)`,
};

interface Outcome {
  result: APIGatewayProxyResult;
  logs: Record<string, unknown>[];
  elapsedMs: number;
  requests: Record<string, number>;
  itemsAfter: number;
}

describe('DynamoDB faults map to safe responses and write nothing', () => {
  let direct: DynamoDBClient;

  beforeAll(() => {
    // Setup and counting go straight to MiniStack; only the handler's client goes through the fault proxy.
    const endpoint = testDynamoDbEndpoint();
    direct = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });

  afterAll(() => direct.destroy());

  const itemsIn = async (tables: TableNames) => (await countItems(direct, tables.customers)) + (await countItems(direct, tables.emails));

  /** One POST through a fault proxy in front of fresh tables, with a real Logger whose output is captured. */
  async function postThroughProxy(plan: ProxyPlan): Promise<Outcome> {
    const tables = await createTestTables(direct);
    const proxy: FaultProxy = await startFaultProxy(testDynamoDbEndpoint(), plan);
    useDynamoDbEndpoint(proxy.endpoint);
    const client = createDynamoDbClient();
    const handle = createHandler({
      client,
      tables,
      logger: new Logger({ serviceName: 'customers-api' }),
      newId: () => '00000000-0000-4000-8000-000000000001',
      now: () => new Date('2024-05-01T12:00:00.000Z'),
    });
    const started = performance.now();
    try {
      const { result, lines } = await captureLogLines(() => handle(customersEvent()));
      return {
        result,
        logs: parseLogLines(lines),
        elapsedMs: performance.now() - started,
        requests: proxy.requests(),
        itemsAfter: await itemsIn(tables),
      };
    } finally {
      client.destroy();
      await proxy.stop();
    }
  }

  const always = (fault: Fault): ProxyPlan => () => fault;

  describe.each<[string, ErrorFault]>([
    ['ProvisionedThroughputExceededException', { status: 400, errorType: 'ProvisionedThroughputExceededException', message: UPSTREAM_MESSAGE }],
    ['ThrottlingException', { status: 400, errorType: 'ThrottlingException', message: UPSTREAM_MESSAGE }],
    ['RequestLimitExceeded', { status: 400, errorType: 'RequestLimitExceeded', message: UPSTREAM_MESSAGE }],
    ['InternalServerError (HTTP 500)', { status: 500, errorType: 'InternalServerError', message: UPSTREAM_MESSAGE }],
    ['ServiceUnavailable (HTTP 503)', { status: 503, errorType: 'ServiceUnavailable', message: UPSTREAM_MESSAGE }],
  ])('retriable: %s on every attempt (fault-injected endpoint)', (_name, fault) => {
    let outcome: Outcome;

    beforeAll(async () => {
      outcome = await postThroughProxy(always(fault));
    }, 20_000);

    it('answers 503 with Retry-After', () => {
      expect(outcome.result.statusCode).toBe(503);
      expect(outcome.result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
    });

    it('says only "retry later" and the request id: no upstream message, ARN or error name', () => {
      expect(parseErrorBody(outcome.result)).toEqual({
        message: 'Service temporarily unavailable, retry later',
        errors: [],
        requestId: REQUEST_ID,
      });
      expectNoInternals(outcome.result, UPSTREAM_MESSAGE, fault.errorType);
    });

    it(`gives up after exactly ${DYNAMODB_MAX_ATTEMPTS} attempts`, () => {
      expect(Object.values(outcome.requests).reduce((sum, count) => sum + count, 0)).toBe(DYNAMODB_MAX_ATTEMPTS);
    });

    it('writes neither the customer nor its email claim', () => {
      expect(outcome.itemsAfter).toBe(0);
    });

    it('logs exactly one ERROR JSON line naming the cause, without the customer data', () => {
      expect(outcome.logs).toEqual([
        expect.objectContaining({ level: 'ERROR', message: 'Request failed', status: 503, cause: fault.errorType, requestId: REQUEST_ID }),
      ]);
      expect(JSON.stringify(outcome.logs)).not.toContain(VALID_INPUT.email);
    });
  });

  // Not retriable, so 500 rather than 503: the SDK does not retry these 400s, and the key stays unusable until an
  // operator re-enables it or restores the grant (DynamoDB archives the table after 7 days without access), so a
  // Retry-After would only invite clients to hammer a request that cannot succeed. Operators get the KMS text in
  // the log; the client gets the generic 500.
  describe.each<[string, ErrorFault]>([
    ['KMS key access denied (AccessDeniedException)', KMS_ACCESS_DENIED],
    ['KMS key disabled (ValidationException)', KMS_DISABLED],
  ])('customer managed key unusable: %s (fault-injected endpoint)', (_name, fault) => {
    let outcome: Outcome;

    beforeAll(async () => {
      outcome = await postThroughProxy(always(fault));
    });

    it('answers a generic 500 without Retry-After', () => {
      expect(outcome.result.statusCode).toBe(500);
      expect(outcome.result.headers).not.toHaveProperty('Retry-After');
      expect(parseErrorBody(outcome.result)).toEqual({ message: 'Internal server error', errors: [], requestId: REQUEST_ID });
    });

    it('never echoes the KMS message, key ARN or error name', () => {
      expectNoInternals(outcome.result, 'KMS', KEY_ARN, 'AccessDenied', 'disabled', fault.errorType);
    });

    it('does not retry: exactly one attempt', () => {
      expect(outcome.requests).toEqual({ TransactWriteItems: 1 });
    });

    it('writes neither the customer nor its email claim', () => {
      expect(outcome.itemsAfter).toBe(0);
    });

    it('logs exactly one ERROR JSON line with the cause and the KMS detail for operators', () => {
      expect(outcome.logs).toEqual([
        expect.objectContaining({ level: 'ERROR', message: 'Request failed', status: 500, cause: fault.errorType, requestId: REQUEST_ID }),
      ]);
      expect(outcome.logs[0].error).toMatchObject({ name: fault.errorType, message: expect.stringContaining('KMS key') });
      expect(JSON.stringify(outcome.logs)).not.toContain(VALID_INPUT.email);
    });
  });

  describe('an endpoint that never responds, with the production timeouts (fault-injected endpoint)', () => {
    // Upper bound from the configuration: every attempt may use its whole connect + response timeout, and the SDK
    // sleeps before each retry for at most its largest backoff base (1 s, the throttling one) doubled per retry.
    const SDK_MAX_BACKOFF_BASE_MS = 1_000;
    const API_GATEWAY_INTEGRATION_TIMEOUT_MS = 29_000;
    const perAttemptMs = DEFAULT_TIMEOUTS.connectionTimeout + DEFAULT_TIMEOUTS.requestTimeout;
    const backoffMs = Array.from({ length: DYNAMODB_MAX_ATTEMPTS - 1 }, (_, retry) => SDK_MAX_BACKOFF_BASE_MS * 2 ** retry).reduce((a, b) => a + b, 0);
    const worstCaseMs = DYNAMODB_MAX_ATTEMPTS * perAttemptMs + backoffMs;
    let outcome: Outcome;

    beforeAll(async () => {
      outcome = await postThroughProxy(always('never-respond'));
    }, API_GATEWAY_INTEGRATION_TIMEOUT_MS + 5_000);

    it('is configured to finish inside API Gateway\'s 29 s integration timeout', () => {
      expect(worstCaseMs).toBeLessThan(API_GATEWAY_INTEGRATION_TIMEOUT_MS);
    });

    it(`makes exactly ${DYNAMODB_MAX_ATTEMPTS} attempts, each waiting out the request timeout, then stops`, () => {
      expect(outcome.requests).toEqual({ TransactWriteItems: DYNAMODB_MAX_ATTEMPTS });
      // Each attempt really waited for its timeout (so the bound above is the one that applies) ...
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(DYNAMODB_MAX_ATTEMPTS * DEFAULT_TIMEOUTS.requestTimeout - 50);
      // ... and the total stayed within the computed worst case (plus scheduling slack on a busy machine).
      expect(outcome.elapsedMs).toBeLessThan(worstCaseMs + 2_000);
    });

    it('answers 503 with Retry-After and no internals', () => {
      expect(outcome.result.statusCode).toBe(503);
      expect(outcome.result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
      expectNoInternals(outcome.result);
    });

    it('writes nothing and logs one ERROR line naming the timeout', () => {
      expect(outcome.itemsAfter).toBe(0);
      expect(outcome.logs).toEqual([expect.objectContaining({ level: 'ERROR', status: 503, cause: 'TimeoutError', requestId: REQUEST_ID })]);
    });
  });

  it(`recovers when DynamoDB throttles the first ${DYNAMODB_MAX_ATTEMPTS - 1} attempts: 201, the customer and its claim, no log line (fault-injected endpoint)`, async () => {
    const throttle: ErrorFault = { status: 400, errorType: 'ThrottlingException', message: UPSTREAM_MESSAGE };

    const outcome = await postThroughProxy((attempt) => (attempt < DYNAMODB_MAX_ATTEMPTS ? throttle : 'forward'));

    expect(outcome.result.statusCode).toBe(201);
    expect(outcome.requests).toEqual({ TransactWriteItems: DYNAMODB_MAX_ATTEMPTS });
    expect(outcome.itemsAfter).toBe(2);
    expect(outcome.logs).toEqual([]);
  }, 20_000);

  // The transaction carries a ClientRequestToken (the customer's id), so DynamoDB answers a retried copy of a
  // transaction it has already applied with success instead of failing its conditions: the client gets its 201.
  it('answers 201 when the first write lands but its response is lost (fault-injected endpoint)', async () => {
    const outcome = await postThroughProxy((attempt) => (attempt === 1 ? 'forward-then-drop' : 'forward'));

    expect(outcome.requests).toEqual({ TransactWriteItems: 2 });
    expect(outcome.result.statusCode).toBe(201);
    expect(outcome.itemsAfter).toBe(2);
  });

  it('answers 500 without naming the table when the table does not exist, and logs the cause once (MiniStack)', async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    const client = createDynamoDbClient();
    const handle = createHandler({
      client,
      tables: { customers: 'no-such-table', emails: 'no-such-table-2', idempotency: 'no-such-table-3' },
      logger: new Logger({ serviceName: 'customers-api' }),
      newId: () => '00000000-0000-4000-8000-000000000001',
      now: () => new Date('2024-05-01T12:00:00.000Z'),
    });

    const { result, lines } = await captureLogLines(() => handle(customersEvent())).finally(() => client.destroy());

    expect(result.statusCode).toBe(500);
    expectNoInternals(result, 'no-such-table', 'ResourceNotFound');
    expect(parseLogLines(lines)).toEqual([expect.objectContaining({ level: 'ERROR', status: 500, cause: 'ResourceNotFoundException' })]);
  });
});
