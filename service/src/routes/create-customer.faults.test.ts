import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { createDynamoDbClient, DYNAMODB_MAX_ATTEMPTS } from '../clients';
import { DEADLINE_MARGIN_MS } from '../deadline';
import { RETRY_AFTER_SECONDS } from '../errors';
import { createHandler } from './create-customer';
import type { TableNames } from '../repository';
import { countItems, createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../../test-support/dynamodb';
import { LAMBDA_CONTEXT, REQUEST_ID, VALID_INPUT, customersEvent } from '../../test-support/events';
import type { ErrorFault, Fault } from '../../test-support/fault-endpoint';
import { startFaultProxy, type FaultProxy, type ProxyPlan } from '../../test-support/fault-proxy';
import { captureLogLines, parseLogLines } from '../../test-support/log-capture';
import { expectNoInternals, parseErrorBody } from '../../test-support/responses';

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
  async function postThroughProxy(plan: ProxyPlan, context: Context = LAMBDA_CONTEXT): Promise<Outcome> {
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
      const { result, lines } = await captureLogLines(() => handle(customersEvent(), context));
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

  // One deadline for the whole request: min(the invocation's remaining time, API Gateway's 29 s) minus a margin.
  describe('an endpoint that never responds: 503 at the deadline, before Lambda would kill the function (fault-injected endpoint)', () => {
    const REMAINING_MS = 5_000;
    const deadlineMs = REMAINING_MS - DEADLINE_MARGIN_MS;
    let outcome: Outcome;

    beforeAll(async () => {
      outcome = await postThroughProxy(always('never-respond'), { ...LAMBDA_CONTEXT, getRemainingTimeInMillis: () => REMAINING_MS });
    }, 15_000);

    it('answers when the deadline passes, not later and not much earlier', () => {
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(deadlineMs - 50);
      expect(outcome.elapsedMs).toBeLessThan(deadlineMs + 1_000);
    });

    it('retried inside the deadline: the first attempt timed out and a second was under way', () => {
      expect(outcome.requests).toEqual({ TransactWriteItems: 2 });
    });

    it('answers 503 with Retry-After and no internals', () => {
      expect(outcome.result.statusCode).toBe(503);
      expect(outcome.result.headers).toMatchObject({ 'Retry-After': RETRY_AFTER_SECONDS });
      expectNoInternals(outcome.result);
    });

    it('writes nothing and logs one ERROR line naming the deadline', () => {
      expect(outcome.itemsAfter).toBe(0);
      expect(outcome.logs).toEqual([expect.objectContaining({ level: 'ERROR', status: 503, cause: 'DeadlineExceeded', requestId: REQUEST_ID })]);
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

  // The SDK's retry carries the same ClientRequestToken, so DynamoDB answers a retried copy of a transaction it has
  // already applied with success instead of failing its conditions: the client gets its 201.
  it('answers 201 when the first write lands but its response is lost (fault-injected endpoint)', async () => {
    const outcome = await postThroughProxy((attempt) => (attempt === 1 ? 'forward-then-drop' : 'forward'));

    expect(outcome.requests).toEqual({ TransactWriteItems: 2 });
    expect(outcome.result.statusCode).toBe(201);
    expect(outcome.itemsAfter).toBe(2);
  });

  // The first invocation's write lands but its response is lost, and its retry hangs until the deadline, so the
  // client gets a 503 and retries with its Idempotency-Key: that transaction is cancelled on the key's record, which
  // holds the original 201.
  it('a keyed create whose response is lost: the client\'s retry gets the original 201 (fault-injected proxy)', async () => {
    // Prepare
    const tables = await createTestTables(direct);
    let invocation = 1;
    const proxy = await startFaultProxy(testDynamoDbEndpoint(), (attempt) => {
      if (invocation > 1) return 'forward';
      return attempt === 1 ? 'forward-then-drop' : 'never-respond';
    });
    useDynamoDbEndpoint(proxy.endpoint);
    const client = createDynamoDbClient();
    let clock = new Date('2024-05-01T12:00:00.000Z');
    const handle = createHandler({ client, tables, logger: new Logger({ logLevel: 'SILENT' }), newId: () => 'unused', now: () => clock });
    const event = customersEvent({ headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'lost-response-1' } });

    try {
      // Act
      const lost = await handle(event, { ...LAMBDA_CONTEXT, getRemainingTimeInMillis: () => 3_000 });
      invocation = 2;
      clock = new Date('2024-05-01T12:00:05.000Z');
      const retried = await handle(event, LAMBDA_CONTEXT);

      // Assess: the first answer was a retryable failure; the retry is the 201 of the write that landed first.
      expect(lost.statusCode).toBe(503);
      expect(retried.statusCode).toBe(201);
      expect(JSON.parse(retried.body)).toMatchObject({ createdAt: '2024-05-01T12:00:00.000Z' });
      expect(await itemsIn(tables)).toBe(2);
      await expect(countItems(direct, tables.idempotency)).resolves.toBe(1);
      await expect(handle(event, LAMBDA_CONTEXT)).resolves.toEqual(retried);
    } finally {
      client.destroy();
      await proxy.stop();
    }
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
