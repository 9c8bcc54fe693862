import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { DEFAULT_TIMEOUTS, DYNAMODB_MAX_ATTEMPTS } from '../service/src/clients';
import { ROUTES, tableUses, type Route, type TableName } from '../service/src/routes';
import { TABLE_NAMES, TABLES } from '../service/src/tables';
import { PolicyStatement } from './policy-document';
import { named, only, ref, refById, refNamed, synthProfile, Synthesized, TerraformJson } from './test-support/synth';

setupJest();

const KMS_VIA_DYNAMODB = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
// A route that only reads gets what AWS CDK's grantReadData gives on a table's key: decrypt, describe.
const KMS_READ_VIA_DYNAMODB = ['kms:Decrypt', 'kms:DescribeKey'];
const READS = new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem']);
const writes = (route: Route) => tableUses(route).some(([, use]) => use.actions.some((action) => !READS.has(action)));
const kmsActionsOf = (route: Route) => (writes(route) ? KMS_VIA_DYNAMODB : KMS_READ_VIA_DYNAMODB);
// API Gateway's REST integration timeout: a slower Lambda answers the client 504 while it keeps running.
const API_GATEWAY_INTEGRATION_TIMEOUT_S = 29;
// Every attempt timing out on connect and on the response, plus a second for the SDK's backoff between attempts.
const DYNAMODB_WORST_CASE_S =
  (DYNAMODB_MAX_ATTEMPTS * (DEFAULT_TIMEOUTS.connectionTimeout + DEFAULT_TIMEOUTS.requestTimeout)) / 1000 + 1;
// The contract, plus <name>_table_name for every declared table beside DA_Serverless (emails, idempotency).
const OUTPUTS = [
  'api_id', 'api_key_parameter_name', 'api_url', 'db_name_parameter_name', 'function_names',
  'kms_key_arn', 'stage_name', 'stage_url', 'table_name', 'usage_plan_id',
  ...TABLE_NAMES.filter((name) => name !== 'customers').map((name) => `${name}_table_name`),
].sort();

// Where each table's name comes from: DA_Serverless (the db-name parameter's value) plus its suffix.
const TABLE_SUFFIXES = Object.fromEntries(TABLE_NAMES.map((name) => [name, TABLES[name].suffix])) as Record<TableName, string>;

interface PolicyDocument { Version: string; Statement: PolicyStatement[] }
const policyOf = (json: TerraformJson, type: string, attribute = 'policy'): PolicyDocument =>
  JSON.parse(only(json, type).config[attribute] as string) as PolicyDocument;
const parsePolicy = (config: Record<string, unknown>, attribute: string): PolicyDocument =>
  JSON.parse(config[attribute] as string) as PolicyDocument;
const asList = (value: readonly string[] | string | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

describe.each([
  ['local', { DEPLOY_ENV: 'local', EMULATOR_ENDPOINT: 'http://127.0.0.1:4599' }],
  ['aws', { DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-3' }],
])('api stack for the %s profile', (env, settings) => {
  let s: Synthesized;
  let json: TerraformJson;
  beforeAll(() => {
    s = synthProfile(settings);
    json = s.apiJson;
  });
  const prefix = `customers-api-${env}`;
  const functionNames = ROUTES.map((route) => `${prefix}-${route.name}`).sort();
  const accessLogGroup = `/aws/apigateway/${prefix}/access`;
  // The stack has several tables; DA_Serverless is the one named by the db-name parameter.
  const dbName = () => ref(json, 'aws_ssm_parameter', 'insecure_value', 'data');
  const customersTable = () => named(json, 'aws_dynamodb_table', dbName());
  const customersTableRef = (attribute: string) => refById('aws_dynamodb_table', customersTable().id, attribute);
  const rolePolicyOf = (roleName: string) => {
    const role = refNamed(json, 'aws_iam_role', roleName, 'name');
    const [entry] = Object.entries(json.resource.aws_iam_role_policy).filter(([, config]) => config.role === role);
    return { id: entry[0], config: entry[1] };
  };

  describe('storage', () => {
    it('reads the table name from the db-name SSM parameter as a plain (insecure) value', () => {
      expect(s.api).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: `/customers-api/${env}/db-name` });
      expect(only(json, 'aws_ssm_parameter', 'data').config).not.toHaveProperty('with_decryption', true);
    });

    it('names the table from that parameter, keys it by id (S) only, bills per request and keeps PITR on', () => {
      expect(s.api).toHaveResourceWithProperties(DynamodbTable, {
        name: ref(json, 'aws_ssm_parameter', 'insecure_value', 'data'),
        hash_key: 'id',
        attribute: [{ name: 'id', type: 'S' }],
        billing_mode: 'PAY_PER_REQUEST',
        point_in_time_recovery: { enabled: true },
      });
      expect(customersTable().config).not.toHaveProperty('range_key');
    });

    it('encrypts the table with our own KMS key', () => {
      expect(customersTable().config.server_side_encryption).toEqual({
        enabled: true,
        kms_key_arn: ref(json, 'aws_kms_key', 'arn'),
      });
    });

    it('protects the table from deletion only on real AWS', () => {
      expect(customersTable().config.deletion_protection_enabled).toBe(env === 'aws');
    });

    it('rotates the key only on AWS (an emulator never rotates) and aliases it per env (deletion window: kms-key.test.ts)', () => {
      expect(s.api).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: env === 'aws' });
      expect(s.api).toHaveResourceWithProperties(KmsAlias, {
        name: `alias/${prefix}`,
        target_key_id: ref(json, 'aws_kms_key', 'key_id'),
      });
    });
  });

  describe('key policy', () => {
    let statements: PolicyStatement[];
    beforeAll(() => {
      statements = policyOf(json, 'aws_kms_key').Statement;
    });

    it('delegates administration to IAM in the deploying account (root of the caller identity)', () => {
      const account = ref(json, 'aws_caller_identity', 'account_id', 'data');
      const partition = ref(json, 'aws_partition', 'partition', 'data');
      expect(statements).toContainEqual(expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      }));
    });

    it('lets only the routes\' Lambda roles use the key, only through DynamoDB in this region: the data-key actions for writers, decrypt for readers', () => {
      const roleStatements = statements.filter((st) => JSON.stringify(st.Principal).includes('aws_iam_role.'));
      const roleArn = (route: Route) => refNamed(json, 'aws_iam_role', `${prefix}-${route.name}`, 'arn');
      for (const route of ROUTES) {
        const granting = roleStatements.filter((st) => asList(st.Principal?.AWS).includes(roleArn(route)));
        expect(granting).toHaveLength(1);
        expect([...asList(granting[0].Action)].sort()).toEqual([...kmsActionsOf(route)].sort());
      }
      expect(roleStatements.flatMap((st) => asList(st.Principal?.AWS)).sort()).toEqual(ROUTES.map(roleArn).sort());
      for (const role of roleStatements) {
        expect(role.Condition).toEqual({ StringEquals: { 'kms:ViaService': `dynamodb.${s.profile.region}.amazonaws.com` } });
      }
      // root, the deployer's three (kms-key.test.ts), one per kind of role user (writers, readers), CloudWatch Logs; on
      // aws CloudWatch alarms (alarms.test.ts)
      expect(statements).toHaveLength(4 + new Set(ROUTES.map(writes)).size + 1 + (s.profile.alarms ? 1 : 0));
    });

    it('lets CloudWatch Logs in this region use the key only for our log groups: one per route, and the access log', () => {
      const account = ref(json, 'aws_caller_identity', 'account_id', 'data');
      const partition = ref(json, 'aws_partition', 'partition', 'data');
      const arnOf = (name: string) => `arn:${partition}:logs:${s.profile.region}:${account}:log-group:${name}`;
      const logs = statements.filter((st) => st.Principal?.Service !== undefined && st.Sid !== 'CloudWatchAlarmsPublishToOwnTopic');
      expect(logs).toEqual([{
        Sid: 'CloudWatchLogsEncryptsOwnLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${s.profile.region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': [...functionNames.map((name) => arnOf(`/aws/lambda/${name}`)), arnOf(accessLogGroup)] } },
      }]);
    });
  });

  it('has one function and one role per route, named <prefix>-<route>, and no others', () => {
    expect(Object.values(json.resource.aws_lambda_function).map((fn) => fn.function_name).sort()).toEqual(functionNames);
    const roles = Object.values(json.resource.aws_iam_role).map((role) => role.name).filter((name) => name !== `${prefix}-api-gateway-logs`);
    expect(roles.sort()).toEqual(functionNames);
  });

  const tableArn = (suffix: string) => refById('aws_dynamodb_table', named(json, 'aws_dynamodb_table', `${dbName()}${suffix}`).id, 'arn');

  describe.each(ROUTES.map((route) => [route.name, route] as const))('function for %s', (name, route) => {
    const functionName = `${prefix}-${name}`;
    const { method } = route;
    const sourcePath = route.path.slice(1).replace(/\{[^}]+\}/g, '*');
    const declared = tableUses(route);
    // 2 log actions, the declared DynamoDB actions, the KMS actions through DynamoDB (one key for every table).
    const actionCount = 2 + declared.reduce((sum, [, use]) => sum + use.actions.length, 0) + (declared.length > 0 ? kmsActionsOf(route).length : 0);
    const lambdaLogGroup = `/aws/lambda/${functionName}`;
    const lambdaRoleArn = () => refNamed(json, 'aws_iam_role', functionName, 'arn');
    const lambda = () => named(json, 'aws_lambda_function', functionName);
    const lambdaRef = (attribute: string) => refById('aws_lambda_function', lambda().id, attribute);
    const integration = () => Object.values(json.resource.aws_api_gateway_integration).find((config) => config.uri === lambdaRef('invoke_arn')) as Record<string, unknown>;

    it('runs index.handler from the bundle on nodejs24.x, x86_64, 256 MB', () => {
      expect(s.api).toHaveResourceWithProperties(LambdaFunction, {
        function_name: functionName,
        runtime: 'nodejs24.x',
        handler: 'index.handler',
        memory_size: 256,
        // Graviton on AWS; the emulators run the bundle on this x86-64 host.
        architectures: [env === 'aws' ? 'arm64' : 'x86_64'],
        role: lambdaRoleArn(),
      });
    });

    it('outlasts the DynamoDB client\'s worst case (so the handler answers 503 itself) and ends before API Gateway gives up', () => {
      const timeout = lambda().config.timeout as number;
      expect(timeout).toBeGreaterThanOrEqual(DYNAMODB_WORST_CASE_S);
      expect(timeout).toBeLessThan(API_GATEWAY_INTEGRATION_TIMEOUT_S);
    });

    it('gets DB_NAME straight from the SSM data source, only the tables its route uses named after it, the service name and log level', () => {
      expect(lambda().config.environment).toEqual({
        variables: {
          ...Object.fromEntries(declared.map(([table, use]) => [use.variable, `${dbName()}${TABLE_SUFFIXES[table]}`])),
          POWERTOOLS_SERVICE_NAME: 'customers-api',
          LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      });
    });

    it('creates its own log group, with the profile retention and encrypted with our key, before the route to the function exists', () => {
      expect(s.api).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: lambdaLogGroup,
        retention_in_days: s.profile.logRetentionDays,
        kms_key_id: ref(json, 'aws_kms_key', 'arn'),
      });
      const logGroup = named(json, 'aws_cloudwatch_log_group', lambdaLogGroup).id;
      const rolePolicy = rolePolicyOf(functionName).id;
      expect(integration().depends_on).toEqual(expect.arrayContaining([
        `aws_cloudwatch_log_group.${logGroup}`,
        `aws_iam_role_policy.${rolePolicy}`,
      ]));
    });

    it('waits for nothing that waits for the key, so it is created while the key is (its log group and policy gate the route)', () => {
      const fn = lambda().config;
      expect(fn.depends_on).toBeUndefined();
      expect(JSON.stringify(fn)).not.toMatch(/aws_(kms_key|dynamodb_table|iam_role_policy|cloudwatch_log_group)\./);
    });

    it('can be assumed by the Lambda service only', () => {
      expect(parsePolicy(named(json, 'aws_iam_role', functionName).config, 'assume_role_policy').Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    });

    it(`may invoke only from API Gateway, for ${method} /${sourcePath} on this API`, () => {
      const permissions = Object.values(json.resource.aws_lambda_permission).filter((config) => config.function_name === lambdaRef('function_name'));
      expect(permissions).toEqual([expect.objectContaining({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        source_arn: `${ref(json, 'aws_api_gateway_rest_api', 'execution_arn')}/*/${method}/${sourcePath}`,
      })]);
    });

    describe('role policy (least privilege)', () => {
      let statements: PolicyStatement[];
      beforeAll(() => {
        const policy = rolePolicyOf(functionName).config;
        expect(policy.name).toBe('least-privilege');
        statements = JSON.parse(policy.policy as string).Statement;
      });
      const grantsOn = (resource: string) =>
        statements.filter((st) => asList(st.Resource).includes(resource)).flatMap((st) => asList(st.Action)).sort();

      it('writes logs only to its own log group', () => {
        expect(grantsOn(`${refNamed(json, 'aws_cloudwatch_log_group', lambdaLogGroup, 'arn')}:*`)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      });

      // Each route's own test pins what it declares (GET: GetItem on the customers table alone).
      it('may do on each table exactly what its route declares, and nothing on the tables it does not use', () => {
        for (const [table, suffix] of Object.entries(TABLE_SUFFIXES) as [TableName, string][]) {
          expect(grantsOn(tableArn(suffix))).toEqual([...(route.tables[table]?.actions ?? [])].sort());
        }
      });

      it(`may use only this key, only through DynamoDB, ${writes(route) ? 'for the data-key actions (it writes)' : 'to decrypt (it only reads)'}`, () => {
        const key = ref(json, 'aws_kms_key', 'arn');
        expect(grantsOn(key)).toEqual([...kmsActionsOf(route)].sort());
        const keyStatement = statements.find((st) => asList(st.Resource).includes(key));
        expect(keyStatement?.Condition).toEqual({ StringEquals: { 'kms:ViaService': `dynamodb.${s.profile.region}.amazonaws.com` } });
      });

      it('grants nothing else: no wildcard resources, no service-wide actions', () => {
        // X-Ray's SendTraces on aws (alarms.test.ts): its actions have no resource-level permissions.
        const untraced = statements.filter((st) => st.Sid !== 'SendTraces');
        expect(untraced).toHaveLength(statements.length - (s.profile.tracing ? 1 : 0));
        const actions = untraced.flatMap((st) => asList(st.Action));
        expect(actions).toHaveLength(actionCount);
        expect(actions.filter((a) => a.endsWith('*'))).toEqual(writes(route) ? ['kms:GenerateDataKey*'] : []);
        expect(actions).not.toContain('dynamodb:*');
        expect(untraced.flatMap((st) => asList(st.Resource)).every((r) => r !== '*' && r.startsWith('${'))).toBe(true);
        expect(statements.every((st) => st.Effect === 'Allow' && st.Principal === undefined)).toBe(true);
      });
    });
  });

  describe('API', () => {
    it('is a regional REST API named after the env, replaced create-before-destroy', () => {
      expect(s.api).toHaveResourceWithProperties(ApiGatewayRestApi, {
        name: prefix,
        endpoint_configuration: { types: ['REGIONAL'] },
        lifecycle: { create_before_destroy: true },
      });
    });

    // Each resource's full path, from its parents: what the methods hang on.
    const resourcePaths = () => {
      const resources = json.resource.aws_api_gateway_resource;
      const pathOf = (id: string): string => {
        const { parent_id: parent, path_part: part } = resources[id] as { parent_id: string; path_part: string };
        const parentId = /^\$\{aws_api_gateway_resource\.([^.]+)\.id\}$/.exec(parent)?.[1];
        return `${parentId ? pathOf(parentId) : ''}/${part}`;
      };
      return Object.fromEntries(Object.keys(resources).map((id) => [pathOf(id), id]));
    };

    it('makes each path prefix of the routes once, each under its parent\'s resource (the first under the root)', () => {
      const prefixes = new Set(ROUTES.flatMap(({ path }) => path.split('/').filter(Boolean).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)));
      const byPath = resourcePaths();
      expect(Object.keys(byPath).sort()).toEqual([...prefixes].sort());
      for (const [path, id] of Object.entries(byPath)) {
        const parentPath = path.slice(0, path.lastIndexOf('/'));
        expect(json.resource.aws_api_gateway_resource[id]).toMatchObject({
          rest_api_id: ref(json, 'aws_api_gateway_rest_api', 'id'),
          path_part: path.slice(path.lastIndexOf('/') + 1),
          parent_id: parentPath ? refById('aws_api_gateway_resource', byPath[parentPath], 'id') : ref(json, 'aws_api_gateway_rest_api', 'root_resource_id'),
        });
      }
    });

    it.each(ROUTES.map((route) => [route.method, route.path, route.name] as const))('routes %s %s, API key required, no authorizer, Lambda proxy to the %s function', (method, path, route) => {
      const resourceId = refById('aws_api_gateway_resource', resourcePaths()[path], 'id');
      expect(s.api).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: resourceId,
        http_method: method,
        authorization: 'NONE',
        api_key_required: true,
      });
      expect(s.api).toHaveResourceWithProperties(ApiGatewayIntegration, {
        resource_id: resourceId,
        type: 'AWS_PROXY',
        integration_http_method: 'POST',
        uri: refNamed(json, 'aws_lambda_function', `${prefix}-${route}`, 'invoke_arn'),
      });
    });

    it('has one method and one integration per route, and no others', () => {
      expect(Object.values(json.resource.aws_api_gateway_method)).toHaveLength(ROUTES.length);
      expect(Object.values(json.resource.aws_api_gateway_integration)).toHaveLength(ROUTES.length);
    });

    it('redeploys when anything that shapes the API changes (deployment-trigger.test.ts), creating the new deployment first', () => {
      const deployment = only(json, 'aws_api_gateway_deployment').config;
      expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
      const trigger = (deployment.triggers as Record<string, string>).redeployment;
      expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\["[0-9a-f]{64}", .*\]\)\)\}$/);
      // The apply-time values it hashes too: a replaced resource's id, a function's ARN.
      for (const id of Object.keys(json.resource.aws_api_gateway_resource)) expect(trigger).toContain(`aws_api_gateway_resource.${id}.id`);
      for (const id of Object.keys(json.resource.aws_lambda_function)) expect(trigger).toContain(`aws_lambda_function.${id}.invoke_arn`);
      const model = `aws_api_gateway_model.${only(json, 'aws_api_gateway_model').id}`;
      // The schema as configured (in the digest), never the model's attribute, which refresh reads back reformatted.
      expect(trigger).not.toContain(`${model}.schema`);
      // Created after every method, integration and permission it snapshots.
      expect(deployment.depends_on).toEqual(expect.arrayContaining([
        ...Object.keys(json.resource.aws_api_gateway_method).map((id) => `aws_api_gateway_method.${id}`),
        ...Object.keys(json.resource.aws_api_gateway_integration).map((id) => `aws_api_gateway_integration.${id}`),
      ]));
    });

    it('serves stage v1 from that deployment, traced on aws only, without execution/data-trace logging', () => {
      expect(s.api).toHaveResourceWithProperties(ApiGatewayStage, {
        stage_name: 'v1',
        deployment_id: ref(json, 'aws_api_gateway_deployment', 'id'),
        xray_tracing_enabled: s.profile.tracing,
      });
      expect(json.resource).not.toHaveProperty('aws_api_gateway_method_settings');
    });

    it('meters the stage through a usage plan with the profile throttle and quota, bound to the enabled key', () => {
      const limits = s.profile.usagePlan;
      expect(s.api).toHaveResourceWithProperties(ApiGatewayApiKey, { enabled: true });
      expect(s.api).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
        api_stages: [{ api_id: ref(json, 'aws_api_gateway_rest_api', 'id'), stage: ref(json, 'aws_api_gateway_stage', 'stage_name') }],
        throttle_settings: { burst_limit: limits.burstLimit, rate_limit: limits.rateLimit },
        quota_settings: { limit: limits.quotaLimit, period: limits.quotaPeriod },
      });
      expect(s.api).toHaveResourceWithProperties(ApiGatewayUsagePlanKey, {
        key_id: ref(json, 'aws_api_gateway_api_key', 'id'),
        key_type: 'API_KEY',
        usage_plan_id: ref(json, 'aws_api_gateway_usage_plan', 'id'),
      });
    });

    it('generates the API key value inside Terraform, so no secret is in the synth output, and keeps it stable', () => {
      const apiKey = only(json, 'aws_api_gateway_api_key').config;
      expect(apiKey.value).toBe('${join("", [replace(uuid(), "-", ""), replace(uuid(), "-", "")])}');
      expect(apiKey.lifecycle).toEqual({ ignore_changes: ['value'] });
    });

    it('stores the API key value as a SecureString encrypted with our key', () => {
      expect(s.api).toHaveResourceWithProperties(SsmParameter, {
        name: `/customers-api/${env}/api-key`,
        type: 'SecureString',
        key_id: ref(json, 'aws_kms_key', 'arn'),
        value: ref(json, 'aws_api_gateway_api_key', 'value'),
      });
    });
  });

  describe('request validation', () => {
    const validatorNamed = (name: string) => named(json, 'aws_api_gateway_request_validator', name);

    it('validates the body of POST /customers against the CustomerInput model for application/json', () => {
      expect(s.api).toHaveResourceWithProperties(ApiGatewayMethod, {
        http_method: 'POST',
        request_validator_id: refById('aws_api_gateway_request_validator', validatorNamed('body').id, 'id'),
        request_models: { 'application/json': ref(json, 'aws_api_gateway_model', 'name') },
      });
      expect(validatorNamed('body').config).toMatchObject({
        rest_api_id: ref(json, 'aws_api_gateway_rest_api', 'id'),
        validate_request_body: true,
        validate_request_parameters: false,
      });
      expect(only(json, 'aws_api_gateway_model').config).toMatchObject({
        rest_api_id: ref(json, 'aws_api_gateway_rest_api', 'id'),
        name: 'CustomerInput',
        content_type: 'application/json',
      });
    });

    // A loop, not it.each: a kit may declare no such route.
    for (const route of ROUTES.filter(({ request }) => request.pathParameters && !request.body)) {
      it(`requires the path parameters of ${route.method} ${route.path} (their format is the handler's to check)`, () => {
        const method = route.method;
        const names = Object.keys(route.request.pathParameters?._zod.def.shape ?? {});
        expect(s.api).toHaveResourceWithProperties(ApiGatewayMethod, {
          http_method: method,
          request_validator_id: refById('aws_api_gateway_request_validator', validatorNamed('parameters').id, 'id'),
          request_parameters: Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true])),
        });
        expect(validatorNamed('parameters').config).toMatchObject({ validate_request_body: false, validate_request_parameters: true });
      });
    }

    it('models an object of exactly firstname, lastname and email: non-empty strings (the handler trims, then limits lengths)', () => {
      const schema = JSON.parse(only(json, 'aws_api_gateway_model').config.schema as string);
      expect(schema).toEqual({
        $schema: 'http://json-schema.org/draft-04/schema#',
        title: 'CustomerInput',
        type: 'object',
        required: ['firstname', 'lastname', 'email'],
        additionalProperties: false,
        properties: {
          firstname: { type: 'string', minLength: 1 },
          lastname: { type: 'string', minLength: 1 },
          email: { type: 'string', minLength: 1 },
        },
      });
      // No maximum (a value may fit only once trimmed), no pattern or format: the handler trims and checks e-mail
      // syntax, and must stay the one to say which rule failed (request-schemas.test.ts runs the hostile corpus).
      expect(JSON.stringify(schema)).not.toMatch(/"(pattern|format|maxLength)"/);
    });
  });

  describe('access logs', () => {
    let stage: Record<string, unknown>;
    let fields: Record<string, string>;
    beforeAll(() => {
      stage = only(json, 'aws_api_gateway_stage').config;
      fields = JSON.parse((stage.access_log_settings as { format: string }).format);
    });

    it('sends the stage\'s access log to its own log group, kept 14 days and encrypted with our key', () => {
      expect((stage.access_log_settings as { destination_arn: string }).destination_arn)
        .toBe(refNamed(json, 'aws_cloudwatch_log_group', accessLogGroup, 'arn'));
      expect(named(json, 'aws_cloudwatch_log_group', accessLogGroup).config).toMatchObject({
        retention_in_days: 14,
        kms_key_id: ref(json, 'aws_kms_key', 'arn'),
      });
    });

    it('writes one JSON object per request with the request id, caller, route, status and timing', () => {
      expect(fields).toEqual({
        requestId: '$context.requestId',
        requestTime: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        apiKeyId: '$context.identity.apiKeyId',
        httpMethod: '$context.httpMethod',
        resourcePath: '$context.resourcePath',
        protocol: '$context.protocol',
        status: '$context.status',
        responseLength: '$context.responseLength',
        responseLatency: '$context.responseLatency',
        errorType: '$context.error.responseType',
      });
    });

    it('never logs the API key value, a body, headers or validation messages (which can quote the body)', () => {
      const values = Object.values(fields);
      expect(values.every((value) => /^\$context\.[A-Za-z.]+$/.test(value))).toBe(true);
      expect(values).not.toContain('$context.identity.apiKey');
      expect(values.join(' ')).not.toMatch(/\$input|body|header|validationErrorString/i);
    });
  });

  describe('API Gateway account logging role', () => {
    const managed = env === 'local';

    it(managed ? 'is created here on the emulator, and the stage waits for it' : 'is a prerequisite on AWS, not created here', () => {
      const accounts = Object.values(json.resource.aws_api_gateway_account ?? {});
      expect(accounts).toHaveLength(managed ? 1 : 0);
      const dependsOn = only(json, 'aws_api_gateway_stage').config.depends_on;
      if (!managed) {
        expect(dependsOn).toBeUndefined();
        return;
      }
      const roleName = `${prefix}-api-gateway-logs`;
      expect(accounts[0].cloudwatch_role_arn).toBe(refNamed(json, 'aws_iam_role', roleName, 'arn'));
      expect(dependsOn).toEqual([`aws_api_gateway_account.${only(json, 'aws_api_gateway_account').id}`]);
      expect(parsePolicy(named(json, 'aws_iam_role', roleName).config, 'assume_role_policy').Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const push = named(json, 'aws_iam_role_policy', 'push-to-cloudwatch-logs').config;
      expect(push.role).toBe(refNamed(json, 'aws_iam_role', roleName, 'name'));
      expect(parsePolicy(push, 'policy').Statement.flatMap((st) => asList(st.Action)).every((a) => a.startsWith('logs:'))).toBe(true);
    });
  });

  describe('outputs', () => {
    it('are exactly the contract names', () => {
      expect(Object.keys(json.output).sort()).toEqual(s.profile.alarms ? ['alarm_topic_arn', ...OUTPUTS] : OUTPUTS);
    });

    it('never expose the API key value', () => {
      const keyValue = ref(json, 'aws_api_gateway_api_key', 'value');
      for (const { value } of Object.values(json.output)) expect(JSON.stringify(value)).not.toContain(keyValue);
      expect(JSON.stringify(json.output)).not.toMatch(/aws_api_gateway_api_key\.[^.]+\.value/);
    });

    it('point at the deployed resources and parameters', () => {
      expect(json.output).toMatchObject({
        api_id: { value: ref(json, 'aws_api_gateway_rest_api', 'id') },
        stage_name: { value: ref(json, 'aws_api_gateway_stage', 'stage_name') },
        api_key_parameter_name: { value: ref(json, 'aws_ssm_parameter', 'name') },
        db_name_parameter_name: { value: `/customers-api/${env}/db-name` },
        table_name: { value: customersTableRef('name') },
        kms_key_arn: { value: ref(json, 'aws_kms_key', 'arn') },
        function_names: {
          value: Object.fromEntries(ROUTES.map(({ name }) => [name, refNamed(json, 'aws_lambda_function', `${prefix}-${name}`, 'function_name')])),
        },
        usage_plan_id: { value: ref(json, 'aws_api_gateway_usage_plan', 'id') },
      });
    });
  });

  it('prefixes every name it chooses with customers-api-<env>', () => {
    const types = ['aws_api_gateway_rest_api', 'aws_api_gateway_api_key', 'aws_api_gateway_usage_plan', 'aws_iam_role', 'aws_lambda_function'];
    for (const type of types) {
      const configs = Object.values(json.resource[type]);
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) expect(String(config.name ?? config.function_name)).toMatch(new RegExp(`^${prefix}`));
    }
  });
});

describe('API Gateway account logging role on AWS', () => {
  it('is created by the stack only when API_GATEWAY_LOGS_ROLE=managed', () => {
    const { apiJson: json } = synthProfile({ DEPLOY_ENV: 'aws', API_GATEWAY_LOGS_ROLE: 'managed' });
    expect(only(json, 'aws_api_gateway_account').config.cloudwatch_role_arn)
      .toBe(refNamed(json, 'aws_iam_role', 'customers-api-aws-api-gateway-logs', 'arn'));
  });
});

describe('api_url output', () => {
  it('for local is the emulator execute-api path of the stage, ending /customers', () => {
    const { apiJson: json } = synthProfile({ DEPLOY_ENV: 'local', EMULATOR_ENDPOINT: 'http://127.0.0.1:4599/' });
    expect(json.output.api_url.value).toBe(
      `http://127.0.0.1:4599/_aws/execute-api/${ref(json, 'aws_api_gateway_rest_api', 'id')}/${ref(json, 'aws_api_gateway_stage', 'stage_name')}/customers`,
    );
  });

  it('for aws is the stage invoke URL plus /customers', () => {
    const { apiJson: json } = synthProfile({ DEPLOY_ENV: 'aws' });
    expect(json.output.api_url.value).toBe(`${ref(json, 'aws_api_gateway_stage', 'invoke_url')}/customers`);
  });

  it.each(['local', 'aws'])('for %s is stage_url plus /customers: every route\'s URL is stage_url plus its path', (env) => {
    const { apiJson: json } = synthProfile({ DEPLOY_ENV: env });
    expect(json.output.api_url.value).toBe(`${json.output.stage_url.value as string}/customers`);
  });
});
