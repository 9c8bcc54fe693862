// The key policy's deployer statements and deletion window, for both profiles (the api stack's tests cover the
// root, Lambda role and CloudWatch Logs statements).
import { DEPLOYER_KEY_ADMIN_ACTIONS } from './kms-key';
import { PolicyStatement } from './policy-document';
import { only, ref, synthProfile, TerraformJson } from './test-support/synth';

const statementsOf = (json: TerraformJson): PolicyStatement[] =>
  (JSON.parse(only(json, 'aws_kms_key').config.policy as string) as { Statement: PolicyStatement[] }).Statement;

describe.each([
  ['local', { DEPLOY_ENV: 'local', AWS_REGION: 'eu-central-1' }, 7],
  ['aws', { DEPLOY_ENV: 'aws', AWS_REGION: 'eu-central-1' }, 30],
])('the %s key', (_env, settings, deletionWindow) => {
  const { apiJson: json } = synthProfile(settings);
  const statements = statementsOf(json);
  const bySid = (sid: string) => statements.find((st) => st.Sid === sid);
  const services = ['dynamodb', 'ssm', 'logs'].map((svc) => `${svc}.eu-central-1.amazonaws.com`);

  it('names the deployer by the role behind its session, not the session ARN a key policy cannot hold', () => {
    const session = only(json, 'aws_iam_session_context', 'data').config;
    expect(session.arn).toBe(ref(json, 'aws_caller_identity', 'arn', 'data'));
    const deployer = ref(json, 'aws_iam_session_context', 'issuer_arn', 'data');
    expect(bySid('DeployerAdministersKey')?.Principal).toEqual({ AWS: deployer });
    expect(bySid('DeployerUsesKeyThroughServices')?.Principal).toEqual({ AWS: deployer });
    expect(bySid('DeployerLetsServicesCreateGrants')?.Principal).toEqual({ AWS: deployer });
  });

  it('lets the deployer use the key only through DynamoDB, SSM and CloudWatch Logs in the region', () => {
    expect(bySid('DeployerUsesKeyThroughServices')).toEqual({
      Sid: 'DeployerUsesKeyThroughServices',
      Effect: 'Allow',
      Principal: expect.anything(),
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': services } },
    });
  });

  it('lets the deployer create grants only for AWS resources and only through those services (DynamoDB\'s for the tables)', () => {
    expect(bySid('DeployerLetsServicesCreateGrants')).toEqual({
      Sid: 'DeployerLetsServicesCreateGrants',
      Effect: 'Allow',
      Principal: expect.anything(),
      Action: ['kms:CreateGrant'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': services }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  it('lets the deployer administer this key (by name in its policy: the deployer\'s IAM policy grants no key administration)', () => {
    expect(bySid('DeployerAdministersKey')).toEqual({
      Sid: 'DeployerAdministersKey', Effect: 'Allow', Principal: expect.anything(), Action: DEPLOYER_KEY_ADMIN_ACTIONS, Resource: '*',
    });
    // Administration, not use: encrypting and decrypting go through the services only.
    expect(DEPLOYER_KEY_ADMIN_ACTIONS.filter((action) => /Encrypt|Decrypt|GenerateDataKey|CreateGrant/.test(action))).toEqual([]);
  });

  it('grants the deployer no use of the key outside a service: every other statement for it has kms:ViaService', () => {
    const deployer = ref(json, 'aws_iam_session_context', 'issuer_arn', 'data');
    const forDeployer = statements.filter((st) => JSON.stringify(st.Principal) === JSON.stringify({ AWS: deployer })
      && st.Sid !== 'DeployerAdministersKey');
    expect(forDeployer).toHaveLength(2);
    for (const st of forDeployer) expect(st.Condition?.StringEquals?.['kms:ViaService']).toEqual(services);
  });

  it(`waits ${deletionWindow} days before deleting the key after destroy`, () => {
    expect(only(json, 'aws_kms_key').config.deletion_window_in_days).toBe(deletionWindow);
  });
});
