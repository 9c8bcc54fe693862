// The deployment's trigger is derived, not listed: whatever shapes a route (its method, path, schemas, key
// requirement, handler entry), changing it gives a new trigger, so the change reaches the stage.
import { maxLength, strictObject, string, uuid } from 'zod/mini';
import { createCustomerRoute, type Route } from '../service/src/routes';
import { SAMPLE_READ_ROUTE as read, SAMPLE_ROUTES as ROUTES } from '../service/test-support/routes';
import { only, synthProfile } from './test-support/synth';

const triggerOf = (routes: readonly Route[]): string =>
  (only(synthProfile({ DEPLOY_ENV: 'local' }, {}, routes).apiJson, 'aws_api_gateway_deployment').config.triggers as Record<string, string>).redeployment;

const withGet = (changes: Partial<Route>): Route[] => [createCustomerRoute, { ...read, ...changes }];
const withPost = (changes: Partial<Route>): Route[] => [{ ...createCustomerRoute, ...changes }, read];

describe('the deployment trigger', () => {
  let original: string;
  beforeAll(() => {
    original = triggerOf(ROUTES);
  });

  it('is the same for the same routes, synthesized again', () => {
    expect(triggerOf(ROUTES)).toBe(original);
  });

  it.each<[string, Route[]]>([
    ['a route\'s method', withGet({ method: 'DELETE' })],
    ['a route\'s path', withGet({ path: '/customers/{id}/profile' })],
    ['a path parameter\'s name', withGet({ path: '/customers/{customerId}', request: { pathParameters: strictObject({ customerId: uuid() }) } })],
    ['a path parameter\'s schema', withGet({ request: { pathParameters: strictObject({ id: string() }) } })],
    ['a body schema', withPost({ request: { ...createCustomerRoute.request, body: { model: 'CustomerInput', schema: strictObject({ firstname: string().check(maxLength(5)) }) } } })],
    ['a body model\'s name', withPost({ request: { ...createCustomerRoute.request, body: { ...createCustomerRoute.request.body!, model: 'NewCustomer' } } })],
    ['a route\'s API key requirement', withGet({ apiKeyRequired: false })],
    ['a route\'s handler entry', withGet({ handler: 'service/src/routes/read-other.ts' })],
    ['a route added', [...ROUTES, { ...read, name: 'delete-sample', method: 'DELETE' }]],
    ['a route removed', [createCustomerRoute]],
  ])('changes with %s', (_change, routes) => {
    expect(triggerOf(routes)).not.toBe(original);
  });
});
