import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, defaultPaths } from './app';
import { loadProfile } from './profiles';
import { ROUTES } from '../service/src/routes';
import { SAMPLE_ROUTES } from '../service/test-support/routes';
import { fixtureBundles, named, stackDir, synthProfile, tempDir, TerraformJson } from './test-support/synth';

const readStack = (dir: string): TerraformJson => JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));

describe('app synth', () => {
  const lambdaOf = (json: TerraformJson, route: string) => named(json, 'aws_lambda_function', `customers-api-local-${route}`).config;

  it.each(['local', 'aws'])('writes both %s stacks and ships each route\'s bundle next to the api stack, to its own function', (env) => {
    const s = synthProfile({ DEPLOY_ENV: env });
    s.stacks.app.synth();
    const apiDir = stackDir(s, s.stacks.api);
    expect(readStack(stackDir(s, s.stacks.params)).resource.aws_ssm_parameter).toBeDefined();
    for (const { name } of ROUTES) {
      const lambda = named(readStack(apiDir), 'aws_lambda_function', `customers-api-${env}-${name}`).config;
      const shipped = path.join(apiDir, lambda.filename as string);
      expect(readFileSync(shipped)).toEqual(readFileSync(path.join(s.paths.bundleDir, `${name}.zip`)));
    }
  });

  it('redeploys a function when its bundle content changes, and only that one', () => {
    const synthWith = (content: string) => synthProfile({ DEPLOY_ENV: 'local' }, { bundleDir: fixtureBundles(tempDir(), content) });
    const [v1, v1Again, v2] = [synthWith('v1'), synthWith('v1'), synthWith('v2')].map((s) => s.apiJson);
    for (const { name } of ROUTES) {
      const before = lambdaOf(v1, name);
      expect(lambdaOf(v1Again, name).source_code_hash).toBe(before.source_code_hash);
      expect(lambdaOf(v2, name).source_code_hash).not.toBe(before.source_code_hash);
      expect(lambdaOf(v2, name).filename).not.toBe(before.filename);
    }
  });

  it('redeploys only the function whose bundle changed', () => {
    const [changed, unchanged] = SAMPLE_ROUTES;
    const synthWith = (dir: string) => synthProfile({ DEPLOY_ENV: 'local' }, { bundleDir: dir }, SAMPLE_ROUTES).apiJson;
    const dir = fixtureBundles(tempDir(), 'v1', SAMPLE_ROUTES);
    const before = synthWith(dir);
    writeFileSync(path.join(dir, `${changed.name}.zip`), 'changed');
    const after = synthWith(dir);
    expect(lambdaOf(after, changed.name).source_code_hash).not.toBe(lambdaOf(before, changed.name).source_code_hash);
    expect(lambdaOf(after, unchanged.name).source_code_hash).toBe(lambdaOf(before, unchanged.name).source_code_hash);
  });

  it('synthesizes into cdktf.out/<workspace> and reads dist/<route>.zip at the repo root', () => {
    const root = path.resolve(__dirname, '..');
    expect(defaultPaths(loadProfile({ DEPLOY_ENV: 'aws' }))).toEqual({
      outdir: path.join(root, 'cdktf.out', 'aws'),
      bundleDir: path.join(root, 'dist'),
      stateDir: path.join(root, '.state'),
    });
    expect(defaultPaths(loadProfile({ DEPLOY_ID: 'e2e-1' })).outdir).toBe(path.join(root, 'cdktf.out', 'e2e-1'));
  });

  it('refuses to synth without a bundle and says how to build one', () => {
    const root = tempDir();
    const missing = path.join(root, 'dist');
    expect(() => createApp(loadProfile({}), { outdir: path.join(root, 'out'), bundleDir: missing, stateDir: root }))
      .toThrow(/dist\/create-customer\.zip not found: run `make build` first/);
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
