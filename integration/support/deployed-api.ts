// The end-to-end assertions on a deployed stack, shared by the host-emulator suite (e2e.test.ts) and the
// testcontainers suite (testcontainers.test.ts). Each `it` checks one promise the README or docs/api.md makes.
import { randomUUID } from 'node:crypto';
import {
  GetMethodCommand,
  GetRequestValidatorCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  GetUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeTableCommand, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetFunctionCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { countItems } from '../../scripts/lib/scan-table';
import { itemReadRoute } from '../../service/src/router';
import { createCustomerRoute, ROUTES, type Route } from '../../service/src/routes';
import { AwsClients, awsClients } from './aws-clients';
import { describeDeployedCorpus } from './deployed-corpus';
import { describeDeployedIdempotency } from './deployed-idempotency';
import { StackOutputs } from './stack';

export interface DeployedApi {
  endpoint: string;
  outputs: StackOutputs;
}

export const seedCustomer = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' };

export function postCustomer(api: DeployedApi, body: string, apiKey?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers['x-api-key'] = apiKey;
  return fetch(api.outputs.api_url, { method: 'POST', headers, body });
}

/** GET a URL of the deployed API (a followed Location, or stage_url + a path). */
export function getFrom(url: string, apiKey?: string): Promise<Response> {
  return fetch(url, { headers: apiKey ? { 'x-api-key': apiKey } : {} });
}

/** What the shared assertion groups need: the deployed stack, clients for its emulator or account, the API key. */
export interface DeployedContext {
  api: DeployedApi;
  clients: AwsClients;
  apiKey: string;
}

export function describeDeployedApi(getApi: () => DeployedApi): void {
  let api: DeployedApi;
  let clients: AwsClients;
  let apiKey: string;

  beforeAll(async () => {
    api = getApi();
    clients = awsClients(api.endpoint);
    const { Parameter } = await clients.ssm.send(
      new GetParameterCommand({ Name: api.outputs.api_key_parameter_name, WithDecryption: true }),
    );
    expect(Parameter?.Type).toBe('SecureString');
    apiKey = Parameter?.Value ?? '';
    expect(apiKey.length).toBeGreaterThanOrEqual(20);
  });

  // Its Location is followed in the test below.
  it('creates a customer with the API key: 201, and the item reads back field for field', async () => {
    const response = await postCustomer(api, JSON.stringify(seedCustomer), apiKey);
    expect(response.status).toBe(201);
    const created = (await response.json()) as Record<string, string>;
    expect(created).toEqual({ ...seedCustomer, id: expect.any(String), createdAt: expect.any(String) });

    const { Item } = await clients.dynamodb.send(
      new GetItemCommand({ TableName: api.outputs.table_name, Key: { id: { S: created.id } } }),
    );
    expect(Item).toEqual({
      id: { S: created.id },
      firstname: { S: seedCustomer.firstname },
      lastname: { S: seedCustomer.lastname },
      email: { S: seedCustomer.email },
      createdAt: { S: created.createdAt },
    });
  });

  // The README's call POSTs to `make url` (api_url); the Location resolves against that URL, stage and emulator
  // prefix included, to the route list's GET /customers/{id} (router.ts itemReadRoute; a loop: a kit may have none).
  for (const read of [itemReadRoute(createCustomerRoute)].filter((route) => route !== undefined)) {
    it(`follows the 201's Location from the URL make url prints to ${read.method} ${read.path}, which returns the same customer`, async () => {
      const created = await postCustomer(api, JSON.stringify({ ...seedCustomer, email: `follow-${randomUUID()}@example.com` }), apiKey);
      expect(created.status).toBe(201);
      const createdBody = await created.text();
      const { id } = JSON.parse(createdBody) as { id: string };
      const location = new URL(created.headers.get('location') ?? '', api.outputs.api_url);
      expect(location.href).toBe(`${api.outputs.stage_url}${read.path.replace(/\{\w+\}/, id)}`);

      const response = await getFrom(location.href, apiKey);

      expect(response.status).toBe(200);
      expect(await response.text()).toBe(createdBody);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  }

  // Every route with path parameters and no body, from its declaration: a 2 KB parameter is refused by its
  // validation before DynamoDB is asked, and one nobody has gets the 404 the route documents.
  const parameterRoutes = ROUTES.filter((route) => route.request.pathParameters && !route.request.body);
  const urlOf = (route: Route, value: string) => `${api.outputs.stage_url}${route.path.replace(/\{\w+\}/g, value)}`;
  const parameterNames = (route: Route) => Object.keys(route.request.pathParameters?._zod.def.shape ?? {});

  // Loops, not it.each: a kit may declare no such route.
  for (const route of parameterRoutes) {
    it(`answers ${route.method} ${route.path} with a 2 KB path parameter with 400 naming it, never a DynamoDB error`, async () => {
      const response = await fetch(urlOf(route, 'a'.repeat(2048)), { method: route.method, headers: { 'x-api-key': apiKey } });

      expect(response.status).toBe(400);
      const body = await response.text();
      const parsed = JSON.parse(body) as { message: string; errors: { field: string }[] };
      expect(parsed.message).toBe('Validation failed');
      expect(parsed.errors.map(({ field }) => field)).toEqual(expect.arrayContaining(parameterNames(route)));
      expect(body).not.toMatch(/arn:aws|ValidationException|dynamodb/i);
    });
  }

  for (const route of parameterRoutes.filter(({ responses }) => responses[404])) {
    it(`answers ${route.method} ${route.path} for an id nobody has with 404 and the error body naming it`, async () => {
      const response = await fetch(urlOf(route, randomUUID()), { method: route.method, headers: { 'x-api-key': apiKey } });

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Not found', errors: parameterNames(route).map((field) => ({ field, rule: 'exists' })) });
    });
  }

  // Every declared route, with its path parameters filled by a well-formed id and a valid body where it takes one.
  it.each(ROUTES.map((route) => [route.method, route.path, route] as const))('refuses %s %s without the API key with 403, before its function runs', async (_method, _path, route) => {
    const body = route.request.body ? JSON.stringify({ ...seedCustomer, email: `nokey-${randomUUID()}@example.com` }) : undefined;

    const response = await fetch(urlOf(route, randomUUID()), { method: route.method, headers: { 'content-type': 'application/json' }, body });

    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(seedCustomer.lastname);
  });

  it('stores the table encrypted with the stack\'s own KMS key', async () => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: api.outputs.table_name }));
    expect(Table?.TableName).toBe('DA_Serverless');
    expect(Table?.SSEDescription).toMatchObject({
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: api.outputs.kms_key_arn,
    });
  });

  it('gives every route\'s function the DB_NAME held in SSM', async () => {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: api.outputs.db_name_parameter_name }));
    expect(Parameter?.Value).toBe('DA_Serverless');
    expect(Object.keys(api.outputs.function_names).sort()).toEqual(ROUTES.map(({ name }) => name).sort());
    for (const FunctionName of Object.values(api.outputs.function_names)) {
      const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
      expect(config.Environment?.Variables?.DB_NAME).toBe(Parameter?.Value);
      expect(config.Runtime).toBe('nodejs24.x');
    }
  });

  it('requires an API key on every route, and binds the key to the stage through the usage plan', async () => {
    for (const route of ROUTES) {
      const method = await clients.apiGateway.send(
        new GetMethodCommand({ restApiId: api.outputs.api_id, resourceId: await resourceId(route.path), httpMethod: route.method }),
      );
      expect(method.apiKeyRequired).toBe(true);
    }
    const plan = await clients.apiGateway.send(new GetUsagePlanCommand({ usagePlanId: api.outputs.usage_plan_id }));
    expect(plan.apiStages).toEqual([expect.objectContaining({ apiId: api.outputs.api_id, stage: api.outputs.stage_name })]);
  });

  // AWS, LocalStack 4.14 and MiniStack 1.5.33 all enforce keys on apiKeyRequired methods.
  it('refuses a POST without the API key with 403 and writes nothing', async () => {
    const before = await countItems(clients.dynamodb, api.outputs.table_name);
    const response = await postCustomer(api, JSON.stringify(seedCustomer));
    expect(response.status).toBe(403);
    expect(await countItems(clients.dynamodb, api.outputs.table_name)).toBe(before);
  });

  it.each([
    { name: 'malformed JSON', body: '{"firstname":', status: 400 },
    { name: 'a missing email', body: JSON.stringify({ firstname: 'A', lastname: 'B' }), status: 400 },
    { name: 'a client-sent id', body: JSON.stringify({ ...seedCustomer, id: 'x' }), status: 400 },
    { name: 'an email without a domain', body: JSON.stringify({ ...seedCustomer, email: 'ada@' }), status: 400 },
  ])('rejects $name with $status and writes nothing', async ({ body, status }) => {
    const before = await countItems(clients.dynamodb, api.outputs.table_name);
    const response = await postCustomer(api, body, apiKey);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toMatch(/arn:aws|at .*\.js:\d+/);
    expect(await countItems(clients.dynamodb, api.outputs.table_name)).toBe(before);
  });

  // AWS and MiniStack 1.5.33 apply the method's request validator before the integration; the handler never
  // answers "Invalid request body", so the message shows who refused.
  it('refuses a body the model rejects at the gateway with 400, before the Lambda runs', async () => {
    const before = await countItems(clients.dynamodb, api.outputs.table_name);
    const response = await postCustomer(api, JSON.stringify({ ...seedCustomer, firstname: 42 }), apiKey);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'Invalid request body' });
    expect(await countItems(clients.dynamodb, api.outputs.table_name)).toBe(before);
  });

  it('configures the body validator and model on POST /customers, and an access log format without the key value or bodies', async () => {
    const restApiId = api.outputs.api_id;
    const method = await clients.apiGateway.send(
      new GetMethodCommand({ restApiId, resourceId: await resourceId('/customers'), httpMethod: 'POST' }),
    );
    expect(method.requestModels).toEqual({ 'application/json': 'CustomerInput' });
    const validator = await clients.apiGateway.send(
      new GetRequestValidatorCommand({ restApiId, requestValidatorId: method.requestValidatorId }),
    );
    expect(validator.validateRequestBody).toBe(true);
    const stage = await clients.apiGateway.send(new GetStageCommand({ restApiId, stageName: api.outputs.stage_name }));
    expect(stage.accessLogSettings?.destinationArn).toMatch(/:log-group:\/aws\/apigateway\/customers-api-[a-z0-9-]+\/access$/);
    expect(Object.keys(JSON.parse(stage.accessLogSettings?.format ?? '{}'))).toContain('requestId');
    expect(stage.accessLogSettings?.format).not.toMatch(/\$context\.identity\.apiKey"|\$input|validationErrorString/);
  });

  describeDeployedIdempotency(() => ({ api, clients, apiKey }));

  describeDeployedCorpus(() => ({ api, clients, apiKey }));

  async function resourceId(path: string): Promise<string> {
    const { items } = await clients.apiGateway.send(new GetResourcesCommand({ restApiId: api.outputs.api_id }));
    const resource = items?.find((item) => item.path === path);
    if (!resource?.id) throw new Error(`no ${path} resource on the deployed API`);
    return resource.id;
  }
}

/** After destroy: the table, functions, API and key are gone (a KMS key can only be scheduled for deletion). */
export async function expectStackGone(endpoint: string, outputs: StackOutputs): Promise<void> {
  const clients = awsClients(endpoint);
  await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName: outputs.table_name }))).rejects.toBeInstanceOf(
    ResourceNotFoundException,
  );
  for (const FunctionName of Object.values(outputs.function_names)) {
    await expect(clients.lambda.send(new GetFunctionCommand({ FunctionName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  }
  await expect(clients.apiGateway.send(new GetRestApiCommand({ restApiId: outputs.api_id }))).rejects.toMatchObject({
    name: 'NotFoundException',
  });
  const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: outputs.kms_key_arn }));
  expect(KeyMetadata?.KeyState).toBe('PendingDeletion');
}
