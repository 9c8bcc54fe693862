// The deployer policies and boundary as files (infra/deployer-policies.ts). What they refuse is proven on the IAM
// engine, not here: integration/deployer-role.test.ts deploys as the role on MiniStack (AUTH=true) and tries each
// escalation. These checks keep the files and the synthesized stack in step without an emulator.
import { boundaryPolicy, DEPLOYER_POLICIES, deployerPolicies } from './deployer-policies';
import { synthProfile, TerraformJson } from './test-support/synth';

interface Statement { Sid: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> }
const list = (value: string | string[]) => (typeof value === 'string' ? [value] : value);
const ACCOUNT = '123456789012';
const rendered = deployerPolicies({
  AccountId: ACCOUNT,
  StateBucket: 'customers-api-state',
  StateKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  LockTable: 'customers-api-state-lock',
  DeployerRoleArn: `arn:aws:iam::${ACCOUNT}:role/customers-api-deployer`,
});
const documents = [...rendered.map((policy) => policy.document), boundaryPolicy(ACCOUNT)];
const statements = rendered.flatMap((policy) => (JSON.parse(policy.document) as { Statement: Statement[] }).Statement);
const allows = statements.filter((st) => st.Effect === 'Allow');
const resourceTypes = (json: TerraformJson) => Object.keys(json.resource);

/**
 * Every resource type the aws stacks create, each reviewed against the deployer policies and proven by the deploy as
 * the role. A new type (a route's table, an alarm) fails here until the policies and that rehearsal cover it.
 */
const REVIEWED_TYPES = [
  'aws_ssm_parameter', 'aws_dynamodb_table', 'aws_iam_role', 'aws_iam_role_policy', 'aws_lambda_function',
  'aws_lambda_permission', 'aws_cloudwatch_log_group', 'aws_kms_key', 'aws_kms_alias', 'aws_api_gateway_rest_api',
  'aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_model',
  'aws_api_gateway_request_validator', 'aws_api_gateway_deployment', 'aws_api_gateway_stage', 'aws_api_gateway_api_key',
  'aws_api_gateway_usage_plan', 'aws_api_gateway_usage_plan_key', 'aws_api_gateway_account',
  'aws_cloudwatch_metric_alarm', 'aws_sns_topic', 'aws_sns_topic_subscription',
];

describe('the deployer policies and boundary (infra/deployer-policy*.json, infra/deployer-boundary.json)', () => {
  const aws = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', API_GATEWAY_LOGS_ROLE: 'managed' });
  const local = synthProfile({ DEPLOY_ENV: 'local' });

  it('were reviewed for every resource type the aws stacks create', () => {
    const types = [...new Set([...resourceTypes(aws.paramsJson), ...resourceTypes(aws.apiJson)])];
    expect(types.filter((type) => !REVIEWED_TYPES.includes(type))).toEqual([]);
  });

  it('put the boundary on every role the aws profile creates, and none locally', () => {
    const roles = Object.values(aws.apiJson.resource.aws_iam_role ?? {}) as { permissions_boundary?: string }[];
    expect(roles.length).toBeGreaterThanOrEqual(2); // the function's and the API Gateway logs role
    for (const role of roles) expect(role.permissions_boundary).toMatch(/:iam::\$\{[^}]+\}:policy\/customers-api-aws-boundary$/);
    const localRoles = Object.values(local.apiJson.resource.aws_iam_role ?? {}) as { permissions_boundary?: string }[];
    for (const role of localRoles) expect(role.permissions_boundary).toBeUndefined();
  });

  it('fit a managed policy each (6,144 characters without whitespace)', () => {
    for (const document of documents) expect(document.length).toBeLessThanOrEqual(6_144);
    expect(rendered.map((policy) => policy.name)).toEqual(DEPLOYER_POLICIES.map((policy) => policy.name));
  });

  it('grant no wildcard action', () => {
    const actions = documents.flatMap((document) => (JSON.parse(document) as { Statement: Statement[] }).Statement)
      .filter((st) => st.Effect === 'Allow').flatMap((st) => list(st.Action));
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('let roles be created or given policies only with the kit\'s boundary', () => {
    const iamWrites = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'];
    const granting = allows.filter((st) => list(st.Action).some((action) => iamWrites.includes(action)));
    expect(granting.map((st) => st.Condition)).toEqual([
      { ArnEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/customers-api-aws-boundary` } },
    ]);
    expect(allows.flatMap((st) => list(st.Action)).filter((action) => action === 'iam:UpdateAssumeRolePolicy')).toEqual([]);
  });

  it('allow "*" resources only for creates that carry the stack\'s tags and for actions AWS authorizes on no resource', () => {
    const onEverything = allows.filter((st) => list(st.Resource).includes('*'));
    expect(onEverything.map((st) => [list(st.Action), st.Condition])).toEqual([
      [['kms:CreateKey'], { StringEquals: { 'aws:RequestTag/app': 'customers-api', 'aws:RequestTag/env': 'aws' } }],
      [['kms:ListAliases'], undefined],
      [['ssm:DescribeParameters'], undefined],
      [['logs:DescribeLogGroups'], undefined],
      [['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'], undefined],
    ]);
  });
});
