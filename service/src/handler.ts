import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { buildCustomer, validateCustomer } from './customer';
import { budgetMs, Deadline } from './deadline';
import { classifyFailure, errorCode, type Failure } from './errors';
import { idempotentCreate } from './idempotency';
import { saveCustomer, type IdempotencyRecord, type TableNames } from './repository';
import { readIdempotencyKey, readJsonObject } from './request';
import { created, failed } from './responses';

/** What the handler needs of a logger; Powertools' Logger satisfies it. */
export interface FailureLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
  /** Adds the invocation's request id and cold start to every line (Powertools' Logger.addContext). */
  addContext?(context: Context): void;
}

export interface HandlerDependencies {
  client: DynamoDBClient;
  tables: TableNames;
  logger: FailureLogger;
  newId: () => string;
  now: () => Date;
}

export type CustomersHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

export function createHandler({ client, tables, logger, newId, now }: HandlerDependencies): CustomersHandler {
  return async (event, context) => {
    if (context) logger.addContext?.(context);
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    const deadline = new Deadline(budgetMs(context));
    try {
      const body = readJsonObject(event);
      const idempotencyKey = readIdempotencyKey(event);
      const input = validateCustomer(body);
      const startedAt = now();
      // With a key the id is derived from it, so the response (and the record that replays it) is known up front.
      const keyed = idempotencyKey === undefined ? undefined : idempotentCreate(event.requestContext?.identity?.apiKeyId ?? undefined, idempotencyKey, input);
      const customer = buildCustomer(input, keyed?.customerId ?? newId(), startedAt);
      const response = created(customer);
      const record: IdempotencyRecord | undefined = keyed && { ...keyed, response, nowSeconds: Math.floor(startedAt.getTime() / 1000) };
      const outcome = await saveCustomer({ client, tables, deadline }, customer, record);
      return outcome.kind === 'replayed' ? outcome.response : response;
    } catch (error) {
      const failure = classifyFailure(error);
      logFailure(logger, failure, error, requestId);
      return failed(failure, requestId);
    } finally {
      deadline.clear();
    }
  };
}

// One line per failure: status, cause name, and for rejections the rule names with counts. Field names can be
// client text (an unknown field may be an email address), and bodies and headers never reach the log.
function logFailure(logger: FailureLogger, failure: Failure, error: unknown, requestId: string): void {
  const { status, cause, errors } = failure;
  if (status < 500) {
    const rules: Record<string, number> = {};
    for (const { rule } of errors) rules[rule] = (rules[rule] ?? 0) + 1;
    logger.warn('Request rejected', { status, cause, rules, requestId });
  } else if (status === 500) {
    // Unexpected: keep the details (message, stack) for operators; the client only sees a generic message.
    logger.error('Request failed', { status, cause, requestId, error });
  } else {
    logger.error('Request failed', { status, cause, code: errorCode(error), requestId });
  }
}
