// infra/deployer-policy.json, the least-privilege IAM policy for whoever runs `make deploy ENV=aws`, checked against
// what the aws profile actually synthesizes: every resource type must be listed below, and the policy must allow
// creating, reading and deleting each synthesized resource by the ARN its name gives it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synthProfile, TerraformJson } from './test-support/synth';

interface Statement { Sid: string; Effect: string; Action: string | string[]; Resource: string | string[] }
const policy = JSON.parse(readFileSync(path.join(__dirname, 'deployer-policy.json'), 'utf8')) as { Statement: Statement[] };
const list = (value: string | string[]) => (typeof value === 'string' ? [value] : value);
const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);

/** True when some Allow statement covers `action` on `arn` (conditions aside). */
const allows = (action: string, arn: string) => policy.Statement.some((st) => st.Effect === 'Allow'
  && list(st.Action).some((a) => glob(a).test(action)) && list(st.Resource).some((r) => glob(r).test(arn)));

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
type Config = Record<string, unknown>;
/** Per resource type: the actions the provider calls on it (create, read, delete) and the ARN they apply to. */
const NEEDS: Record<string, (config: Config, dbName: string) => { actions: string[]; arn: string }> = {
  aws_ssm_parameter: (c) => ({
    actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:ListTagsForResource'],
    arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${String(c.name)}`,
  }),
  aws_dynamodb_table: (c, dbName) => ({
    actions: ['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable',
      'dynamodb:UpdateContinuousBackups', 'dynamodb:UpdateTimeToLive', 'dynamodb:TagResource'],
    arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${String(c.name).replace(/\$\{data\.aws_ssm_parameter\.[^}]+\}/, dbName)}`,
  }),
  aws_iam_role: (c) => ({
    actions: ['iam:CreateRole', 'iam:GetRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:PassRole'],
    arn: `arn:aws:iam::${ACCOUNT}:role/${String(c.name)}`,
  }),
  aws_iam_role_policy: (c) => ({
    actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
    arn: `arn:aws:iam::${ACCOUNT}:role/${String(c.role).replace(/^\$\{aws_iam_role\.[^}]+\}$/, 'customers-api-aws-create-customer')}`,
  }),
  aws_lambda_function: (c) => ({
    actions: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:DeleteFunction', 'lambda:TagResource'],
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(c.function_name)}`,
  }),
  aws_lambda_permission: () => ({
    actions: ['lambda:AddPermission', 'lambda:GetPolicy', 'lambda:RemovePermission'],
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:customers-api-aws-create-customer`,
  }),
  aws_cloudwatch_log_group: (c) => ({
    actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DeleteLogGroup', 'logs:TagResource'],
    arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${String(c.name)}`,
  }),
  aws_kms_key: () => ({
    actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion'],
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  }),
  aws_kms_alias: (c) => ({
    actions: ['kms:CreateAlias', 'kms:DeleteAlias'],
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:${String(c.name)}`,
  }),
  ...Object.fromEntries(['rest_api', 'resource', 'method', 'integration', 'model', 'request_validator', 'deployment', 'stage']
    .map((type) => [`aws_api_gateway_${type}`, () => ({
      actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
      arn: `arn:aws:apigateway:${REGION}::/restapis/a1b2c3/${type}`,
    })])),
  aws_api_gateway_api_key: () => ({ actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'], arn: `arn:aws:apigateway:${REGION}::/apikeys/k1` }),
  aws_api_gateway_usage_plan: () => ({ actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'], arn: `arn:aws:apigateway:${REGION}::/usageplans/u1` }),
  aws_sns_topic: (c) => ({
    actions: ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:DeleteTopic', 'sns:TagResource'],
    arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${String(c.name)}`,
  }),
  aws_sns_topic_subscription: () => ({
    actions: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'],
    arn: `arn:aws:sns:${REGION}:${ACCOUNT}:customers-api-aws-alarms`,
  }),
  aws_cloudwatch_metric_alarm: (c, dbName) => ({
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'],
    arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(c.alarm_name).replace(/\$\{data\.aws_ssm_parameter\.[^}]+\}/, dbName)}`,
  }),
  aws_api_gateway_usage_plan_key: () => ({ actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'], arn: `arn:aws:apigateway:${REGION}::/usageplans/u1/keys/k1` }),
};

const resources = (json: TerraformJson) => Object.entries(json.resource)
  .flatMap(([type, byId]) => Object.entries(byId).map(([id, config]) => ({ type, id, config })));

describe('the deployer policy (infra/deployer-policy.json) for the aws profile', () => {
  // ALARM_EMAIL: so the alarm topic's subscription is synthesized too.
  const s = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: REGION, ALARM_EMAIL: 'ops@example.com' });
  const all = [...resources(s.paramsJson), ...resources(s.apiJson)];

  it('knows every resource type the aws stacks synthesize', () => {
    expect([...new Set(all.map((r) => r.type))].filter((type) => !(type in NEEDS))).toEqual([]);
  });

  it.each(all.map((r) => [`${r.type}.${r.id}`, r] as const))('allows what deploy and destroy call on %s', (_name, r) => {
    const { actions, arn } = NEEDS[r.type](r.config, s.profile.dbName);
    expect(actions.filter((action) => !allows(action, arn))).toEqual([]);
  });

  it('allows nothing on resources of another env or app', () => {
    expect(allows('dynamodb:DeleteTable', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`)).toBe(false);
    expect(allows('lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:customers-api-local-create-customer`)).toBe(false);
    expect(allows('ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/other-app/api-key`)).toBe(false);
    expect(allows('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/admin`)).toBe(false);
  });

  it('never grants a wildcard action', () => {
    expect(policy.Statement.flatMap((st) => list(st.Action)).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('lets the state key be used only by its alias, and S3 state only under customers-api/', () => {
    const stateKey = policy.Statement.find((st) => st.Sid === 'StateKeyEncryptsAndDecryptsState') as Statement & { Condition: unknown };
    expect(stateKey.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': s.profile.stateEncryption.keyProvider === 'aws_kms' ? s.profile.stateEncryption.kmsKeyId : '' } });
    expect(allows('s3:PutObject', 'arn:aws:s3:::YOUR-STATE-BUCKET/customers-api/aws/api.tfstate')).toBe(true);
    expect(allows('s3:PutObject', 'arn:aws:s3:::YOUR-STATE-BUCKET/other/api.tfstate')).toBe(false);
  });
});
