// What every route's handler shares: the invocation's context on every log line, the request's deadline, the route
// guard, and the one place a failure becomes a response and a log line. A route supplies only its own work.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { budgetMs, Deadline } from './deadline';
import { classifyFailure, errorCode, type Failure } from './errors';
import { failed } from './responses';
import { guardRoute } from './router';
import type { Route, TableName } from './routes';

/** What the handler needs of a logger; Powertools' Logger satisfies it. */
export interface FailureLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
  /** Adds the invocation's request id and cold start to every line (Powertools' Logger.addContext). */
  addContext?(context: Context): void;
}

/** Everything a route's handler is built from (service/src/lambda-entry.ts wires the real ones). */
export interface HandlerDependencies<T extends TableName = TableName> {
  client: DynamoDBClient;
  /** The name of each table the route declares. */
  tables: Record<T, string>;
  logger: FailureLogger;
  newId: () => string;
  now: () => Date;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/** A route's own work: validate, act, map to a response. Throw to fail (errors.ts classifies). */
export type RouteWork = (event: APIGatewayProxyEvent, deadline: Deadline) => Promise<APIGatewayProxyResult>;

export function routeHandler(route: Route, logger: FailureLogger, work: RouteWork): ApiHandler {
  return async (event, context) => {
    if (context) logger.addContext?.(context);
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    const deadline = new Deadline(budgetMs(context));
    try {
      guardRoute(route, event);
      return await work(event, deadline);
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
