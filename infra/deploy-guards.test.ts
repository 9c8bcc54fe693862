// scripts/deploy.sh's guards, run for real (no emulator, no AWS: each refuses before calling either).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp } from './app';
import { loadProfile } from './profiles';
import { workspaceSettings } from './workspace-settings';
import { fixtureBundles, tempDir } from './test-support/synth';

const repoRoot = path.resolve(__dirname, '..');
/** Runs deploy.sh with `env` over this process's environment; an undefined value removes the variable. */
const deploy = (args: string[], env: Record<string, string | undefined>) => {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined));
  const result = spawnSync('scripts/deploy.sh', args, { cwd: repoRoot, encoding: 'utf8', env: merged });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

describe('scripts/deploy.sh', () => {
  // A workspace of its own, so the guards never create or touch .state/local or .state/aws.
  const deployId = `guard-${process.pid}`;
  const stateDir = path.join(repoRoot, '.state', deployId);
  afterAll(() => {
    rmSync(path.join(repoRoot, 'cdktf.out', deployId), { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('ENV=aws with no OpenTofu installed says how to get one and builds nothing', () => {
    const cache = path.join(tempDir(), 'cache');
    // Only node from this process's directory: in the tools image node and tofu share /usr/local/bin.
    const nodeDir = path.join(tempDir(), 'bin');
    mkdirSync(nodeDir);
    symlinkSync(process.execPath, path.join(nodeDir, 'node'));
    const { status, output } = deploy(['up', 'aws'], {
      TF_BIN: undefined, CUSTOMERS_API_CACHE: cache, PATH: `${nodeDir}:/usr/bin:/bin`, DEPLOY_ID: deployId,
    });
    expect(status).toBe(1);
    expect(output).toContain('No OpenTofu found. ENV=aws deploys with OpenTofu');
    expect(output).toContain('https://opentofu.org/docs/intro/install/');
    expect(existsSync(path.join(cache, 'stamps'))).toBe(false);
  });

  it.each(['local', 'aws'])('refuses Terraform for ENV=%s: it has no state encryption', (env) => {
    const bin = path.join(tempDir(), 'terraform');
    writeFileSync(bin, '#!/bin/sh\necho "Terraform v1.9.8"\n', { mode: 0o755 });
    const { status, output } = deploy(['up', env], { TF_BIN: bin, DEPLOY_ID: deployId });
    expect(status).toBe(1);
    expect(output).toContain('Terraform has no state encryption');
  });

  describe('down for a workspace whose tables are protected (aws)', () => {
    beforeAll(() => {
      const profile = loadProfile({ DEPLOY_ENV: 'aws', DEPLOY_ID: deployId });
      const outdir = path.join(repoRoot, 'cdktf.out', deployId);
      createApp(profile, { outdir, bundleDir: fixtureBundles(tempDir()), stateDir: path.join(repoRoot, '.state') }).app.synth();
      mkdirSync(stateDir, { recursive: true });
    });

    it.each([['no', undefined], ['a wrong', 'customers-api-aws']])(
      'refuses with %s CONFIRM before running any engine step, naming the confirmation',
      (_what, confirm) => {
        const { status, output } = deploy(['down', 'aws'], { DEPLOY_ID: deployId, CONFIRM: confirm });
        expect(status).toBe(3);
        expect(output).toContain('Nothing was destroyed');
        expect(output).toContain(`make clean ENV=aws CONFIRM=customers-api-${deployId}`);
        expect(readdirSync(stateDir).filter((file) => file.endsWith('.log'))).toEqual([]);
      },
    );
  });

  // The bypass of the last review: TABLE_DELETION_PROTECTION=off synthesized tables without protection, and the
  // guard, which read the synthesized config, let the destroy through.
  it('make clean ENV=aws TABLE_DELETION_PROTECTION=off without CONFIRM destroys nothing either', () => {
    const result = spawnSync('make', ['clean', 'ENV=aws', 'RUNNER=native', 'TABLE_DELETION_PROTECTION=off'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DEPLOY_ID: deployId, CONFIRM: '', MAKEFLAGS: '' },
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(output).toContain('Nothing was destroyed');
    expect(output).toContain(`make clean ENV=aws CONFIRM=customers-api-${deployId}`);
    // It did synthesize the unprotected tables the bypass relied on, and still refused.
    const api = JSON.parse(readFileSync(path.join(repoRoot, 'cdktf.out', deployId, 'stacks', 'api', 'cdk.tf.json'), 'utf8')) as
      { resource: { aws_dynamodb_table: Record<string, { deletion_protection_enabled: boolean }> } };
    expect(Object.values(api.resource.aws_dynamodb_table).map((t) => t.deletion_protection_enabled)).toEqual([false, false, false]);
    expect(readdirSync(stateDir).filter((file) => file.endsWith('.log'))).toEqual([]);
  }, 120_000);

  describe('settings that differ from the ones recorded for the workspace', () => {
    // An engine that only says what it is and records every other call, so a test sees that none was made.
    const engineDir = tempDir();
    const calls = path.join(engineDir, 'calls');
    const engine = path.join(engineDir, 'tofu');
    writeFileSync(engine, `#!/bin/sh
[ "$1" = version ] && { echo "OpenTofu v1.12.6"; exit 0; }
echo "$@" >>${calls}
`, { mode: 0o755 });
    const recorded = { ...workspaceSettings(loadProfile({ DEPLOY_ENV: 'aws', DEPLOY_ID: deployId })), TF_STATE_BUCKET: 'team-state' };
    beforeAll(() => {
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(path.join(stateDir, 'settings.json'), JSON.stringify(recorded));
    });
    afterAll(() => rmSync(path.join(stateDir, 'settings.json'), { force: true }));

    it.each(['plan', 'up', 'drift', 'down'])('stop `deploy.sh %s aws` before any engine step, naming the setting and both ways out', (action) => {
      const { status, output } = deploy([action, 'aws'], {
        DEPLOY_ID: deployId, TF_BIN: engine, TF_STATE_BUCKET: undefined, CONFIRM: `customers-api-${deployId}`,
      });
      expect(status).toBe(4);
      expect(output).toContain('Nothing was changed');
      expect(output).toContain('TF_STATE_BUCKET: recorded "team-state", now unset');
      expect(output).toContain('starts from an empty state and creates everything again');
      expect(output).toContain('export TF_STATE_BUCKET=team-state');
      expect(output).toContain('make settings-update ENV=aws');
      expect(existsSync(calls)).toBe(false);
    });
  });

  // What a terminal's Ctrl-C does to an engine step (scripts/lib/engine-step.sh). The engine here is a stand-in that
  // counts the SIGINTs it gets (nothing else makes a tofu apply take seconds on cue); the real one is interrupted in
  // integration/aws-rehearsal.test.ts.
  it('Ctrl-C twice during an engine step: one SIGINT reaches the engine, the step waits for it and exits 130', async () => {
    const dir = tempDir();
    const engine = path.join(dir, 'tofu');
    const received = path.join(dir, 'received');
    writeFileSync(engine, `#!/usr/bin/env node
console.log('aws_lambda_function.f: Modifying... [id=f]');
process.on('SIGINT', () => { require('fs').appendFileSync(${JSON.stringify(received)}, 'INT\\n'); setTimeout(() => process.exit(1), 1500); });
setTimeout(() => process.exit(0), 20000);
`, { mode: 0o755 });
    const harness = 'set -euo pipefail; stacks=$1; logs=$1; TF_BIN=$2; source scripts/lib/engine-step.sh; step apply-api api apply';
    const child = spawn('bash', ['-c', harness, 'harness', dir, engine], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 700));
    // As a terminal does: to the whole foreground process group, twice.
    process.kill(-(child.pid ?? 0), 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await exited).toBe(130);
    expect(readFileSync(received, 'utf8')).toBe('INT\n');
    expect(output).toContain('Interrupted: asking OpenTofu to stop (one SIGINT)');
    expect(output).toContain('still waiting for OpenTofu to stop cleanly (not interrupting it again)');
    expect(output).toContain('aws_lambda_function.f: Modifying... [id=f]');
    expect(output).toContain('OpenTofu stopped after the interrupt (exit 1); state and lock are consistent');
  }, 30_000);
});
