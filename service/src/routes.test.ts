import { ROUTES } from './routes';

// Names and paths become AWS names and API Gateway resources: what both accept, once each.
describe('the route list', () => {
  it('names each route once, in lowercase letters, digits and dashes, short enough for <namePrefix>-<name> (64)', () => {
    const names = ROUTES.map(({ name }) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(`customers-api-local-${name}`.length).toBeLessThanOrEqual(64);
    }
  });

  it('declares each method and path once, paths as API Gateway resource paths', () => {
    const keys = ROUTES.map(({ method, path }) => `${method} ${path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const { path } of ROUTES) expect(path).toMatch(/^(\/([A-Za-z0-9._-]+|\{\w+\}))+$/);
  });

  it('declares a schema for exactly the path parameters its path has', () => {
    for (const { path, request } of ROUTES) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
      expect(Object.keys(request.pathParameters?._zod.def.shape ?? {}).sort()).toEqual(inPath);
    }
  });
});
