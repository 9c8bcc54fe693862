// Deploys and destroys the real stack through the same make/deploy.sh path users run, into a workspace of its
// own (DEPLOY_ID) so a suite never touches a developer's `make deploy` state.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StackOutputs {
  /** The aws profile's alarm topic (infra/alarms.ts); absent on local. */
  alarm_topic_arn?: string;
  /** POST /customers: what `make url` prints. */
  api_url: string;
  /** The stage's base URL: every route is stage_url + its path. */
  stage_url: string;
  api_id: string;
  stage_name: string;
  api_key_parameter_name: string;
  db_name_parameter_name: string;
  table_name: string;
  emails_table_name: string;
  idempotency_table_name: string;
  kms_key_arn: string;
  /** Route name (service/src/routes.ts) -> its function's name. */
  function_names: Record<string, string>;
  usage_plan_id: string;
}

export interface LocalTarget {
  endpoint: string;
  deployId: string;
  /**
   * Whose resource settings go to the emulator: the local profile (default), or the aws profile's (the rehearsal:
   * AWS_REHEARSAL_ENDPOINT, with the toolchain's provider by explicit opt-in, as this machine has no registry).
   */
  profile?: 'local' | 'aws';
  /** Test-only: changes the synthesized stacks (cdktf.out/<deployId>/stacks) before they are deployed. */
  editSynth?: (stacksDir: string) => void;
  /** More environment for make and deploy.sh (the deployer-role rehearsal: the role's credentials). */
  env?: NodeJS.ProcessEnv;
}

export const repoRoot = path.resolve(__dirname, '../..');

const envOf = (target: LocalTarget): NodeJS.ProcessEnv => ({
  ...process.env,
  DEPLOY_ID: target.deployId,
  RUNNER: 'native',
  // aws: AUTO_APPROVE as a pipeline runs it (no terminal to confirm the plan on); a test of the confirmation unsets it.
  ...(target.profile === 'aws'
    ? { AWS_REHEARSAL_ENDPOINT: target.endpoint, USE_TOOLCHAIN_PROVIDER: '1', AUTO_APPROVE: '1' }
    : { EMULATOR_ENDPOINT: target.endpoint, EMULATOR_PUBLIC_ENDPOINT: target.endpoint }),
  ...target.env,
});

// The suite's emulator is where both the deployer and the test's requests go: the public endpoint compose sets for
// `make deploy` (localhost on your machine) is not it.
function run(target: LocalTarget, command: string, args: string[]): void {
  execFileSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: envOf(target) });
}

export function deployStack(target: LocalTarget): StackOutputs {
  const env = target.profile ?? 'local';
  run(target, 'make', ['_synth', `ENV=${env}`]);
  target.editSynth?.(path.join(repoRoot, 'cdktf.out', target.deployId, 'stacks'));
  run(target, 'scripts/deploy.sh', ['up', env]);
  const outputsFile = path.join(repoRoot, '.state', target.deployId, 'outputs.json');
  return JSON.parse(readFileSync(outputsFile, 'utf8')) as StackOutputs;
}

export function destroyStack(target: LocalTarget): void {
  run(target, 'scripts/deploy.sh', ['down', target.profile ?? 'local']);
}

export interface MakeResult { status: number | null; output: string }

/**
 * `make <args> ENV=<profile>` as a user runs it, `env` over the target's; status and output. Without a terminal,
 * or, with `typed`, in one (util-linux `script`, a pseudo-terminal) where `typed` is what the user types.
 */
export function makeStack(target: LocalTarget, args: string[], env: NodeJS.ProcessEnv = {}, typed?: string): MakeResult {
  const make = ['make', ...args, `ENV=${target.profile ?? 'local'}`];
  const [command, ...commandArgs] = typed === undefined ? make : ['script', '--quiet', '--return', '--command', make.join(' '), '/dev/null'];
  const result = spawnSync(command, commandArgs, {
    cwd: repoRoot, env: { ...envOf(target), ...env }, encoding: 'utf8',
    ...(typed === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input: `${typed}\n` }),
  });
  const output = `${result.stdout}${result.stderr}`;
  process.stdout.write(output);
  return { status: result.status, output };
}

/** `make clean` as a user runs it (CONFIRM when given); its exit status and what it printed, for assertions. */
export function cleanStack(target: LocalTarget, confirm?: string, env: NodeJS.ProcessEnv = {}): MakeResult {
  return makeStack(target, ['clean', ...(confirm ? [`CONFIRM=${confirm}`] : [])], env);
}
