import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
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
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { PolicyStatement } from './policy-document';
import { named, only, ref, refById, synthProfile, Synthesized, TerraformJson } from './test-support/synth';

setupJest();

const KMS_VIA_DYNAMODB = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const OUTPUTS = [
  'api_id', 'api_key_parameter_name', 'api_url', 'db_name_parameter_name', 'emails_table_name', 'function_name',
  'idempotency_table_name',
  'kms_key_arn', 'stage_name', 'table_name', 'usage_plan_id',
];

interface PolicyDocument { Version: string; Statement: PolicyStatement[] }
const policyOf = (json: TerraformJson, type: string, attribute = 'policy'): PolicyDocument =>
  JSON.parse(only(json, type).config[attribute] as string) as PolicyDocument;
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
  const functionName = `${prefix}-create-customer`;
  // The stack has several tables; DA_Serverless is the one named by the db-name parameter.
  const dbName = () => ref(json, 'aws_ssm_parameter', 'insecure_value', 'data');
  const customersTable = () => named(json, 'aws_dynamodb_table', dbName());
  const customersTableRef = (attribute: string) => refById('aws_dynamodb_table', customersTable().id, attribute);

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

    it('rotates the key, waits 7 days before deleting it and aliases it per env', () => {
      expect(s.api).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 7 });
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

    it('lets only the Lambda role use the key, only for the data-key actions and only through DynamoDB in this region', () => {
      const roleStatements = statements.filter((st) => JSON.stringify(st.Principal).includes('aws_iam_role.'));
      expect(roleStatements).toHaveLength(1);
      const [role] = roleStatements;
      expect(role.Principal).toEqual({ AWS: [ref(json, 'aws_iam_role', 'arn')] });
      expect([...asList(role.Action)].sort()).toEqual([...KMS_VIA_DYNAMODB].sort());
      expect(role.Condition).toEqual({ StringEquals: { 'kms:ViaService': `dynamodb.${s.profile.region}.amazonaws.com` } });
      expect(statements).toHaveLength(2);
    });
  });

  describe('function', () => {
    it('runs index.handler from the bundle on nodejs22.x, x86_64, 256 MB, 10 s', () => {
      expect(s.api).toHaveResourceWithProperties(LambdaFunction, {
        function_name: functionName,
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        memory_size: 256,
        timeout: 15,
        architectures: ['x86_64'],
        role: ref(json, 'aws_iam_role', 'arn'),
      });
    });

    it('gets DB_NAME straight from the SSM data source, the tables named after it, the service name and log level', () => {
      expect(only(json, 'aws_lambda_function').config.environment).toEqual({
        variables: {
          DB_NAME: dbName(),
          EMAILS_TABLE_NAME: `${dbName()}_emails`,
          IDEMPOTENCY_TABLE_NAME: `${dbName()}_idempotency`,
          POWERTOOLS_SERVICE_NAME: 'customers-api',
          LOG_LEVEL: 'INFO',
        },
      });
    });

    it('creates its own log group with the profile retention before the function exists', () => {
      expect(s.api).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/lambda/${functionName}`,
        retention_in_days: s.profile.logRetentionDays,
      });
      expect(s.profile.logRetentionDays).toBe(14);
      const logGroup = only(json, 'aws_cloudwatch_log_group').id;
      const rolePolicy = only(json, 'aws_iam_role_policy').id;
      expect(only(json, 'aws_lambda_function').config.depends_on).toEqual(expect.arrayContaining([
        `aws_cloudwatch_log_group.${logGroup}`,
        `aws_iam_role_policy.${rolePolicy}`,
      ]));
    });

    it('can be assumed by the Lambda service only', () => {
      expect(policyOf(json, 'aws_iam_role', 'assume_role_policy').Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(only(json, 'aws_iam_role').config.name).toBe(functionName);
    });

    it('may invoke only from API Gateway, for POST /customers on this API', () => {
      expect(s.api).toHaveResourceWithProperties(LambdaPermission, {
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: ref(json, 'aws_lambda_function', 'function_name'),
        source_arn: `${ref(json, 'aws_api_gateway_rest_api', 'execution_arn')}/*/POST/customers`,
      });
    });
  });

  describe('role policy (least privilege)', () => {
    let statements: PolicyStatement[];
    beforeAll(() => {
      const policy = only(json, 'aws_iam_role_policy').config;
      expect(policy.role).toBe(ref(json, 'aws_iam_role', 'name'));
      statements = JSON.parse(policy.policy as string).Statement;
    });
    const grantsOn = (resource: string) =>
      statements.filter((st) => asList(st.Resource).includes(resource)).flatMap((st) => asList(st.Action)).sort();

    it('writes logs only to its own log group', () => {
      expect(grantsOn(`${ref(json, 'aws_cloudwatch_log_group', 'arn')}:*`)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    });

    it('may only PutItem, and only on this table', () => {
      expect(grantsOn(customersTableRef('arn'))).toEqual(['dynamodb:PutItem']);
    });

    it('may use only this key, only for data-key actions, only through DynamoDB', () => {
      const key = ref(json, 'aws_kms_key', 'arn');
      expect(grantsOn(key)).toEqual([...KMS_VIA_DYNAMODB].sort());
      const keyStatement = statements.find((st) => asList(st.Resource).includes(key));
      expect(keyStatement?.Condition).toEqual({ StringEquals: { 'kms:ViaService': `dynamodb.${s.profile.region}.amazonaws.com` } });
    });

    it('grants nothing else: no wildcard resources, no service-wide actions', () => {
      const actions = statements.flatMap((st) => asList(st.Action));
      expect(actions).toHaveLength(12);
      expect(actions.filter((a) => a.endsWith('*'))).toEqual(['kms:GenerateDataKey*']);
      expect(actions).not.toContain('dynamodb:*');
      expect(statements.flatMap((st) => asList(st.Resource)).every((r) => r !== '*' && r.startsWith('${'))).toBe(true);
      expect(statements.every((st) => st.Effect === 'Allow' && st.Principal === undefined)).toBe(true);
    });
  });

  describe('API', () => {
    it('is a regional REST API named after the env', () => {
      expect(s.api).toHaveResourceWithProperties(ApiGatewayRestApi, {
        name: prefix,
        endpoint_configuration: { types: ['REGIONAL'] },
      });
    });

    it('routes POST /customers, API key required, no authorizer, Lambda proxy to the function', () => {
      const restApi = ref(json, 'aws_api_gateway_rest_api', 'id');
      expect(s.api).toHaveResourceWithProperties(ApiGatewayResource, {
        rest_api_id: restApi,
        parent_id: ref(json, 'aws_api_gateway_rest_api', 'root_resource_id'),
        path_part: 'customers',
      });
      expect(s.api).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: ref(json, 'aws_api_gateway_resource', 'id'),
        http_method: 'POST',
        authorization: 'NONE',
        api_key_required: true,
      });
      expect(s.api).toHaveResourceWithProperties(ApiGatewayIntegration, {
        resource_id: ref(json, 'aws_api_gateway_resource', 'id'),
        type: 'AWS_PROXY',
        integration_http_method: 'POST',
        uri: ref(json, 'aws_lambda_function', 'invoke_arn'),
      });
    });

    it('redeploys when the route, method or integration changes, creating the new deployment first', () => {
      const deployment = only(json, 'aws_api_gateway_deployment').config;
      expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
      const trigger = (deployment.triggers as Record<string, string>).redeployment;
      expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\[.*\]\)\)\}$/);
      for (const type of ['aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration']) {
        expect(trigger).toContain(`${type}.${only(json, type).id}.id`);
      }
      expect(trigger).toContain(`aws_api_gateway_integration.${only(json, 'aws_api_gateway_integration').id}.uri`);
    });

    it('serves stage v1 from that deployment without tracing or execution/data-trace logging', () => {
      expect(s.api).toHaveResourceWithProperties(ApiGatewayStage, {
        stage_name: 'v1',
        deployment_id: ref(json, 'aws_api_gateway_deployment', 'id'),
        xray_tracing_enabled: false,
      });
      expect(json.resource).not.toHaveProperty('aws_api_gateway_method_settings');
      expect(only(json, 'aws_api_gateway_stage').config).not.toHaveProperty('access_log_settings');
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

  describe('outputs', () => {
    it('are exactly the contract names', () => {
      expect(Object.keys(json.output).sort()).toEqual(OUTPUTS);
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
        function_name: { value: ref(json, 'aws_lambda_function', 'function_name') },
        usage_plan_id: { value: ref(json, 'aws_api_gateway_usage_plan', 'id') },
      });
    });
  });

  it('prefixes every name it chooses with customers-api-<env>', () => {
    const named = ['aws_api_gateway_rest_api', 'aws_api_gateway_api_key', 'aws_api_gateway_usage_plan', 'aws_iam_role', 'aws_lambda_function'];
    for (const type of named) {
      const config = only(json, type).config;
      expect(String(config.name ?? config.function_name)).toMatch(new RegExp(`^${prefix}`));
    }
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
});
