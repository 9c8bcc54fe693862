import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from './clients';
import { loadConfig } from './config';
import type { ApiHandler, HandlerDependencies } from './route-handler';
import type { Route, TableName } from './routes';

/**
 * A route's Lambda handler, made at module scope of the entry service/build.ts generates for each route, so it runs
 * once per container: the config is checked at cold start and the client's connections are reused.
 */
export function lambdaHandler<T extends TableName>(route: Route<T>, createHandler: (dependencies: HandlerDependencies<T>) => ApiHandler): ApiHandler {
  return createHandler({
    client: createDynamoDbClient(),
    tables: loadConfig(route).tables,
    // Service name and level come from POWERTOOLS_SERVICE_NAME and LOG_LEVEL, set by the deployment.
    logger: new Logger(),
    newId: randomUUID,
    now: () => new Date(),
  });
}
