// Writes the deployer policies and the boundary, rendered for one account, as IAM JSON files into a directory:
//   npx tsx scripts/render-deployer-policies.ts OUT_DIR [ACCOUNT_ID STATE_BUCKET STATE_KEY_ARN LOCK_TABLE DEPLOYER_ROLE_ARN]
// Without values it renders example ones (what `make scan` lints). Bootstrap renders the same templates itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BOUNDARY_POLICY_NAME, boundaryPolicy, deployerPolicies } from '../infra/deployer-policies';

const [outDir, accountId = '123456789012', ...rest] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: render-deployer-policies.ts OUT_DIR [ACCOUNT_ID STATE_BUCKET STATE_KEY_ARN LOCK_TABLE DEPLOYER_ROLE_ARN]');
  process.exit(2);
}
const [
  stateBucket = `customers-api-state-${accountId}`,
  stateKeyArn = `arn:aws:kms:us-east-1:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  lockTable = 'customers-api-state-lock',
  deployerRoleArn = `arn:aws:iam::${accountId}:role/customers-api-deployer`,
] = rest;
mkdirSync(outDir, { recursive: true });
const pretty = (document: string) => `${JSON.stringify(JSON.parse(document), null, 2)}\n`;
const policies = [
  ...deployerPolicies({ AccountId: accountId, StateBucket: stateBucket, StateKeyArn: stateKeyArn, LockTable: lockTable, DeployerRoleArn: deployerRoleArn }),
  { name: BOUNDARY_POLICY_NAME, document: boundaryPolicy(accountId) },
];
for (const { name, document } of policies) {
  const file = path.join(outDir, `${name}.json`);
  writeFileSync(file, pretty(document));
  console.log(file);
}
