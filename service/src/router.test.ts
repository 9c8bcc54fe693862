import { RequestRejected } from './errors';
import { allowedMethods, guardRoute, itemReadRoute, matchRequest, resolveRoute } from './router';
import { createCustomerRoute, ROUTES, type Route } from './routes';
import { SAMPLE_READ_ROUTE as read, SAMPLE_ROUTES as routes } from '../test-support/routes';

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
    expect(resolveRoute('POST', '/customers', routes)).toBe(createCustomerRoute);
    expect(resolveRoute('GET', '/customers/{id}', routes)).toBe(read);
    for (const route of ROUTES) expect(resolveRoute(route.method, route.path)).toBe(route);
  });

  it('answers 404 naming the path for a resource no route declares', () => {
    expect(rejectionOf(() => resolveRoute('GET', '/orders', routes))).toMatchObject({ status: 404, errors: [{ field: 'path', rule: 'route' }] });
  });

  it.each([
    ['GET', '/customers', 'POST'],
    ['PATCH', '/customers', 'POST'],
    ['DELETE', '/customers/{id}', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', (method, resource, allow) => {
    expect(rejectionOf(() => resolveRoute(method, resource, routes))).toMatchObject({
      status: 405,
      errors: [{ field: 'method', rule: 'allowed_methods' }],
      headers: { Allow: allow },
    });
  });

  it('lists every method the routes declare on a path in Allow, so a new route extends it', () => {
    const grown: Route[] = [...routes, { ...read, name: 'delete-sample', method: 'DELETE' }];
    expect(allowedMethods('/customers/{id}', grown)).toEqual(['DELETE', 'GET']);
    expect(rejectionOf(() => resolveRoute('PUT', '/customers/{id}', grown)).headers).toEqual({ Allow: 'DELETE, GET' });
  });

  describe('as a function\'s guard', () => {
    it('lets its own route through', () => {
      expect(() => guardRoute(read, { httpMethod: 'GET', resource: '/customers/{id}' }, routes)).not.toThrow();
    });

    // A custom domain with base path mapping `api` sends path /api/customers; the resource stays /customers.
    it('routes on the resource, so a request through a custom domain base path is accepted', () => {
      expect(() => guardRoute(createCustomerRoute, { httpMethod: 'POST', resource: '/customers', path: '/api/customers' } as never)).not.toThrow();
    });

    it('refuses another route\'s event with 404, as API Gateway should never send it', () => {
      expect(rejectionOf(() => guardRoute(createCustomerRoute, { httpMethod: 'GET', resource: '/customers/{id}' }, routes)).status).toBe(404);
    });

    it('answers a wrong method on its own resource with 405', () => {
      expect(rejectionOf(() => guardRoute(createCustomerRoute, { httpMethod: 'PUT', resource: '/customers' }, routes)).status).toBe(405);
    });
  });

  describe('matching a concrete path (a local process dispatching raw requests)', () => {
    it('fills path parameters, decoded as API Gateway passes them', () => {
      expect(matchRequest('GET', '/customers/a%20b', routes)).toEqual({ route: read, resource: '/customers/{id}', pathParameters: { id: 'a b' } });
      expect(matchRequest('POST', '/customers/', routes)).toEqual({ route: createCustomerRoute, resource: '/customers', pathParameters: null });
    });

    it('prefers a literal segment over a parameter, as API Gateway does', () => {
      const me: Route = { ...read, name: 'read-me', path: '/customers/me' };
      expect(matchRequest('GET', '/customers/me', [...routes, me]).route).toBe(me);
    });

    it('answers 404 for an unknown path and 405 for an undeclared method', () => {
      expect(rejectionOf(() => matchRequest('GET', '/customers/1/orders', routes)).status).toBe(404);
      expect(rejectionOf(() => matchRequest('DELETE', '/customers/1', routes)).headers).toEqual({ Allow: 'GET' });
    });
  });

  describe('the read route of a collection (a 201\'s Location)', () => {
    it('is the GET on the collection\'s path plus one parameter', () => {
      expect(itemReadRoute(createCustomerRoute, routes)).toBe(read);
    });

    it('is none when the list declares no such GET: not a deeper path, not another method', () => {
      expect(itemReadRoute(createCustomerRoute, [createCustomerRoute])).toBeUndefined();
      expect(itemReadRoute(createCustomerRoute, [createCustomerRoute, { ...read, path: '/customers/{id}/orders' }])).toBeUndefined();
      expect(itemReadRoute(createCustomerRoute, [createCustomerRoute, { ...read, method: 'DELETE' }])).toBeUndefined();
      expect(itemReadRoute(createCustomerRoute, [createCustomerRoute, { ...read, path: '/customersx/{id}' }])).toBeUndefined();
    });
  });
});
