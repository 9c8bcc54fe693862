import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, defaultPaths } from './app';
import { loadProfile } from './profiles';
import { fixtureBundle, only, stackDir, synthProfile, tempDir, TerraformJson } from './test-support/synth';

const readStack = (dir: string): TerraformJson => JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));

describe('app synth', () => {
  it.each(['local', 'aws'])('writes both %s stacks and ships the bundle next to the api stack', (env) => {
    const s = synthProfile({ DEPLOY_ENV: env });
    s.stacks.app.synth();
    const apiDir = stackDir(s, s.stacks.api);
    expect(readStack(stackDir(s, s.stacks.params)).resource.aws_ssm_parameter).toBeDefined();
    const lambda = only(readStack(apiDir), 'aws_lambda_function').config;
    const shipped = path.join(apiDir, lambda.filename as string);
    expect(readFileSync(shipped)).toEqual(readFileSync(s.paths.bundlePath));
  });

  it('redeploys the function when the bundle content changes', () => {
    const synthWith = (content: string) => synthProfile({ DEPLOY_ENV: 'local' }, { bundlePath: fixtureBundle(tempDir(), content) });
    const before = only(synthWith('v1').apiJson, 'aws_lambda_function').config;
    const same = only(synthWith('v1').apiJson, 'aws_lambda_function').config;
    const after = only(synthWith('v2').apiJson, 'aws_lambda_function').config;
    expect(same.source_code_hash).toBe(before.source_code_hash);
    expect(after.source_code_hash).not.toBe(before.source_code_hash);
    expect(after.filename).not.toBe(before.filename);
  });

  it('synthesizes into cdktf.out/<workspace> and reads dist/lambda.zip at the repo root', () => {
    const root = path.resolve(__dirname, '..');
    expect(defaultPaths(loadProfile({ DEPLOY_ENV: 'aws' }))).toEqual({
      outdir: path.join(root, 'cdktf.out', 'aws'),
      bundlePath: path.join(root, 'dist', 'lambda.zip'),
      stateDir: path.join(root, '.state'),
    });
    expect(defaultPaths(loadProfile({ DEPLOY_ID: 'e2e-1' })).outdir).toBe(path.join(root, 'cdktf.out', 'e2e-1'));
  });

  it('refuses to synth without a bundle and says how to build one', () => {
    const root = tempDir();
    const missing = path.join(root, 'dist', 'lambda.zip');
    expect(() => createApp(loadProfile({}), { outdir: path.join(root, 'out'), bundlePath: missing, stateDir: root }))
      .toThrow(/lambda\.zip not found: run `make build` first/);
  });

  it('main.ts exits non-zero with a one-line reason for an unknown DEPLOY_ENV', () => {
    const run = () => execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'main.ts')], {
      env: { ...process.env, DEPLOY_ENV: 'staging' },
      stdio: 'pipe',
    });
    let failure: { status: number; stderr: Buffer } | undefined;
    try { run(); } catch (error) { failure = error as { status: number; stderr: Buffer }; }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr.toString().trim()).toBe('synth failed: DEPLOY_ENV must be one of local, aws (got "staging")');
    expect(existsSync(path.join(__dirname, '..', 'cdktf.out', 'staging'))).toBe(false);
  });
});
