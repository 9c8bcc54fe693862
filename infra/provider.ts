// The only place where `local` and `aws` wire Terraform differently: the provider, the state backend and how
// OpenTofu encrypts state and plans.
import * as path from 'node:path';
import { App, LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider, AwsProviderConfig, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { Profile, StateEncryption } from './profiles';

// Exact: the version the toolchain builds into its mirror (scripts/toolchain/versions.env) and a registry serves,
// so `local` on an air-gapped machine and `aws` on a laptop run the same provider.
export const AWS_PROVIDER_CONSTRAINT = '6.34.0';

/** Exactly the services the stacks call (a missing one would silently go to real AWS); nothing beyond them. */
export const EMULATED_SERVICES = ['apigateway', 'cloudwatchlogs', 'dynamodb', 'iam', 'kms', 'lambda', 'ssm', 'sts'] as const;

/**
 * Mirrors what LocalStack's `tflocal` writes into `localstack_providers_override.tf`: test credentials,
 * no credential or metadata-API checks, path-style S3, and every endpoint pointed at the emulator.
 * Like tflocal we do NOT set `skip_requesting_account_id`: the provider builds ARNs from the account id
 * (e.g. the API's `execution_arn` used in the Lambda permission) and the key policy needs it through
 * `data.aws_caller_identity`. Both emulators answer STS GetCallerIdentity (LocalStack: 000000000000).
 */
function emulatorProvider(endpoint: string, credentials?: 'caller'): Partial<AwsProviderConfig> {
  const endpoints: AwsProviderEndpoints = Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]));
  return {
    // `caller`: the environment's credentials, as on AWS (the deployer-role rehearsal's assumed role).
    ...(credentials === 'caller' ? {} : { accessKey: 'test', secretKey: 'test' }),
    skipCredentialsValidation: true,
    skipMetadataApiCheck: 'true',
    s3UsePathStyle: true,
    endpoints: [endpoints],
  };
}

/** Backend paths are relative to the stack's working dir (`<outdir>/stacks/<stack>`), so synth output stays machine independent. */
function localStatePath(stack: TerraformStack, stateDir: string, workspace: string): string {
  const stackDir = path.join(App.of(stack).outdir, 'stacks', stack.node.id);
  const stateFile = path.join(stateDir, workspace, `${stack.node.id}.tfstate`);
  return path.relative(stackDir, stateFile).split(path.sep).join(path.posix.sep);
}

function addBackend(stack: TerraformStack, { target, workspace }: Profile, stateDir: string): void {
  if (target.kind === 'aws' && target.s3State) {
    const { bucket, region, lockTable, kmsKeyId } = target.s3State;
    const backend = new S3Backend(stack, {
      bucket,
      region,
      key: `customers-api/${workspace}/${stack.node.id}.tfstate`,
      // SSE-KMS with the state key, under OpenTofu's own encryption: a reader needs both the object and the key.
      encrypt: true,
      kmsKeyId,
      dynamodbTable: lockTable,
    });
    // S3-native locking (Terraform/OpenTofu >= 1.10); cdktf 0.21 has no typed field for it.
    if (!lockTable) backend.addOverride('use_lockfile', true);
    return;
  }
  new LocalBackend(stack, { path: localStatePath(stack, stateDir, workspace) });
}

/** The variable scripts/deploy.sh fills (TF_VAR_state_passphrase) from the passphrase file it generates. */
export const STATE_PASSPHRASE_VARIABLE = 'state_passphrase';

/**
 * OpenTofu's state and plan encryption (https://opentofu.org/docs/language/state/encryption/): the api stack's
 * state holds the API key's value, so no state or plan file is ever written in plaintext (`enforced`). There is no
 * unencrypted fallback: an old plaintext state is refused rather than silently read and rewritten.
 */
function addStateEncryption(stack: TerraformStack, encryption: StateEncryption): void {
  let keyProvider: Record<string, unknown>;
  if (encryption.keyProvider === 'pbkdf2') {
    const passphrase = new TerraformVariable(stack, STATE_PASSPHRASE_VARIABLE, {
      type: 'string',
      sensitive: true,
      description: 'Derives the state encryption key; scripts/deploy.sh reads it from its 0600 passphrase file',
    });
    // The passphrase is 32 random bytes, so key stretching adds nothing: OpenTofu's minimum iterations (200,000,
    // not its default 600,000) saves about 0.3 s on each of the several state reads and writes of every run.
    keyProvider = { pbkdf2: { state: { passphrase: passphrase.stringValue, iterations: 200_000 } } };
  } else {
    // A fresh data key per state snapshot, wrapped by the KMS key (AES_256: what aes_gcm needs).
    keyProvider = { aws_kms: { state: { kms_key_id: encryption.kmsKeyId, key_spec: 'AES_256', region: encryption.region } } };
  }
  const [type] = Object.keys(keyProvider);
  // Bare traversals, not "${...}" templates: the encryption block is evaluated before anything else and its JSON
  // form accepts only static references here.
  const method = { method: 'method.aes_gcm.state', enforced: true };
  stack.addOverride('terraform.encryption', {
    key_provider: keyProvider,
    method: { aes_gcm: { state: { keys: `key_provider.${type}.state` } } },
    state: method,
    plan: method,
  });
}

/** Adds the AWS provider, the state backend and state encryption for `profile` to `stack`. */
export function configureDeployTarget(stack: TerraformStack, profile: Profile, stateDir: string): AwsProvider {
  addBackend(stack, profile, stateDir);
  addStateEncryption(stack, profile.stateEncryption);
  // cdktf pins the exact provider version its bindings were generated from (6.25.0); the bindings fit any 6.x, so
  // override it with the exact version the toolchain mirrors (AWS_PROVIDER_CONSTRAINT).
  stack.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: AWS_PROVIDER_CONSTRAINT });
  return new AwsProvider(stack, 'aws', {
    region: profile.region,
    ...(Object.keys(profile.tags).length > 0 ? { defaultTags: [{ tags: { ...profile.tags } }] } : {}),
    ...(profile.target.kind === 'emulator' ? emulatorProvider(profile.target.endpoint, profile.target.credentials) : {}),
  });
}
