// The one typed place that says how `local` and `aws` differ. Stacks read fields from here
// instead of branching on the environment name.
import { createHash } from 'node:crypto';

export const ENV_NAMES = ['local', 'aws'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

export const APP_NAME = 'customers-api';
export const DB_NAME = 'DA_Serverless';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_EMULATOR_ENDPOINT = 'http://localhost:4566';
/** The KMS key that encrypts the aws profile's state, unless TF_STATE_KMS_KEY names another (a prerequisite). */
export const DEFAULT_STATE_KMS_KEY = 'alias/customers-api-state';

export interface UsagePlanLimits {
  readonly burstLimit: number;
  readonly rateLimit: number;
  readonly quotaLimit: number;
  readonly quotaPeriod: 'DAY' | 'WEEK' | 'MONTH';
}

export interface S3StateConfig {
  readonly bucket: string;
  readonly region: string;
  /** Legacy DynamoDB lock table; without it the S3 lock file is used. */
  readonly lockTable?: string;
  /** SSE-KMS key for the state objects (the state key: the same one OpenTofu encrypts the state with). */
  readonly kmsKeyId: string;
}

/**
 * How OpenTofu encrypts state and plan files (client side, before they reach disk or S3). `pbkdf2`: a key derived
 * from the passphrase in `var.state_passphrase`, which scripts/deploy.sh reads from a file it generates with mode
 * 0600; `aws_kms`: a data key per snapshot from the KMS key `kmsKeyId`.
 */
export type StateEncryption =
  | { readonly keyProvider: 'pbkdf2' }
  | { readonly keyProvider: 'aws_kms'; readonly kmsKeyId: string; readonly region: string };

/**
 * Stage logging needs API Gateway's account-wide CloudWatch role (one per account and region). `managed`: this
 * stack creates it and resets it on destroy; `existing`: the account already has one (a prerequisite).
 */
export const LOGS_ROLE_MODES = ['managed', 'existing'] as const;
export type ApiGatewayLogsRoleMode = (typeof LOGS_ROLE_MODES)[number];

/** The DynamoDB operations the functions call: SystemErrors is published per table and operation, never per table. */
export type DynamoDbOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan'
  | 'BatchGetItem' | 'BatchWriteItem' | 'TransactGetItems' | 'TransactWriteItems';

/**
 * When an alarm goes off (infra/alarms.ts). Each compares one period's statistic with its threshold; no traffic
 * counts as fine (treat missing data as not breaching).
 */
export interface AlarmThresholds {
  /** Length of the period each alarm evaluates, in seconds. */
  readonly periodSeconds: number;
  /** Periods in a row that must breach before the alarm fires. */
  readonly evaluationPeriods: number;
  /** Share of API requests answered with a 5XX (0 to 1): the Average of API Gateway's 5XXError. */
  readonly api5xxRate: number;
  /** p99 of API Gateway's Latency (request in to response out), in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /** Failed invocations per function and period (crashes, timeouts; the handler answers its own errors). */
  readonly lambdaErrors: number;
  /** Throttled invocations per function and period. */
  readonly lambdaThrottles: number;
  /** Errors DynamoDB reports as its own (HTTP 500) per table, operation and period. */
  readonly dynamoDbSystemErrors: number;
  /** Throttled reads, and separately throttled writes, per table and period. */
  readonly dynamoDbThrottles: number;
  /** The operations whose SystemErrors are watched on every table (add the ones a new route calls). */
  readonly dynamoDbOperations: readonly DynamoDbOperation[];
}

export interface AlarmSettings {
  readonly thresholds: AlarmThresholds;
  /** ALARM_EMAIL: subscribed to the alarm topic (AWS mails a confirmation link first); unset: no subscription. */
  readonly email?: string;
}

/** Where Terraform talks to and where it keeps state. */
export type DeployTarget =
  | {
    readonly kind: 'emulator';
    readonly endpoint: string;
    /** `caller`: the caller's AWS credentials (the deployer-role rehearsal) instead of the emulator's root `test`. */
    readonly credentials?: 'caller';
  }
  | { readonly kind: 'aws'; readonly s3State?: S3StateConfig };

/** What a stage URL is made of; the emulator serves stages under its own path, not a hostname. */
export interface StageAddress {
  readonly apiId: string;
  readonly stageName: string;
  readonly invokeUrl: string;
}

export interface Profile {
  readonly env: EnvName;
  /** Names synth output and state (`cdktf.out/<workspace>`, `.state/<workspace>`): DEPLOY_ID, default the env name. */
  readonly workspace: string;
  readonly region: string;
  /** Prefix for every resource name AWS lets us choose: `customers-api-<env>`. */
  readonly namePrefix: string;
  /** Default tags on every resource: ownership and cost allocation, which only AWS acts on. */
  readonly tags: Readonly<Record<string, string>>;
  readonly dbName: string;
  readonly parameterNames: { readonly dbName: string; readonly apiKey: string };
  readonly logRetentionDays: number;
  readonly apiGatewayLogsRole: ApiGatewayLogsRoleMode;
  /**
   * The managed policy (by name, in the deployer's account) set as permissions boundary on every role the stack
   * creates: what bootstrap installs and the deployer policy requires (infra/deployer-boundary.json). None locally.
   */
  readonly permissionsBoundaryPolicy?: string;
  /** On for data that must survive a mistake; `make clean` turns it off (an apply) only when confirmed. */
  readonly tableDeletionProtection: boolean;
  /** Days KMS waits before deleting the key after destroy; AWS allows 7 to 30. */
  readonly keyDeletionWindowDays: number;
  /** Yearly automatic rotation of the key's material (AWS does it; an emulator never does). */
  readonly keyRotation: boolean;
  readonly stateEncryption: StateEncryption;
  readonly stageName: string;
  readonly usagePlan: UsagePlanLimits;
  /** CloudWatch alarms to an SNS topic (aws only: an emulator computes no metrics worth watching). */
  readonly alarms?: AlarmSettings;
  /** X-Ray tracing of the API stage and every function (aws only). */
  readonly tracing: boolean;
  /** The Lambda's instruction set: Graviton (arm64) on AWS, cheaper per GB-second; the host's x86_64 for emulators. */
  readonly lambdaArchitecture: 'arm64' | 'x86_64';
  readonly target: DeployTarget;
  /**
   * The REST API id to ask an emulator for (tags read on create), so the local URL survives destroy and redeploy.
   * Undefined on AWS, which always picks its own.
   */
  readonly fixedRestApiId?: string;
  /** Base URL of the deployed stage, without a trailing slash. */
  readonly stageUrl: (stage: StageAddress) => string;
}

type Env = Readonly<Record<string, string | undefined>>;

const setting = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

function parseEnvName(value: string | undefined): EnvName {
  const name = value ?? 'local';
  if (!(ENV_NAMES as readonly string[]).includes(name)) {
    throw new Error(`DEPLOY_ENV must be one of ${ENV_NAMES.join(', ')} (got "${name}")`);
  }
  return name as EnvName;
}

function workspace(env: Env, name: EnvName): string {
  const id = setting(env, 'DEPLOY_ID') ?? name;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new Error(`DEPLOY_ID must be lowercase letters, digits and dashes (got "${id}")`);
  }
  return id;
}

function emulatorEndpoint(env: Env, variable: string, fallback: string): string {
  const endpoint = setting(env, variable) ?? fallback;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new Error(`${variable} must be an http(s) URL such as ${DEFAULT_EMULATOR_ENDPOINT} (got "${endpoint}")`);
  }
  return endpoint.replace(/\/+$/, '');
}

function logsRoleMode(env: Env, fallback: ApiGatewayLogsRoleMode): ApiGatewayLogsRoleMode {
  const mode = setting(env, 'API_GATEWAY_LOGS_ROLE') ?? fallback;
  if (!(LOGS_ROLE_MODES as readonly string[]).includes(mode)) {
    throw new Error(`API_GATEWAY_LOGS_ROLE must be one of ${LOGS_ROLE_MODES.join(', ')} (got "${mode}")`);
  }
  return mode as ApiGatewayLogsRoleMode;
}

function awsTarget(env: Env, region: string, stateKmsKey: string): DeployTarget {
  const bucket = setting(env, 'TF_STATE_BUCKET');
  if (!bucket) return { kind: 'aws' };
  return {
    kind: 'aws',
    s3State: {
      bucket,
      region: setting(env, 'TF_STATE_REGION') ?? region,
      lockTable: setting(env, 'TF_STATE_LOCK_TABLE'),
      kmsKeyId: stateKmsKey,
    },
  };
}

const AWS_ALARM_THRESHOLDS: AlarmThresholds = {
  periodSeconds: 300,
  evaluationPeriods: 1,
  api5xxRate: 0.05,
  // The function's timeout is 15 s and its handler answers within a second when DynamoDB is healthy.
  apiLatencyP99Ms: 3_000,
  lambdaErrors: 1,
  lambdaThrottles: 1,
  dynamoDbSystemErrors: 1,
  dynamoDbThrottles: 1,
  // What service/src/repository.ts sends: TransactWriteItems for a create, GetItem for the reads around it.
  dynamoDbOperations: ['GetItem', 'TransactWriteItems'],
};

function alarmEmail(env: Env): string | undefined {
  const email = setting(env, 'ALARM_EMAIL');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`ALARM_EMAIL must be an email address such as ops@example.com (got "${email}")`);
  }
  return email;
}

/**
 * AWS_REHEARSAL_ENDPOINT deploys the aws profile's resource settings (deletion protection, logs role mode, usage
 * plan, key policy, KMS state encryption) to an emulator instead of AWS: the rehearsal test sets it, nothing else.
 * AWS_REHEARSAL_CREDENTIALS=caller deploys there with the caller's credentials (an assumed deployer role).
 */
function rehearsalEndpoint(env: Env): string | undefined {
  return setting(env, 'AWS_REHEARSAL_ENDPOINT') && emulatorEndpoint(env, 'AWS_REHEARSAL_ENDPOINT', '');
}

const emulatorStageUrl = (publicEndpoint: string) => ({ apiId, stageName }: StageAddress) =>
  `${publicEndpoint}/_aws/execute-api/${apiId}/${stageName}`;

/**
 * Reads the profile selected by DEPLOY_ENV (default `local`).
 * Region: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1 — for both profiles, so `aws` deploys
 * wherever the caller's AWS CLI environment points.
 */
export function loadProfile(env: Env = process.env): Profile {
  const name = parseEnvName(setting(env, 'DEPLOY_ENV'));
  const region = setting(env, 'AWS_REGION') ?? setting(env, 'AWS_DEFAULT_REGION') ?? DEFAULT_REGION;
  const common = {
    env: name,
    workspace: workspace(env, name),
    region,
    namePrefix: `${APP_NAME}-${name}`,
    tags: { app: APP_NAME, env: name, 'managed-by': 'cdktf' },
    dbName: DB_NAME,
    parameterNames: { dbName: `/${APP_NAME}/${name}/db-name`, apiKey: `/${APP_NAME}/${name}/api-key` },
    logRetentionDays: 14,
    stageName: 'v1',
  };
  if (name === 'local') {
    const endpoint = emulatorEndpoint(env, 'EMULATOR_ENDPOINT', DEFAULT_EMULATOR_ENDPOINT);
    // Where you reach the emulator when that differs from where the deployer does (compose: `emulator:4566`).
    const publicEndpoint = emulatorEndpoint(env, 'EMULATOR_PUBLIC_ENDPOINT', endpoint);
    return {
      ...common,
      // Emulator state is thrown away with the container; protection would only block `destroy`.
      tableDeletionProtection: false,
      keyDeletionWindowDays: 7, // the minimum: nothing on an emulator outlives its key
      // Key rotation and tags do nothing on an emulator, and each makes the AWS provider poll a new key for about
      // 4 s until it has seen the setting five times in a row (together a third of a fresh deploy's apply).
      // `make aws-safety` deploys the aws profile, with both, to the same emulator.
      keyRotation: false,
      tags: {},
      stateEncryption: { keyProvider: 'pbkdf2' },
      // Nothing else shares the emulator's account, so the stack owns the setting.
      apiGatewayLogsRole: logsRoleMode(env, 'managed'),
      // AWS's account-level defaults (5,000 burst, 10,000 per second), so `make bench` measures the code, not the
      // plan: at 200/100 a 50-wide burst drew a 429 for one request in five on MiniStack.
      usagePlan: { burstLimit: 5_000, rateLimit: 10_000, quotaLimit: 1_000_000, quotaPeriod: 'DAY' },
      lambdaArchitecture: 'x86_64',
      tracing: false,
      target: { kind: 'emulator', endpoint },
      // 8 hex characters: the shape MiniStack's host-style execute-api routing expects; LocalStack needs lowercase.
      fixedRestApiId: createHash('sha256').update(common.namePrefix).digest('hex').slice(0, 8),
      stageUrl: emulatorStageUrl(publicEndpoint),
    };
  }
  const stateKmsKey = setting(env, 'TF_STATE_KMS_KEY') ?? DEFAULT_STATE_KMS_KEY;
  const rehearsal = rehearsalEndpoint(env);
  return {
    ...common,
    // `make clean ENV=aws CONFIRM=<stack>` sets TABLE_DELETION_PROTECTION=off for the apply that precedes destroy.
    tableDeletionProtection: setting(env, 'TABLE_DELETION_PROTECTION') !== 'off',
    // The most KMS allows: the system backup DynamoDB keeps of a PITR table outlives it by 35 days, readable only
    // while the key exists.
    keyDeletionWindowDays: 30,
    keyRotation: true,
    stateEncryption: { keyProvider: 'aws_kms', kmsKeyId: stateKmsKey, region },
    // Opt-in: other APIs in the account and region may rely on the setting this would replace and reset.
    apiGatewayLogsRole: logsRoleMode(env, 'existing'),
    usagePlan: { burstLimit: 20, rateLimit: 10, quotaLimit: 10_000, quotaPeriod: 'DAY' },
    lambdaArchitecture: 'arm64',
    permissionsBoundaryPolicy: `${common.namePrefix}-boundary`,
    alarms: { thresholds: AWS_ALARM_THRESHOLDS, email: alarmEmail(env) },
    tracing: true,
    ...(rehearsal
      ? {
        target: { kind: 'emulator', endpoint: rehearsal, ...(setting(env, 'AWS_REHEARSAL_CREDENTIALS') === 'caller' ? { credentials: 'caller' } : {}) },
        stageUrl: emulatorStageUrl(rehearsal),
      }
      : { target: awsTarget(env, region, stateKmsKey), stageUrl: ({ invokeUrl }: StageAddress) => invokeUrl }),
  };
}
