import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AWS_PROVIDER_CONSTRAINT, STATE_PASSPHRASE_VARIABLE } from './provider';
import { stackDir, synthProfile, tempDir, TerraformJson } from './test-support/synth';

/** What these tests read beyond the shared TerraformJson shape. */
interface EncryptedJson {
  terraform: { encryption: { key_provider: Record<string, { state: Record<string, unknown> }> }; backend: Record<string, Record<string, unknown>> };
  variable?: Record<string, Record<string, unknown>>;
}
const withEncryption = (json: TerraformJson): EncryptedJson => json as unknown as EncryptedJson;

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
    });
  });

  it('tags nothing: tags only matter on AWS, and a tagged key costs the apply a 4 s poll', () => {
    for (const json of [s.paramsJson, s.apiJson]) expect(json.provider.aws[0]).not.toHaveProperty('default_tags');
  });

  it('still asks the emulator\'s STS for the account id, which the key policy reads through aws_caller_identity', () => {
    const [provider] = s.apiJson.provider.aws;
    expect(provider).not.toHaveProperty('skip_requesting_account_id');
    expect((provider.endpoints as Record<string, string>[])[0].sts).toBe('http://127.0.0.1:4599');
    expect(Object.keys(s.apiJson.data.aws_caller_identity)).toHaveLength(1);
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

  it('keeps state in S3, SSE-KMS with the state key, with S3-native locking when TF_STATE_BUCKET is set', () => {
    const { apiJson, paramsJson } = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1', TF_STATE_BUCKET: 'acme-tf-state' });
    expect(apiJson.terraform.backend).toEqual({
      s3: {
        bucket: 'acme-tf-state',
        key: 'customers-api/aws/api.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: 'alias/customers-api-state',
        use_lockfile: true,
      },
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

/** The encryption block both stacks must carry, with `keyProvider` as its only key provider. */
const encryptionWith = (keyProvider: Record<string, Record<string, unknown>>) => {
  const type = Object.keys(keyProvider)[0];
  const method = { method: 'method.aes_gcm.state', enforced: true };
  return { key_provider: keyProvider, method: { aes_gcm: { state: { keys: `key_provider.${type}.state` } } }, state: method, plan: method };
};

describe('state and plan encryption', () => {
  it('local: both stacks encrypt state and plans with AES-GCM under a key derived from a sensitive passphrase variable', () => {
    const s = synthProfile({ DEPLOY_ENV: 'local' });
    for (const json of [s.paramsJson, s.apiJson].map(withEncryption)) {
      expect(json.terraform.encryption).toEqual(encryptionWith({
        pbkdf2: { state: { passphrase: `\${var.${STATE_PASSPHRASE_VARIABLE}}`, iterations: 200_000 } },
      }));
      expect(json.variable?.[STATE_PASSPHRASE_VARIABLE]).toEqual(expect.objectContaining({ type: 'string', sensitive: true }));
      expect(json.variable?.[STATE_PASSPHRASE_VARIABLE]).not.toHaveProperty('default');
    }
  });

  it('aws: both stacks wrap a per-snapshot data key with the state KMS key (TF_STATE_KMS_KEY, default alias/customers-api-state)', () => {
    const byDefault = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-1' });
    for (const json of [byDefault.paramsJson, byDefault.apiJson].map(withEncryption)) {
      expect(json.terraform.encryption).toEqual(encryptionWith({
        aws_kms: { state: { kms_key_id: 'alias/customers-api-state', key_spec: 'AES_256', region: 'eu-west-1' } },
      }));
      expect(json).not.toHaveProperty('variable');
    }
    const chosen = synthProfile({ DEPLOY_ENV: 'aws', TF_STATE_KMS_KEY: 'arn:aws:kms:us-east-1:111122223333:key/abc', TF_STATE_BUCKET: 'b' });
    const json = withEncryption(chosen.apiJson);
    expect(json.terraform.encryption.key_provider.aws_kms.state.kms_key_id).toBe('arn:aws:kms:us-east-1:111122223333:key/abc');
    expect(json.terraform.backend.s3.kms_key_id).toBe('arn:aws:kms:us-east-1:111122223333:key/abc');
  });
});

describe('the aws rehearsal (AWS_REHEARSAL_ENDPOINT)', () => {
  const s = synthProfile({ DEPLOY_ENV: 'aws', AWS_REHEARSAL_ENDPOINT: 'http://127.0.0.1:4603', TF_STATE_BUCKET: 'ignored' });

  it('sends every service to the emulator with test credentials and keeps state locally', () => {
    const [provider] = s.apiJson.provider.aws;
    expect(provider).toEqual(expect.objectContaining({ access_key: 'test', secret_key: 'test', default_tags: TAGS('aws') }));
    expect(Object.values((provider.endpoints as Record<string, string>[])[0])).toEqual(Array(8).fill('http://127.0.0.1:4603'));
    expect(s.apiJson.terraform.backend).toEqual({ local: { path: '../../../../.state/aws/api.tfstate' } });
  });

  it('keeps the aws state encryption (KMS, here the emulator\'s)', () => {
    expect(withEncryption(s.apiJson).terraform.encryption.key_provider).toHaveProperty('aws_kms');
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
