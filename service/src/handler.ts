import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { buildCustomer, validateCustomer } from './customer';
import { classifyFailure, errorCode, type Failure } from './errors';
import { makeIdempotentCreate } from './idempotency';
import { putCustomer, type TableNames } from './repository';
import { readIdempotencyKey, readJsonObject } from './request';
import { created, failed } from './responses';

/** The two log levels the handler uses; Powertools' Logger satisfies it. */
export interface FailureLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
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
  const create = makeIdempotentCreate(
    async (input) => {
      const customer = buildCustomer(input, newId(), now());
      await putCustomer(client, tables, customer);
      return customer;
    },
    client,
    tables.idempotency,
  );
  return async (event, context) => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    try {
      const body = readJsonObject(event);
      const idempotencyKey = readIdempotencyKey(event);
      // Rejected requests never reach the idempotency store: only a valid request can claim a key.
      const customer = await create({ idempotencyKey, input: validateCustomer(body) }, context);
      return created(customer);
    } catch (error) {
      const failure = classifyFailure(error);
      logFailure(logger, failure, error, requestId);
      return failed(failure, requestId);
    }
  };
}

// One line per failure: status, cause name and rule names only; bodies and headers never reach the log.
function logFailure(logger: FailureLogger, failure: Failure, error: unknown, requestId: string): void {
  const { status, cause, errors } = failure;
  if (status < 500) {
    logger.warn('Request rejected', { status, cause, errors, requestId });
  } else if (status === 500) {
    // Unexpected: keep the details (message, stack) for operators; the client only sees a generic message.
    logger.error('Request failed', { status, cause, requestId, error });
  } else {
    logger.error('Request failed', { status, cause, code: errorCode(error), requestId });
  }
}
