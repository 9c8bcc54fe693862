import { strictObject, string } from 'zod/mini';
import { openApiDocument } from './openapi';
import { requestSchema } from './request-schemas';
import { createCustomerRoute, ROUTES, type Route } from './src/routes';
import { SAMPLE_READ_ROUTE as read, SAMPLE_ROUTES } from './test-support/routes';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading a generated document

const operationOf = (document: Json, route: Route): Json => document.paths[route.path][route.method.toLowerCase()];

/** Every `$ref` in the document, and whether it points at something. */
function references(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => references(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else references(value, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  const document: Json = openApiDocument(SAMPLE_ROUTES);
  const operationsOf = (doc: Json) => Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, op]) => `${method.toUpperCase()} ${path} ${(op as Json).operationId}`));

  it('is OpenAPI 3.0 with one operation per route, named after the route', () => {
    expect(document.openapi).toBe('3.0.3');
    expect(operationsOf(document).sort()).toEqual(['GET /customers/{id} readSample', 'POST /customers createCustomer']);
  });

  it('documents the kit\'s own route list by default (what make openapi writes)', () => {
    const camel = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
    expect(operationsOf(openApiDocument()).sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path} ${camel(route.name)}`).sort());
  });

  it('follows the route list: a route added there appears, with its method, path, statuses and parameters', () => {
    const deleteCustomer: Route = {
      ...read,
      name: 'delete-customer',
      method: 'DELETE',
      summary: 'Delete a customer',
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No customer has this id' } },
    };
    const grown: Json = openApiDocument([...SAMPLE_ROUTES, deleteCustomer]);

    const added = operationOf(grown, deleteCustomer);
    expect(added).toMatchObject({ operationId: 'deleteCustomer', summary: 'Delete a customer', security: [{ apiKey: [] }] });
    expect(Object.keys(added.responses)).toEqual(expect.arrayContaining(['204', '404', '400', '403', '429', '500', '503']));
    expect(added.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(operationOf(grown, read)).toEqual(operationOf(document, read));
  });

  it('documents each route\'s own statuses and those every route shares, with the error bodies', () => {
    expect(Object.keys(operationOf(document, createCustomerRoute).responses).sort()).toEqual(['201', '400', '403', '409', '413', '415', '422', '429', '500', '503']);
    expect(Object.keys(operationOf(document, read).responses).sort()).toEqual(['200', '400', '403', '404', '429', '500', '503']);
    expect(operationOf(document, read).responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(document.components.schemas.Error).toMatchObject({
      required: ['message', 'errors', 'requestId'],
      properties: { errors: { items: { required: ['field', 'rule'] } } },
    });
    expect(operationOf(document, createCustomerRoute).responses['201'].headers).toHaveProperty('Location');
    expect(operationOf(document, createCustomerRoute).responses['503'].headers).toHaveProperty('Retry-After');
  });

  it('requires the API key, sent as the x-api-key header, on every route that declares it', () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    for (const route of SAMPLE_ROUTES) expect(operationOf(document, route).security).toEqual([{ apiKey: [] }]);
    const open: Json = openApiDocument([{ ...read, apiKeyRequired: false }]);
    expect(operationOf(open, read).security).toEqual([]);
    expect(operationOf(open, read).responses).not.toHaveProperty('403');
  });

  it('takes the optional Idempotency-Key header on POST only, in the format the handler accepts', () => {
    expect(operationOf(document, createCustomerRoute).parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }),
    ]);
    expect(operationOf(document, read).parameters.map((parameter: Json) => parameter.name)).toEqual(['id']);
  });

  it('gives path parameters the format their zod schema states', () => {
    const [id] = operationOf(document, read).parameters;
    expect(id.schema).toMatchObject({ type: 'string', format: 'uuid' });
    const renamed: Json = openApiDocument([{ ...read, path: '/customers/{key}', request: { pathParameters: strictObject({ key: string() }) } }]);
    expect(renamed.paths['/customers/{key}'].get.parameters).toEqual([{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('describes the body with the gateway\'s model (never stricter than the handler), and the customer it returns', () => {
    const body = createCustomerRoute.request.body;
    const model = requestSchema(body?.schema ?? strictObject({}));
    delete model.$schema;
    expect(document.components.schemas.CustomerInput).toEqual(model);
    expect(document.components.schemas.Customer).toMatchObject({
      required: ['id', 'firstname', 'lastname', 'email', 'createdAt'],
      properties: { id: { format: 'uuid' }, createdAt: { format: 'date-time' } },
    });
  });

  it('has no dangling references', () => {
    const refs = references(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const target of refs) expect(document.components.schemas).toHaveProperty(target.replace('#/components/schemas/', ''));
  });
});
