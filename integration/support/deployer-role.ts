// The deployer as bootstrap makes it, on MiniStack with AUTH=true: as root (the `test` key), the boundary and the
// deployer policy from the kit's templates (infra/deployer-policies.ts), a role with that policy, the state key by
// ARN; then the role assumed, as a CI job or an SSO user would hold it.
import path from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  BOUNDARY_POLICY_NAME, boundaryArn, boundaryPolicy, DEPLOYER_ROLE_NAME, deployerPolicies,
} from '../../infra/deployer-policies';
import { awsClients, Credentials } from './aws-clients';
import { StartedEmulator } from './deployment-suite';
import { startHostMiniStack } from './host-ministack';

/**
 * MiniStack enforcing IAM, with the request context AWS builds and MiniStack leaves out (iam:PermissionsBoundary,
 * iam:PassRole, API Gateway tags) filled in by ministack-aws-context/sitecustomize.py.
 */
export const startIamEnforcingMiniStack = (port: string): Promise<StartedEmulator> =>
  startHostMiniStack(port, { AUTH: 'true', PYTHONPATH: path.join(__dirname, 'ministack-aws-context') });

export interface DeployerRole {
  accountId: string;
  roleArn: string;
  boundaryArn: string;
  stateKeyArn: string;
  credentials: Credentials;
}

export async function createDeployerRole(endpoint: string): Promise<DeployerRole> {
  const root = awsClients(endpoint);
  const { Account: accountId = '' } = await root.sts.send(new GetCallerIdentityCommand({}));
  const { KeyMetadata } = await root.kms.send(new CreateKeyCommand({ Description: 'customers-api OpenTofu state' }));
  const stateKeyArn = KeyMetadata?.Arn ?? '';
  const roleArn = `arn:aws:iam::${accountId}:role/${DEPLOYER_ROLE_NAME}`;
  await root.iam.send(new CreatePolicyCommand({ PolicyName: BOUNDARY_POLICY_NAME, PolicyDocument: boundaryPolicy(accountId) }));
  await root.iam.send(new CreateRoleCommand({
    RoleName: DEPLOYER_ROLE_NAME,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
    }),
  }));
  const policies = deployerPolicies({
    AccountId: accountId,
    StateBucket: `customers-api-state-${accountId}`,
    StateKeyArn: stateKeyArn,
    LockTable: 'customers-api-state-lock',
    DeployerRoleArn: roleArn,
  });
  for (const { name, document } of policies) {
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }));
    await root.iam.send(new AttachRolePolicyCommand({ RoleName: DEPLOYER_ROLE_NAME, PolicyArn: Policy?.Arn }));
  }
  const { Credentials: session } = await root.sts.send(new AssumeRoleCommand({
    RoleArn: roleArn,
    RoleSessionName: 'deployer-rehearsal',
    DurationSeconds: 3600,
  }));
  return {
    accountId,
    roleArn,
    boundaryArn: boundaryArn(accountId),
    stateKeyArn,
    credentials: {
      accessKeyId: session?.AccessKeyId ?? '',
      secretAccessKey: session?.SecretAccessKey ?? '',
      sessionToken: session?.SessionToken ?? '',
    },
  };
}

/** The environment a deploy needs to run as the role (scripts/lib/profile-env.sh, infra/profiles.ts). */
export const deployerEnv = (role: DeployerRole): NodeJS.ProcessEnv => ({
  AWS_REHEARSAL_CREDENTIALS: 'caller',
  AWS_ACCESS_KEY_ID: role.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: role.credentials.secretAccessKey,
  AWS_SESSION_TOKEN: role.credentials.sessionToken,
  TF_STATE_KMS_KEY: role.stateKeyArn,
});
