import { RequestRejected } from './errors';
import { allowedMethods, guardRoute, matchRequest, resolveRoute } from './router';
import { createCustomerRoute, getCustomerRoute, ROUTES, type Route } from './routes';

function rejectionOf(run: () => unknown): RequestRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestRejected) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('the router, built from the route list', () => {
  it('resolves each declared method and resource template to its route', () => {
    expect(resolveRoute('POST', '/customers')).toBe(createCustomerRoute);
    expect(resolveRoute('GET', '/customers/{id}')).toBe(getCustomerRoute);
  });

  it('answers 404 naming the path for a resource no route declares', () => {
    expect(rejectionOf(() => resolveRoute('GET', '/orders'))).toMatchObject({ status: 404, errors: [{ field: 'path', rule: 'route' }] });
  });

  it.each([
    ['GET', '/customers', 'POST'],
    ['PATCH', '/customers', 'POST'],
    ['DELETE', '/customers/{id}', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', (method, resource, allow) => {
    expect(rejectionOf(() => resolveRoute(method, resource))).toMatchObject({
      status: 405,
      errors: [{ field: 'method', rule: 'allowed_methods' }],
      headers: { Allow: allow },
    });
  });

  it('lists every method the routes declare on a path in Allow, so a new route extends it', () => {
    const routes: Route[] = [...ROUTES, { ...getCustomerRoute, name: 'delete-customer', method: 'DELETE' }];
    expect(allowedMethods('/customers/{id}', routes)).toEqual(['DELETE', 'GET']);
    expect(rejectionOf(() => resolveRoute('PUT', '/customers/{id}', routes)).headers).toEqual({ Allow: 'DELETE, GET' });
  });

  describe('as a function\'s guard', () => {
    it('lets its own route through', () => {
      expect(() => guardRoute(getCustomerRoute, { httpMethod: 'GET', resource: '/customers/{id}' })).not.toThrow();
    });

    // A custom domain with base path mapping `api` sends path /api/customers; the resource stays /customers.
    it('routes on the resource, so a request through a custom domain base path is accepted', () => {
      expect(() => guardRoute(createCustomerRoute, { httpMethod: 'POST', resource: '/customers', path: '/api/customers' } as never)).not.toThrow();
    });

    it('refuses another route\'s event with 404, as API Gateway should never send it', () => {
      expect(rejectionOf(() => guardRoute(createCustomerRoute, { httpMethod: 'GET', resource: '/customers/{id}' })).status).toBe(404);
    });

    it('answers a wrong method on its own resource with 405', () => {
      expect(rejectionOf(() => guardRoute(createCustomerRoute, { httpMethod: 'PUT', resource: '/customers' })).status).toBe(405);
    });
  });

  describe('matching a concrete path (a local process dispatching raw requests)', () => {
    it('fills path parameters, decoded as API Gateway passes them', () => {
      expect(matchRequest('GET', '/customers/a%20b')).toEqual({ route: getCustomerRoute, resource: '/customers/{id}', pathParameters: { id: 'a b' } });
      expect(matchRequest('POST', '/customers/')).toEqual({ route: createCustomerRoute, resource: '/customers', pathParameters: null });
    });

    it('prefers a literal segment over a parameter, as API Gateway does', () => {
      const me: Route = { ...getCustomerRoute, name: 'get-me', path: '/customers/me' };
      expect(matchRequest('GET', '/customers/me', [...ROUTES, me]).route).toBe(me);
    });

    it('answers 404 for an unknown path and 405 for an undeclared method', () => {
      expect(rejectionOf(() => matchRequest('GET', '/customers/1/orders')).status).toBe(404);
      expect(rejectionOf(() => matchRequest('DELETE', '/customers/1')).headers).toEqual({ Allow: 'GET' });
    });
  });
});
