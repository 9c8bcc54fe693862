import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient } from './clients';
import { loadConfig } from './config';
import { createHandler } from './handler';

// Module scope runs once per container: config is checked at cold start and the client's connections are reused.
const config = loadConfig();

export const handler = createHandler({
  client: createDynamoDbClient(),
  tables: config.tables,
  // Service name and level come from POWERTOOLS_SERVICE_NAME and LOG_LEVEL, set by the deployment.
  logger: new Logger(),
  newId: randomUUID,
  now: () => new Date(),
});
