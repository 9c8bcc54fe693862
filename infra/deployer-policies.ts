// The deployer's IAM policies and the permissions boundary every role it creates must carry, as the kit ships them:
// infra/deployer-policy.json (state, roles, keys, and what the deployer may never do), infra/deployer-policy-stack.json
// (the stack's own resources; two documents because a managed policy holds at most 6,144 characters) and
// infra/deployer-boundary.json. Templates with {{Name}} placeholders for what only the account knows: bootstrap
// renders them into managed policies; the tests render them for the emulator's account.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { APP_NAME } from './profiles';

/** Where the aws profile's deployer keeps state and who it is: the placeholders of the two templates. */
export interface DeployerPolicyValues {
  readonly AccountId: string;
  readonly StateBucket: string;
  /** By ARN: an alias or tag could be pointed at another key by whoever may create aliases or tags. */
  readonly StateKeyArn: string;
  readonly LockTable: string;
  /** The role (or SSO permission-set role) that deploys: it may read itself (data.aws_iam_session_context). */
  readonly DeployerRoleArn: string;
}

/** Names the aws profile's policies get, fixed because the deployer policy names them. */
export const BOUNDARY_POLICY_NAME = `${APP_NAME}-aws-boundary`;
/** The managed policies the deployer role gets, by name, each with its template. */
export const DEPLOYER_POLICIES = [
  { name: `${APP_NAME}-aws-deployer`, file: 'deployer-policy.json' },
  { name: `${APP_NAME}-aws-deployer-stack`, file: 'deployer-policy-stack.json' },
] as const;
/** Outside `customers-api-aws-*`, the roles the deployer manages, so it can never change or delete itself. */
export const DEPLOYER_ROLE_NAME = `${APP_NAME}-deployer`;

export const boundaryArn = (accountId: string, partition = 'aws'): string =>
  `arn:${partition}:iam::${accountId}:policy/${BOUNDARY_POLICY_NAME}`;

const template = (file: string) => readFileSync(path.join(__dirname, file), 'utf8');

function render(text: string, values: Readonly<Record<string, string>>): string {
  const rendered = text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${match} in the deployer policy templates`);
    return value;
  });
  return JSON.stringify(JSON.parse(rendered));
}

/** The deployer's policy documents for one account, by managed policy name. */
export const deployerPolicies = (values: DeployerPolicyValues): { name: string; document: string }[] =>
  DEPLOYER_POLICIES.map(({ name, file }) => ({ name, document: render(template(file), { ...values }) }));

/** The boundary's policy document for one account. */
export const boundaryPolicy = (accountId: string): string =>
  render(template('deployer-boundary.json'), { AccountId: accountId });
