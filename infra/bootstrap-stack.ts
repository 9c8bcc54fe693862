// What an administrator creates once per account and region before the aws profile can be deployed, like
// `cdk bootstrap`: `make bootstrap ENV=aws` (scripts/bootstrap.sh). Its own stack with its own local state, never
// touched by the deployer it creates: the state bucket and key, the lock table, the boundary, the deployer policies
// and the deployer role, trusted by one GitHub repository's jobs in one environment (OIDC).
import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { BOUNDARY_POLICY_NAME, boundaryPolicy, DEPLOYER_ROLE_NAME, deployerPolicies } from './deployer-policies';
import { APP_NAME, DEFAULT_STATE_KMS_KEY } from './profiles';
import { policyDocument } from './policy-document';

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const DEFAULT_LOCK_TABLE = `${APP_NAME}-state-lock`;

export interface BootstrapSettings {
  readonly region: string;
  /** `owner/name`: the only repository whose workflow jobs may assume the deployer role. */
  readonly githubRepository: string;
  /** The GitHub environment (protected) those jobs must run in. */
  readonly githubEnvironment: string;
  /** Create the account's GitHub OIDC provider (one per account), or use the one that exists. */
  readonly createOidcProvider: boolean;
  /** The state bucket's name (globally unique): default `customers-api-state-<account>-<region>`. */
  readonly stateBucket?: string;
  /** An emulator to rehearse on instead of AWS (the bootstrap rehearsal test), with its root `test` key. */
  readonly emulatorEndpoint?: string;
  /** Where this stack's own state lives (a local file: it holds names and policies, no secret). */
  readonly statePath: string;
}

export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, settings: BootstrapSettings) {
    super(scope, id);
    new LocalBackend(this, { path: settings.statePath });
    const endpoint = settings.emulatorEndpoint;
    new AwsProvider(this, 'aws', {
      region: settings.region,
      defaultTags: [{ tags: { app: APP_NAME, 'managed-by': 'cdktf', stack: 'bootstrap' } }],
      ...(endpoint ? {
        accessKey: 'test', secretKey: 'test', skipCredentialsValidation: true, skipMetadataApiCheck: 'true', s3UsePathStyle: true,
        // With an account id the provider lists a bucket's tags through S3 Control at <account>.<endpoint host>, a
        // name no emulator on loopback answers; without one it reads them with GetBucketTagging. The stack takes the
        // account id from data.aws_caller_identity, so nothing else changes.
        skipRequestingAccountId: true,
        endpoints: [Object.fromEntries(['dynamodb', 'iam', 'kms', 's3', 'sts'].map((service) => [service, endpoint]))],
      } : {}),
    });
    this.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: '6.34.0' });
    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;

    // The state key: encrypts state and plans (OpenTofu) and the objects at rest (SSE-KMS). The deployer uses it by
    // ARN (TF_STATE_KMS_KEY); the alias is for people.
    const stateKey = new KmsKey(this, 'state-key', {
      description: `${APP_NAME} OpenTofu state and plans`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, 'state-key-alias', { name: DEFAULT_STATE_KMS_KEY, targetKeyId: stateKey.keyId });

    const bucketName = settings.stateBucket ?? `${APP_NAME}-state-${accountId}-${settings.region}`;
    const bucket = new S3Bucket(this, 'state-bucket', { bucket: bucketName });
    new S3BucketVersioningA(this, 'state-versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: stateKey.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'state-public-access', {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketPolicy(this, 'state-tls-only', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'DenyWithoutTls', Effect: 'Deny', Principal: '*', Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }],
      }),
    });

    const lockTable = new DynamodbTable(this, 'lock-table', {
      name: DEFAULT_LOCK_TABLE,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      serverSideEncryption: { enabled: true, kmsKeyArn: stateKey.arn },
      pointInTimeRecovery: { enabled: true },
    });

    const oidcProviderArn = settings.createOidcProvider
      ? new IamOpenidConnectProvider(this, 'github-oidc', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] }).arn
      : `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    const roleArn = `arn:aws:iam::${accountId}:role/${DEPLOYER_ROLE_NAME}`;
    const boundary = new IamPolicy(this, 'boundary', {
      name: BOUNDARY_POLICY_NAME,
      description: `${APP_NAME}: the most any role the deployer creates may do`,
      policy: boundaryPolicy(accountId),
    });
    const policies = deployerPolicies({
      AccountId: accountId, StateBucket: bucketName, StateKeyArn: stateKey.arn, LockTable: lockTable.name, DeployerRoleArn: roleArn,
    }).map(({ name, document }) => new IamPolicy(this, name, { name, policy: document }));
    const role = new IamRole(this, 'deployer', {
      name: DEPLOYER_ROLE_NAME,
      description: `${APP_NAME}: deploys the aws profile from ${settings.githubRepository} (environment ${settings.githubEnvironment})`,
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            // Exactly one repository's jobs in one environment: not a branch, not a pull request, not a fork.
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${settings.githubRepository}:environment:${settings.githubEnvironment}`,
          },
        },
      }]),
    });
    policies.forEach((policy, index) => new IamRolePolicyAttachment(this, `deployer-policy-${index}`, {
      role: role.name, policyArn: policy.arn,
    }));

    const outputs = {
      deployer_role_arn: role.arn,
      boundary_policy_arn: boundary.arn,
      state_bucket: bucket.bucket,
      state_kms_key_arn: stateKey.arn,
      state_lock_table: lockTable.name,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
