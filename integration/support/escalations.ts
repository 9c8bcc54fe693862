// What a deployer must never be able to do (issue 19), each as the calls an attacker holding the deployer role would
// make. Another team's resources are made by root first; the stack's own (the function and its role) by the deploy.
import { CreateApiKeyCommand, CreateRestApiCommand, DeleteRestApiCommand, GetApiKeyCommand, TagResourceCommand as TagApiCommand } from '@aws-sdk/client-api-gateway';
import {
  CreatePolicyVersionCommand, CreateRoleCommand, CreateUserCommand, DeletePolicyCommand,
  DeleteRolePermissionsBoundaryCommand, PutRolePermissionsBoundaryCommand, PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, ScheduleKeyDeletionCommand, TagResourceCommand } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsClients, AwsClients } from './aws-clients';
import { DeployerRole } from './deployer-role';

export interface ForeignResources {
  /** Another team's admin role, trusted by Lambda. */
  adminRoleArn: string;
  /** Another team's KMS keys: one tagged as theirs, one untagged. */
  taggedKeyId: string;
  untaggedKeyId: string;
  restApiId: string;
  apiKeyId: string;
}

const trust = (principal: Record<string, string>) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
});
const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** Another team's resources in the same account, made by root. */
export async function createForeignResources(endpoint: string): Promise<ForeignResources> {
  const root = awsClients(endpoint);
  const { Role } = await root.iam.send(new CreateRoleCommand({ RoleName: 'payments-admin', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
  await root.iam.send(new PutRolePolicyCommand({ RoleName: 'payments-admin', PolicyName: 'admin', PolicyDocument: everything }));
  const tagged = await root.kms.send(new CreateKeyCommand({ Description: 'payments', Tags: [{ TagKey: 'app', TagValue: 'payments' }] }));
  const untagged = await root.kms.send(new CreateKeyCommand({ Description: 'payments, untagged' }));
  const api = await root.apiGateway.send(new CreateRestApiCommand({ name: 'payments-api', tags: { app: 'payments' } }));
  const key = await root.apiGateway.send(new CreateApiKeyCommand({ name: 'payments', enabled: true, value: 'payments-secret-key-value-0123456789', tags: { app: 'payments' } }));
  return {
    adminRoleArn: Role?.Arn ?? '',
    taggedKeyId: tagged.KeyMetadata?.KeyId ?? '',
    untaggedKeyId: untagged.KeyMetadata?.KeyId ?? '',
    restApiId: api.id ?? '',
    apiKeyId: key.id ?? '',
  };
}

export interface Stack { functionName: string; functionRoleName: string }
interface Context {
  endpoint: string;
  deployer: AwsClients;
  root: AwsClients;
  role: DeployerRole;
  foreign: ForeignResources;
  stack: Stack;
}
export interface Escalation { name: string; attempt: (context: Context) => Promise<unknown> }

export const ESCALATIONS: Escalation[] = [
  {
    name: 'create a role that trusts the deployer (with the boundary), then assume it',
    attempt: async ({ deployer, role }) => {
      await deployer.iam.send(new CreateRoleCommand({
        RoleName: 'customers-api-aws-escalate', AssumeRolePolicyDocument: trust({ AWS: role.roleArn }),
        PermissionsBoundary: role.boundaryArn,
      }));
      return deployer.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${role.accountId}:role/customers-api-aws-escalate`, RoleSessionName: 'x' }));
    },
  },
  {
    name: 'create a role without the boundary',
    attempt: ({ deployer }) => deployer.iam.send(new CreateRoleCommand({
      RoleName: 'customers-api-aws-unbounded', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }),
    })),
  },
  {
    name: 'create a role outside the kit\'s names (with the boundary)',
    attempt: ({ deployer, role }) => deployer.iam.send(new CreateRoleCommand({
      RoleName: 'payments-helper', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }), PermissionsBoundary: role.boundaryArn,
    })),
  },
  {
    // PutRolePolicy cannot be conditioned on the document on AWS: the boundary is what makes `*:*` worth nothing.
    name: 'put *:* on the function\'s role, then act as that role beyond the boundary (iam:CreateUser)',
    attempt: async ({ endpoint, deployer, root, stack, role }) => {
      await deployer.iam.send(new PutRolePolicyCommand({ RoleName: stack.functionRoleName, PolicyName: 'escalate', PolicyDocument: everything }));
      // Root stands in for Lambda assuming the function's role (MiniStack lets root through a Service trust).
      const { Credentials: c } = await root.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${role.accountId}:role/${stack.functionRoleName}`, RoleSessionName: 'fn' }));
      const asFunction = awsClients(endpoint, {
        accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '',
      });
      return asFunction.iam.send(new CreateUserCommand({ UserName: 'backdoor' }));
    },
  },
  {
    name: 'make the function\'s role trust the deployer (UpdateAssumeRolePolicy)',
    attempt: ({ deployer, stack, role }) => deployer.iam.send(new UpdateAssumeRolePolicyCommand({
      RoleName: stack.functionRoleName, PolicyDocument: trust({ AWS: role.roleArn }),
    })),
  },
  {
    name: 'edit the boundary (CreatePolicyVersion as default)',
    attempt: ({ deployer, role }) => deployer.iam.send(new CreatePolicyVersionCommand({
      PolicyArn: role.boundaryArn, PolicyDocument: everything, SetAsDefault: true,
    })),
  },
  {
    name: 'delete the boundary policy',
    attempt: ({ deployer, role }) => deployer.iam.send(new DeletePolicyCommand({ PolicyArn: role.boundaryArn })),
  },
  {
    name: 'remove the boundary from the function\'s role',
    attempt: ({ deployer, stack }) => deployer.iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: stack.functionRoleName })),
  },
  {
    name: 'replace the function role\'s boundary with AdministratorAccess',
    attempt: ({ deployer, stack }) => deployer.iam.send(new PutRolePermissionsBoundaryCommand({
      RoleName: stack.functionRoleName, PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess',
    })),
  },
  {
    name: 'tag another team\'s KMS key app=customers-api',
    attempt: ({ deployer, foreign }) => deployer.kms.send(new TagResourceCommand({
      KeyId: foreign.taggedKeyId, Tags: [{ TagKey: 'app', TagValue: 'customers-api' }, { TagKey: 'env', TagValue: 'aws' }],
    })),
  },
  {
    // Tagging an untagged key is what tagging on create looks like to IAM; no permission follows from the tag.
    name: 'tag another team\'s untagged KMS key app=customers-api, then schedule its deletion',
    attempt: async ({ deployer, foreign }) => {
      await deployer.kms.send(new TagResourceCommand({
        KeyId: foreign.untaggedKeyId, Tags: [{ TagKey: 'app', TagValue: 'customers-api' }, { TagKey: 'env', TagValue: 'aws' }],
      })).catch(() => undefined);
      return deployer.kms.send(new ScheduleKeyDeletionCommand({ KeyId: foreign.untaggedKeyId, PendingWindowInDays: 7 }));
    },
  },
  {
    name: 'schedule the deletion of another team\'s tagged KMS key',
    attempt: ({ deployer, foreign }) => deployer.kms.send(new ScheduleKeyDeletionCommand({ KeyId: foreign.taggedKeyId, PendingWindowInDays: 7 })),
  },
  {
    name: 'give another team\'s key one of the stack\'s aliases (alias/customers-api-aws-*)',
    attempt: ({ deployer, foreign }) => deployer.kms.send(new CreateAliasCommand({
      AliasName: 'alias/customers-api-aws-borrowed', TargetKeyId: foreign.taggedKeyId,
    })),
  },
  {
    name: 'create a KMS key not tagged as the stack',
    attempt: ({ deployer }) => deployer.kms.send(new CreateKeyCommand({ Description: 'untagged' })),
  },
  {
    name: 'read another API\'s key value',
    attempt: ({ deployer, foreign }) => deployer.apiGateway.send(new GetApiKeyCommand({ apiKey: foreign.apiKeyId, includeValue: true })),
  },
  {
    name: 'delete another team\'s REST API',
    attempt: ({ deployer, foreign }) => deployer.apiGateway.send(new DeleteRestApiCommand({ restApiId: foreign.restApiId })),
  },
  {
    name: 'tag another team\'s REST API app=customers-api',
    attempt: ({ deployer, foreign }) => deployer.apiGateway.send(new TagApiCommand({
      resourceArn: `arn:aws:apigateway:${region()}::/restapis/${foreign.restApiId}`, tags: { app: 'customers-api', env: 'aws' },
    })),
  },
  {
    name: 'pass another team\'s admin role to a new function (iam:PassRole)',
    attempt: ({ deployer, foreign }) => deployer.lambda.send(new CreateFunctionCommand({
      FunctionName: 'customers-api-aws-escalate', Role: foreign.adminRoleArn, Runtime: 'nodejs24.x', Handler: 'index.handler',
      Code: { ZipFile: EMPTY_ZIP },
    })),
  },
  {
    name: 'point the kit\'s function at another team\'s admin role (iam:PassRole)',
    attempt: ({ deployer, foreign, stack }) => deployer.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: stack.functionName, Role: foreign.adminRoleArn,
    })),
  },
];

const region = () => process.env.AWS_REGION ?? 'us-east-1';

/** An empty zip archive (end of central directory only): enough for CreateFunction to get to authorization. */
const EMPTY_ZIP = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
