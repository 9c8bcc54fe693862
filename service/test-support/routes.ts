import { strictObject, uuid } from 'zod/mini';
import { createCustomerRoute, type Route } from '../src/routes';

/**
 * Route lists for the tests of the kit's machinery (router, OpenAPI, deployment trigger): a read route under the
 * create route's collection, declared here so those tests hold whatever routes the kit itself declares.
 */
export const SAMPLE_READ_ROUTE: Route = {
  name: 'read-sample',
  method: 'GET',
  path: `${createCustomerRoute.path}/{id}`,
  handler: 'service/src/routes/read-sample.ts',
  summary: 'Read a sample',
  apiKeyRequired: true,
  tables: { customers: { variable: 'DB_NAME', actions: ['dynamodb:GetItem'] } },
  request: { pathParameters: strictObject({ id: uuid() }) },
  responses: { 200: { description: 'Found' }, 404: { description: 'No such id' } },
};

export const SAMPLE_ROUTES: readonly Route[] = [createCustomerRoute, SAMPLE_READ_ROUTE];
