import { relativeReference } from './location';

// The URL shapes a client calls POST /customers at, and where GET /customers/{id} is for each.
const SHAPES = [
  ['AWS, the stage invoke URL', 'https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com/v1'],
  ['AWS, a custom domain with base path mapping `api`', 'https://customers.example.com/api'],
  ['AWS, a custom domain mapped at its root', 'https://customers.example.com'],
  ['MiniStack and LocalStack 4.14, `_aws/execute-api`', 'http://localhost:4566/_aws/execute-api/1a2b3c4d/v1'],
  ['LocalStack 4.14, the legacy `restapis` path', 'http://localhost:4566/restapis/1a2b3c4d/v1/_user_request_'],
  ['LocalStack and MiniStack, the execute-api host name', 'http://1a2b3c4d.execute-api.localhost.localstack.cloud:4566/v1'],
] as const;
const ID = '3f2c8a9e-4b1d-4c6e-9f0a-7d5e3b2a1c0f';

describe('relativeReference', () => {
  it.each(SHAPES)('from POST /customers, resolves to GET /customers/{id} on %s', (_shape, base) => {
    const reference = relativeReference('/customers', `/customers/${ID}`);

    expect(new URL(reference, `${base}/customers`).href).toBe(`${base}/customers/${ID}`);
    expect(new URL(relativeReference('/customers/', `/customers/${ID}`), `${base}/customers/`).href).toBe(`${base}/customers/${ID}`);
  });

  it('is the shortest relative path, never an absolute one', () => {
    expect(relativeReference('/customers', `/customers/${ID}`)).toBe(`customers/${ID}`);
    expect(relativeReference('/customers/', `/customers/${ID}`)).toBe(ID);
    expect(relativeReference('/customers/a/b', '/orders/1')).toBe('../../orders/1');
  });

  it('keeps a first segment with a colon from reading as a URI scheme', () => {
    expect(relativeReference('/x', '/urn:1')).toBe('./urn:1');
  });
});
