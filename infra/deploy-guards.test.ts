// scripts/deploy.sh's guards, run for real (no emulator, no AWS: each refuses before calling either).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp } from './app';
import { loadProfile } from './profiles';
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
});
