// `make openapi`: writes dist/openapi.json, an OpenAPI 3.0 document generated from the route list
// (service/src/routes.ts) and its zod schemas (service/request-schemas.ts): every route's operation and statuses,
// the error bodies, the API key scheme, the Idempotency-Key header, path parameter formats. Nothing is deployed or
// read from a deployment; `openApiDocument` is pure, so a test checks the document follows the routes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RETRY_AFTER_SECONDS, IDEMPOTENCY_KEY_HEADER } from './src/errors';
import { IDEMPOTENCY_KEY, MAX_BODY_BYTES } from './src/request';
import { MAX_RESPONSE_ERRORS } from './src/responses';
import { ROUTES, type DocumentedResponse, type Route } from './src/routes';
import { requestSchema, responseSchema, type JsonSchema } from './request-schemas';

export const OPENAPI_PATH = path.join(__dirname, '..', 'dist', 'openapi.json');
const API_KEY_SCHEME = 'apiKey';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** The handler's error body (service/src/responses.ts `failed`). */
const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An error answered by the function: what failed, and which field broke which rule.',
  required: ['message', 'errors', 'requestId'],
  additionalProperties: false,
  properties: {
    message: { type: 'string' },
    errors: {
      type: 'array',
      maxItems: MAX_RESPONSE_ERRORS,
      items: {
        type: 'object',
        required: ['field', 'rule'],
        additionalProperties: false,
        properties: { field: { type: 'string' }, rule: { type: 'string' } },
      },
    },
    errorCount: { type: 'integer', minimum: MAX_RESPONSE_ERRORS + 1, description: `Present when more than ${MAX_RESPONSE_ERRORS} rules were broken: how many.` },
    requestId: { type: 'string' },
  },
};

/** What API Gateway itself answers with (a missing key, a body the model refuses, throttling). */
const GATEWAY_ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An error answered by API Gateway before the function runs.',
  required: ['message'],
  properties: { message: { type: 'string' } },
};

const errorResponse = (description: string, schema: JsonSchema = ref('Error'), headers?: Record<string, unknown>) =>
  ({ description, content: json(schema), ...(headers && { headers }) });

/** The statuses every route can answer, besides its own (routes.ts `responses`). */
function sharedResponses(route: Route): Record<string, unknown> {
  return {
    400: errorResponse('The request is malformed: the errors name each field and rule (or API Gateway refused the body: "Invalid request body")', { anyOf: [ref('Error'), ref('GatewayError')] }),
    ...(route.apiKeyRequired && { 403: errorResponse('No API key, or not a valid one (answered by API Gateway)', ref('GatewayError')) }),
    429: errorResponse('Over the usage plan\'s rate or quota (answered by API Gateway)', ref('GatewayError')),
    500: errorResponse('An error of ours; nothing about it is in the body. Retrying will not help until it is fixed'),
    503: errorResponse('DynamoDB was unavailable or slow; nothing was written. Retry after the Retry-After seconds', ref('Error'), {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'string', example: RETRY_AFTER_SECONDS } },
    }),
  };
}

function routeResponse({ description, body, headers }: DocumentedResponse, schemas: Record<string, JsonSchema>): unknown {
  if (body) schemas[body.name] = responseSchema(body.schema);
  const headerObjects = headers && Object.fromEntries(Object.entries(headers).map(([name, meaning]) => [name, { description: meaning, schema: { type: 'string' } }]));
  return { description, content: json(ref(body?.name ?? 'Error')), ...(headerObjects && { headers: headerObjects }) };
}

const operationId = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

function operation(route: Route, schemas: Record<string, JsonSchema>): unknown {
  const { body, pathParameters, idempotencyKey } = route.request;
  const parameters: unknown[] = [];
  if (pathParameters) {
    const { properties = {} } = requestSchema(pathParameters) as { properties?: Record<string, JsonSchema> };
    for (const [name, schema] of Object.entries(properties)) parameters.push({ name, in: 'path', required: true, schema });
  }
  if (idempotencyKey) {
    parameters.push({
      name: IDEMPOTENCY_KEY_HEADER,
      in: 'header',
      required: false,
      description: 'Makes the request safe to retry: for 24 hours, the same key with the same body replays the first response; with another body it is a 422',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
    });
  }
  if (body) {
    // The model API Gateway checks: never stricter than the handler (request-schemas.ts), as negative tests need.
    const schema = requestSchema(body.schema);
    delete schema.$schema;
    schemas[body.model] = schema;
  }
  return {
    operationId: operationId(route.name),
    summary: route.summary,
    ...(route.apiKeyRequired ? { security: [{ [API_KEY_SCHEME]: [] }] } : { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(body && {
      requestBody: { required: true, description: `At most ${MAX_BODY_BYTES / 1024} KB of JSON`, content: json(ref(body.model)) },
    }),
    responses: {
      ...Object.fromEntries(Object.entries(route.responses).map(([status, response]) => [status, routeResponse(response, schemas)])),
      ...sharedResponses(route),
    },
  };
}

/** The OpenAPI 3.0 document of `routes`. */
export function openApiDocument(routes: readonly Route[] = ROUTES, version = '0.1.0'): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = { Error: ERROR_SCHEMA, GatewayError: GATEWAY_ERROR_SCHEMA };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, schemas) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Customers API',
      version,
      description: 'Generated from service/src/routes.ts by `make openapi`. Every route answers JSON; responses carry personal data and are never cached (Cache-Control: no-store).',
    },
    servers: [{
      url: '{stageUrl}',
      description: 'The deployed stage: `stage_url` in .state/<env>/outputs.json',
      variables: { stageUrl: { default: 'http://localhost:4566/_aws/execute-api/<api-id>/v1' } },
    }],
    paths,
    components: {
      securitySchemes: { [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The stage\'s API key: `make api-key`' } },
      schemas,
    },
  };
}

if (require.main === module) {
  const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  mkdirSync(path.dirname(OPENAPI_PATH), { recursive: true });
  writeFileSync(OPENAPI_PATH, `${JSON.stringify(openApiDocument(ROUTES, version), null, 2)}\n`);
  console.log(`openapi: ${path.relative(process.cwd(), OPENAPI_PATH)} (${ROUTES.length} routes)`);
}
