// Test-only changes to a synthesized stack, made between synth and deploy: the production code is the code under
// test, and these stand for a mistake in it (a role missing an action), so a test can show what the emulator's IAM
// engine does with it. Nothing here is reachable from `make deploy`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

interface Statement {
  Action: string | string[];
  Resource?: string | string[];
}

export interface DroppedAction {
  /** The execution role's name, e.g. customers-api-local-create-customer. */
  readonly role: string;
  readonly action: `${string}:${string}`;
  /** Which statements lose it: those whose Resource matches, e.g. the customers table's Terraform address. */
  readonly resource: RegExp;
}

/** The api stack's synthesized JSON under `stacksDir` (cdktf.out/<workspace>/stacks), edited in place. */
export function dropRoleAction(stacksDir: string, { role, action, resource }: DroppedAction): void {
  const file = path.join(stacksDir, 'api', 'cdk.tf.json');
  const synth = JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
  const roleAddress = Object.entries(synth.resource.aws_iam_role ?? {}).find(([, config]) => config.name === role)?.[0];
  if (!roleAddress) throw new Error(`no aws_iam_role named ${role} in ${file}`);
  const policies = Object.values(synth.resource.aws_iam_role_policy ?? {})
    .filter((config) => config.role === `\${aws_iam_role.${roleAddress}.name}`);
  let dropped = 0;
  for (const policy of policies) {
    const document = JSON.parse(policy.policy as string) as { Statement: Statement[] };
    for (const statement of document.Statement) {
      const resources = [statement.Resource ?? []].flat();
      const actions = [statement.Action].flat();
      if (!resources.some((arn) => resource.test(arn)) || !actions.includes(action)) continue;
      statement.Action = actions.filter((candidate) => candidate !== action);
      dropped++;
    }
    policy.policy = JSON.stringify(document);
  }
  if (dropped === 0) throw new Error(`role ${role} has no statement granting ${action} on ${resource}`);
  writeFileSync(file, JSON.stringify(synth, null, 2));
}
