// Deploys and destroys the real stack through the same make/deploy.sh path users run, into a workspace of its
// own (DEPLOY_ID) so a suite never touches a developer's `make deploy` state.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StackOutputs {
  api_url: string;
  api_id: string;
  stage_name: string;
  api_key_parameter_name: string;
  db_name_parameter_name: string;
  table_name: string;
  emails_table_name: string;
  idempotency_table_name: string;
  kms_key_arn: string;
  function_name: string;
  usage_plan_id: string;
}

export interface LocalTarget {
  endpoint: string;
  deployId: string;
}

const repoRoot = path.resolve(__dirname, '../..');

// The suite's emulator is where both the deployer and the test's requests go: the public endpoint compose sets for
// `make deploy` (localhost on your machine) is not it.
function run(target: LocalTarget, command: string, args: string[]): void {
  execFileSync(command, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, EMULATOR_ENDPOINT: target.endpoint, EMULATOR_PUBLIC_ENDPOINT: target.endpoint, DEPLOY_ID: target.deployId, RUNNER: 'native' },
  });
}

export function deployStack(target: LocalTarget): StackOutputs {
  run(target, 'make', ['_synth', 'ENV=local']);
  run(target, 'scripts/deploy.sh', ['up', 'local']);
  const outputsFile = path.join(repoRoot, '.state', target.deployId, 'outputs.json');
  return JSON.parse(readFileSync(outputsFile, 'utf8')) as StackOutputs;
}

export function destroyStack(target: LocalTarget): void {
  run(target, 'scripts/deploy.sh', ['down', 'local']);
}
