// Deploys the local stack only when what is deployed is out of date: after a synth, the hash of both stacks' Terraform
// JSON (which names the bundle by its content hash) must equal the one recorded after the last apply made from here,
// and the emulator must still hold every route's function, each running exactly its built zip, and the API. Anything else
// (first run, an emulator restarted with empty memory, code pushed by an earlier `make dev`, an infra edit) applies.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { StackOutputs } from '../../integration/support/stack';

export interface LocalWorkspace {
  readonly root: string;
  /** DEPLOY_ID, default `local`: names cdktf.out/<workspace> and .state/<workspace>. */
  readonly workspace: string;
}

const STACKS = ['params', 'api'];

const stateDir = ({ root, workspace }: LocalWorkspace) => path.join(root, '.state', workspace);
const stampFile = (target: LocalWorkspace) => path.join(stateDir(target), 'dev-applied.sha256');
const outputsFile = (target: LocalWorkspace) => path.join(stateDir(target), 'outputs.json');

export const readOutputs = (target: LocalWorkspace): StackOutputs =>
  JSON.parse(readFileSync(outputsFile(target), 'utf8')) as StackOutputs;

/** Runs commands in their own process group, so `stop` can end a command and everything it started. */
export class CommandRunner {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly cwd: string) {}

  run(command: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: this.cwd, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
      this.running.add(child);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        this.running.delete(child);
        if (code === 0) resolve();
        else reject(new Error(`${command} ${args.join(' ')} ${signal ? `stopped by ${signal}` : `exited with ${code}`}`));
      });
    });
  }

  stop(): void {
    for (const child of this.running) {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Synthesizes (which also rebuilds dist/<route>.zip) and returns the hash of both stacks' Terraform JSON. */
async function synthesize(target: LocalWorkspace, runner: CommandRunner): Promise<string> {
  await runner.run('make', ['--no-print-directory', '_synth', 'ENV=local', 'RUNNER=native']);
  const hash = createHash('sha256');
  for (const stack of STACKS) {
    hash.update(readFileSync(path.join(target.root, 'cdktf.out', target.workspace, 'stacks', stack, 'cdk.tf.json')));
  }
  return hash.digest('hex');
}

async function stillDeployed(target: LocalWorkspace, clients: DevClients): Promise<boolean> {
  if (!existsSync(outputsFile(target))) return false;
  const outputs = readOutputs(target);
  // An outputs file from before the per-route layout has no function_names: deploy.
  const functions = Object.entries(outputs.function_names ?? {});
  if (functions.length === 0) return false;
  try {
    const [codeHashes] = await Promise.all([
      Promise.all(functions.map(async ([route, name]) => {
        const built = createHash('sha256').update(readFileSync(path.join(target.root, 'dist', `${route}.zip`))).digest('base64');
        const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
        return fn.Configuration?.CodeSha256 === built;
      })),
      clients.apiGateway.send(new GetRestApiCommand({ restApiId: outputs.api_id })),
    ]);
    return codeHashes.every(Boolean);
  } catch {
    return false;
  }
}

export interface DevClients {
  readonly lambda: LambdaClient;
  readonly apiGateway: APIGatewayClient;
}

/** Synth, then apply both stacks unless the deployment is already exactly this; returns the stack outputs. */
export async function deployIfStale(
  target: LocalWorkspace,
  clients: DevClients,
  runner: CommandRunner,
  say: (line: string) => void,
): Promise<StackOutputs> {
  const hash = await synthesize(target, runner);
  const stamp = existsSync(stampFile(target)) ? readFileSync(stampFile(target), 'utf8').trim() : undefined;
  if (stamp === hash && (await stillDeployed(target, clients))) {
    say('deployment is up to date: nothing to apply');
    return readOutputs(target);
  }
  say(stamp === undefined ? 'deploying (no deploy recorded by make dev yet)' : 'deploying (what is deployed is out of date)');
  const began = Date.now();
  await runner.run('scripts/deploy.sh', ['up', 'local']);
  mkdirSync(stateDir(target), { recursive: true });
  writeFileSync(stampFile(target), `${hash}\n`);
  say(`deployed in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return readOutputs(target);
}
