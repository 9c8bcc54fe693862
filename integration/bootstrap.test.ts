// `make bootstrap ENV=aws` rehearsed on MiniStack with AUTH=true (BOOTSTRAP_REHEARSAL_ENDPOINT): scripts/bootstrap.sh
// applies the bootstrap stack as an administrator would (root), every piece is read back from the emulator, the
// deployer role's OIDC trust is tried with GitHub tokens of other repositories, environments and events, and
// `bootstrap-destroy` refuses without CONFIRM and removes everything with it.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DescribeContinuousBackupsCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import {
  GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand, S3Client,
} from '@aws-sdk/client-s3';
import { BOUNDARY_POLICY_NAME, DEPLOYER_POLICIES, DEPLOYER_ROLE_NAME } from '../infra/deployer-policies';
import { awsClients, AwsClients } from './support/aws-clients';
import { StartedEmulator } from './support/deployment-suite';
import { startIamEnforcingMiniStack } from './support/deployer-role';
import { hostEmulatorPort } from './support/host-ministack';
import { repoRoot } from './support/stack';

const workspace = 'bootstrap-rehearsal';
const repository = 'acme/customers-api';

/**
 * A GitHub Actions OIDC token's claims, unsigned: MiniStack evaluates the role's trust against the claims without
 * checking the signature (AWS checks it against the provider's keys), which is what the trust's conditions are about.
 */
const githubToken = (sub: string) => [{ alg: 'RS256', typ: 'JWT' }, {
  iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub,
  iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300,
}].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.unsigned';

describe('make bootstrap ENV=aws rehearsed on the emulator', () => {
  let emulator: StartedEmulator | undefined;
  let clients: AwsClients;
  let s3: S3Client;
  let applied: { status: number | null; output: string };
  let settings: Record<string, string> = {};

  const bootstrap = (action: 'up' | 'down', env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync('scripts/bootstrap.sh', [action], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env, BOOTSTRAP_REHEARSAL_ENDPOINT: emulator?.endpoint, BOOTSTRAP_WORKSPACE: workspace,
        BOOTSTRAP_GITHUB_REPOSITORY: repository, AUTO_APPROVE: '1', ...env,
      },
    });
    const output = `${result.stdout}${result.stderr}`;
    process.stdout.write(output);
    return { status: result.status, output };
  };

  beforeAll(async () => {
    rmSync(path.join(repoRoot, '.state', workspace), { recursive: true, force: true });
    // Enforcing IAM (the administrator is root, `test`), so the deployer role's trust is evaluated.
    emulator = await startIamEnforcingMiniStack(hostEmulatorPort());
    clients = awsClients(emulator.endpoint);
    s3 = new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    applied = bootstrap('up');
    settings = Object.fromEntries([...applied.output.matchAll(/^ {2}([A-Z_]+)=(\S+)$/gm)].map(([, name, value]) => [name, value]));
  }, 20 * 60_000);

  afterAll(async () => {
    try {
      if (applied?.status === 0) bootstrap('down', { CONFIRM: 'customers-api-bootstrap' });
    } finally {
      await emulator?.stop();
    }
  }, 10 * 60_000);

  it('applies and prints the settings deploys and the workflow need', () => {
    expect(applied.status).toBe(0);
    expect(Object.keys(settings)).toEqual(['TF_STATE_BUCKET', 'TF_STATE_KMS_KEY', 'TF_STATE_LOCK_TABLE', 'AWS_DEPLOYER_ROLE_ARN']);
    expect(settings.TF_STATE_KMS_KEY).toMatch(/^arn:aws:kms:[^:]+:\d{12}:key\//);
  });

  it('makes a versioned, KMS-encrypted, private, TLS-only state bucket', async () => {
    const Bucket = settings.TF_STATE_BUCKET;
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const { ServerSideEncryptionConfiguration: sse } = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(sse?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: settings.TF_STATE_KMS_KEY });
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    });
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '{}') as { Statement: unknown[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  it('makes the state key (rotating) and the lock table (encrypted with it, point-in-time recovery)', async () => {
    await expect(clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: settings.TF_STATE_KMS_KEY }))).resolves.toMatchObject({ KeyRotationEnabled: true });
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: settings.TF_STATE_LOCK_TABLE }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
    expect(Table?.SSEDescription?.KMSMasterKeyArn).toBe(settings.TF_STATE_KMS_KEY);
    const { ContinuousBackupsDescription: backups } = await clients.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: settings.TF_STATE_LOCK_TABLE }));
    expect(backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
  });

  it('makes the deployer role, trusted only by this repository\'s jobs in the aws environment, with the deployer policies', async () => {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: DEPLOYER_ROLE_NAME }));
    expect(Role?.Arn).toBe(settings.AWS_DEPLOYER_ROLE_ARN);
    const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as { Statement: { Condition: unknown; Action: string }[] };
    expect(trust.Statement).toEqual([expect.objectContaining({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': `repo:${repository}:environment:aws`,
      } },
    })]);
    const { AttachedPolicies } = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: DEPLOYER_ROLE_NAME }));
    expect(AttachedPolicies?.map((policy) => policy.PolicyName).sort()).toEqual(DEPLOYER_POLICIES.map((policy) => policy.name).sort());
  });

  it.each([
    ['a job of another repository', 'repo:mallory/customers-api:environment:aws'],
    ['a job of this repository in another environment', `repo:${repository}:environment:dev`],
    ['a pull request job of this repository', `repo:${repository}:pull_request`],
    ['a job on main outside the environment', `repo:${repository}:ref:refs/heads/main`],
  ])('refuses the role to %s', async (_who, sub) => {
    await expect(clients.sts.send(new AssumeRoleWithWebIdentityCommand({
      RoleArn: settings.AWS_DEPLOYER_ROLE_ARN, RoleSessionName: 'ci', WebIdentityToken: githubToken(sub),
    }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('gives the role to this repository\'s jobs in the aws environment', async () => {
    const { AssumedRoleUser } = await clients.sts.send(new AssumeRoleWithWebIdentityCommand({
      RoleArn: settings.AWS_DEPLOYER_ROLE_ARN, RoleSessionName: 'ci', WebIdentityToken: githubToken(`repo:${repository}:environment:aws`),
    }));
    expect(AssumedRoleUser?.Arn).toMatch(/:assumed-role\/customers-api-deployer\/ci$/);
  });

  it('installs the boundary, and the deployer policy names the state key by its ARN', async () => {
    const account = settings.AWS_DEPLOYER_ROLE_ARN.split(':')[4];
    const { Policy } = await clients.iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${account}:policy/${BOUNDARY_POLICY_NAME}` }));
    expect(Policy?.PolicyName).toBe(BOUNDARY_POLICY_NAME);
    const deployerArn = `arn:aws:iam::${account}:policy/${DEPLOYER_POLICIES[0].name}`;
    const { Policy: deployer } = await clients.iam.send(new GetPolicyCommand({ PolicyArn: deployerArn }));
    const { PolicyVersion } = await clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: deployerArn, VersionId: deployer?.DefaultVersionId }));
    expect(decodeURIComponent(PolicyVersion?.Document ?? '')).toContain(`"Resource":"${settings.TF_STATE_KMS_KEY}"`);
  });

  describe('make bootstrap-destroy', () => {
    let refused: { status: number | null; output: string };
    let destroyed: { status: number | null; output: string };
    let roleAfterRefusal: string | undefined;
    beforeAll(async () => {
      refused = bootstrap('down');
      roleAfterRefusal = (await clients.iam.send(new GetRoleCommand({ RoleName: DEPLOYER_ROLE_NAME }))).Role?.Arn;
      destroyed = bootstrap('down', { CONFIRM: 'customers-api-bootstrap' });
      applied = { status: 1, output: '' }; // afterAll has nothing left to destroy
    }, 10 * 60_000);

    it('refuses without CONFIRM and destroys nothing', () => {
      expect(refused.status).toBe(3);
      expect(refused.output).toContain('CONFIRM=customers-api-bootstrap');
      expect(roleAfterRefusal).toBe(settings.AWS_DEPLOYER_ROLE_ARN);
    });

    it('removes everything with it', async () => {
      expect(destroyed.status).toBe(0);
      await expect(s3.send(new HeadBucketCommand({ Bucket: settings.TF_STATE_BUCKET }))).rejects.toBeDefined();
      await expect(clients.iam.send(new GetRoleCommand({ RoleName: DEPLOYER_ROLE_NAME }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
      const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: settings.TF_STATE_KMS_KEY }));
      expect(KeyMetadata?.KeyState).toBe('PendingDeletion');
    });
  });
});
