import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Route } from '../src/routes';

export const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

export const VALID_INPUT = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' };

/** A REST API (v1) proxy event for POST /customers, as API Gateway sends it; override any part. */
export function customersEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/customers',
    path: '/customers',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-api-key': 'fixture-api-key-never-logged' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(VALID_INPUT),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: '/dev/customers',
      stage: 'dev',
      requestId: REQUEST_ID,
      requestTimeEpoch: 1_700_000_000_000,
      resourceId: 'res123',
      resourcePath: '/customers',
    },
    ...overrides,
  };
}

export const jsonEvent = (body: unknown, overrides: Partial<APIGatewayProxyEvent> = {}) =>
  customersEvent({ body: JSON.stringify(body), ...overrides });

export const base64Event = (text: string | Buffer, overrides: Partial<APIGatewayProxyEvent> = {}) =>
  customersEvent({ body: Buffer.from(text).toString('base64'), isBase64Encoded: true, ...overrides });

/** The Lambda context the runtime passes: the handler takes its deadline from the remaining time. */
export const LAMBDA_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'customers-api-local-create-customer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:customers-api-local-create-customer',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/customers-api-local-create-customer',
  logStreamName: '2024/05/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 15_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/**
 * A REST API (v1) proxy event for any declared route, as API Gateway sends it (no body; pass one, or
 * `pathParameters`, in `overrides`): `routeEvent(getCustomerRoute, { pathParameters: { id } })`.
 */
export function routeEvent(route: Route, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const base = customersEvent();
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => overrides.pathParameters?.[name] ?? name);
  return {
    ...base,
    resource: route.path,
    path,
    httpMethod: route.method,
    headers: { 'x-api-key': 'fixture-api-key-never-logged' },
    body: null,
    requestContext: { ...base.requestContext, httpMethod: route.method, path: `/dev${path}`, resourcePath: route.path },
    ...overrides,
  };
}
