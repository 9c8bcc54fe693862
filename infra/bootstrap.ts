// Synthesizes the bootstrap stack (infra/bootstrap-stack.ts) into cdktf.out/bootstrap; scripts/bootstrap.sh applies it.
// Settings, from the environment: BOOTSTRAP_GITHUB_REPOSITORY (owner/name, required), BOOTSTRAP_GITHUB_ENVIRONMENT
// (default aws), BOOTSTRAP_OIDC_PROVIDER (create, the default, or existing), TF_STATE_BUCKET (default
// customers-api-state-<account>-<region>), AWS_REGION; BOOTSTRAP_REHEARSAL_ENDPOINT: an emulator instead of AWS, and
// BOOTSTRAP_WORKSPACE: synth output and state under that name instead of `bootstrap` (tests).
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { BootstrapStack } from './bootstrap-stack';

const REPO_ROOT = path.resolve(__dirname, '..');
const setting = (name: string) => process.env[name]?.trim() || undefined;

try {
  const githubRepository = setting('BOOTSTRAP_GITHUB_REPOSITORY') ?? '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(githubRepository)) {
    throw new Error(`BOOTSTRAP_GITHUB_REPOSITORY must be owner/name, the repository whose jobs may deploy (got "${githubRepository}")`);
  }
  const oidc = setting('BOOTSTRAP_OIDC_PROVIDER') ?? 'create';
  if (oidc !== 'create' && oidc !== 'existing') {
    throw new Error(`BOOTSTRAP_OIDC_PROVIDER must be create or existing (got "${oidc}")`);
  }
  const workspace = setting('BOOTSTRAP_WORKSPACE') ?? 'bootstrap';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(workspace)) throw new Error(`BOOTSTRAP_WORKSPACE must be lowercase letters, digits and dashes (got "${workspace}")`);
  const outdir = path.join(REPO_ROOT, 'cdktf.out', workspace);
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const stackDir = path.join(outdir, 'stacks', 'bootstrap');
  new BootstrapStack(app, 'bootstrap', {
    region: setting('AWS_REGION') ?? setting('AWS_DEFAULT_REGION') ?? 'us-east-1',
    githubRepository,
    githubEnvironment: setting('BOOTSTRAP_GITHUB_ENVIRONMENT') ?? 'aws',
    createOidcProvider: oidc === 'create',
    stateBucket: setting('TF_STATE_BUCKET'),
    emulatorEndpoint: setting('BOOTSTRAP_REHEARSAL_ENDPOINT'),
    statePath: path.relative(stackDir, path.join(REPO_ROOT, '.state', workspace, 'bootstrap.tfstate')),
  });
  app.synth();
  console.log(`synthesized the bootstrap: ${path.relative(process.cwd(), stackDir)}/cdk.tf.json`);
} catch (error) {
  console.error(`synth failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
