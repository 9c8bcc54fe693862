import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AWS_PROVIDER_CONSTRAINT, EMULATED_SERVICES } from './provider';
import { stackDir, synthProfile, tempDir } from './test-support/synth';

setupJest();

const SKIP_FLAGS = ['skip_credentials_validation', 'skip_metadata_api_check', 'skip_requesting_account_id', 'skip_region_validation'];
const TAGS = (env: string) => [{ tags: { app: 'customers-api', env, 'managed-by': 'cdktf' } }];

describe('provider for the local profile', () => {
  const s = synthProfile({ DEPLOY_ENV: 'local', EMULATOR_ENDPOINT: 'http://127.0.0.1:4599', AWS_REGION: 'eu-central-1' });

  it.each(['params', 'api'] as const)('%s stack sends every service it uses to EMULATOR_ENDPOINT and nothing else', (stack) => {
    const [provider] = s[`${stack}Json`].provider.aws;
    expect(provider.endpoints).toEqual([
      Object.fromEntries(['apigateway', 'cloudwatchlogs', 'dynamodb', 'iam', 'kms', 'lambda', 'ssm', 'sts'].map((svc) => [svc, 'http://127.0.0.1:4599'])),
    ]);
  });

  it('uses test credentials and skips the checks only real AWS can answer, like tflocal', () => {
    expect(s.api).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-central-1',
      access_key: 'test',
      secret_key: 'test',
      skip_credentials_validation: true,
      skip_metadata_api_check: 'true',
      s3_use_path_style: true,
      default_tags: TAGS('local'),
    });
  });

  it('still asks STS for the account id, which execution ARNs and the key policy need', () => {
    const [provider] = s.apiJson.provider.aws;
    expect(provider).not.toHaveProperty('skip_requesting_account_id');
    expect(EMULATED_SERVICES).toContain('sts');
  });

  it('keeps state in .state/<env>/<stack>.tfstate, relative to the stack dir', () => {
    for (const stack of [s.stacks.params, s.stacks.api]) {
      const backend = (stack === s.stacks.api ? s.apiJson : s.paramsJson).terraform.backend;
      expect(Object.keys(backend)).toEqual(['local']);
      const statePath = backend.local.path as string;
      expect(path.isAbsolute(statePath)).toBe(false);
      expect(statePath).toBe(`../../../../.state/local/${stack.node.id}.tfstate`);
      expect(path.resolve(stackDir(s, stack), statePath)).toBe(path.join(s.paths.stateDir, 'local', `${stack.node.id}.tfstate`));
    }
  });
});

describe('provider for the aws profile', () => {
  const s = synthProfile({ DEPLOY_ENV: 'aws', AWS_DEFAULT_REGION: 'ap-southeast-2', EMULATOR_ENDPOINT: 'http://localhost:4566' });

  it('is plain AWS: region and default tags, no credentials, endpoints or skip flags', () => {
    for (const json of [s.paramsJson, s.apiJson]) {
      expect(json.provider.aws).toEqual([{ region: 'ap-southeast-2', default_tags: TAGS('aws') }]);
    }
    const text = JSON.stringify(s.apiJson.provider);
    for (const flag of [...SKIP_FLAGS, 'endpoints', 'access_key', 'secret_key', 's3_use_path_style']) expect(text).not.toContain(flag);
  });

  it('keeps state locally when TF_STATE_BUCKET is not set', () => {
    expect(s.apiJson.terraform.backend).toEqual({ local: { path: '../../../../.state/aws/api.tfstate' } });
  });

  it('keeps state in S3 with S3-native locking when TF_STATE_BUCKET is set', () => {
    const { apiJson, paramsJson } = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', TF_STATE_BUCKET: 'acme-tf-state' });
    expect(apiJson.terraform.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'customers-api/aws/api.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(paramsJson.terraform.backend.s3.key).toBe('customers-api/aws/params.tfstate');
  });

  it('uses TF_STATE_REGION and a DynamoDB lock table when given', () => {
    const { apiJson } = synthProfile({
      DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', TF_STATE_BUCKET: 'acme-tf-state', TF_STATE_REGION: 'us-east-2', TF_STATE_LOCK_TABLE: 'tf-locks',
    });
    expect(apiJson.terraform.backend.s3).toEqual(expect.objectContaining({ region: 'us-east-2', dynamodb_table: 'tf-locks' }));
    expect(apiJson.terraform.backend.s3).not.toHaveProperty('use_lockfile');
  });
});

describe('both profiles', () => {
  it.each(['local', 'aws'])('%s pins hashicorp/aws to the version the toolchain mirrors', (env) => {
    const { apiJson, paramsJson } = synthProfile({ DEPLOY_ENV: env });
    for (const json of [apiJson, paramsJson]) {
      expect(json.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: AWS_PROVIDER_CONSTRAINT });
    }
    const versions = readFileSync(path.join(__dirname, '../scripts/toolchain/versions.env'), 'utf8');
    expect(versions).toContain(`AWS_PROVIDER_VERSION=${AWS_PROVIDER_CONSTRAINT}\n`);
  });

  it('separates the synth output and state of a DEPLOY_ID workspace', () => {
    const root = tempDir();
    const s = synthProfile({ DEPLOY_ENV: 'local', DEPLOY_ID: 'e2e-run-1' }, {
      outdir: path.join(root, 'cdktf.out', 'e2e-run-1'),
      stateDir: path.join(root, '.state'),
    });
    expect(s.apiJson.terraform.backend.local.path).toBe('../../../../.state/e2e-run-1/api.tfstate');
    expect(s.apiJson.resource.aws_lambda_function).toBeDefined();
  });
});
