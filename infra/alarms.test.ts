// The aws profile's alarms and tracing, as synthesized: what is watched is read from the stack (every function, table
// and REST API), every alarm goes to one topic encrypted with the stack's key, and the local profile has none.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Alarms } from './alarms';
import { EncryptedTable } from './encrypted-table';
import { KmsKey } from './kms-key';
import { NodejsFunction } from './nodejs-function';
import { PolicyStatement } from './policy-document';
import { loadProfile } from './profiles';
import { fixtureBundles, only, ref, synthProfile, tempDir, TerraformJson } from './test-support/synth';

type Block = Record<string, unknown>;
const alarmsOf = (json: TerraformJson): Block[] => Object.values(json.resource.aws_cloudwatch_metric_alarm ?? {});
const watching = (json: TerraformJson, metric: string, dimension: string, value: unknown) =>
  alarmsOf(json).filter((a) => a.metric_name === metric && (a.dimensions as Block)[dimension] === value);
const keyStatements = (json: TerraformJson): PolicyStatement[] =>
  (JSON.parse(only(json, 'aws_kms_key').config.policy as string) as { Statement: PolicyStatement[] }).Statement;

describe('alarms on the aws profile', () => {
  const s = synthProfile({ DEPLOY_ENV: 'aws', AWS_REGION: 'eu-west-3' });
  const json = s.apiJson;
  const thresholds = s.profile.alarms?.thresholds;
  const topicArn = ref(json, 'aws_sns_topic', 'arn');
  const functions = Object.values(json.resource.aws_lambda_function);
  const tables = Object.values(json.resource.aws_dynamodb_table);

  it('publishes to one SNS topic encrypted with the stack\'s KMS key, and no email without ALARM_EMAIL', () => {
    expect(only(json, 'aws_sns_topic').config).toEqual({ name: 'customers-api-aws-alarms', kms_master_key_id: ref(json, 'aws_kms_key', 'arn') });
    expect(json.resource.aws_sns_topic_subscription).toBeUndefined();
    expect(alarmsOf(json).length).toBeGreaterThan(0);
    for (const alarm of alarmsOf(json)) {
      expect(alarm).toMatchObject({ alarm_actions: [topicArn], ok_actions: [topicArn], treat_missing_data: 'notBreaching' });
      expect(alarm.alarm_name).toMatch(/^customers-api-aws-/); // the deployer policy allows alarms named so
    }
  });

  it('lets CloudWatch use the key only to publish to that topic', () => {
    const statement = keyStatements(json).find((st) => st.Sid === 'CloudWatchAlarmsPublishToOwnTopic');
    expect(statement).toEqual({
      Sid: 'CloudWatchAlarmsPublishToOwnTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: {
        'kms:EncryptionContext:aws:sns:topicArn': [expect.stringMatching(/^arn:\$\{.+\}:sns:eu-west-3:\$\{.+\}:customers-api-aws-alarms$/)],
      } },
    });
  });

  it('watches the API\'s 5XX rate (Average of 5XXError) and p99 latency at the profile\'s thresholds', () => {
    const dimensions = { ApiName: 'customers-api-aws', Stage: 'v1' };
    expect(watching(json, '5XXError', 'ApiName', 'customers-api-aws')).toEqual([expect.objectContaining({
      namespace: 'AWS/ApiGateway', dimensions, statistic: 'Average', threshold: thresholds?.api5xxRate,
      comparison_operator: 'GreaterThanOrEqualToThreshold', period: thresholds?.periodSeconds,
    })]);
    const [latency] = watching(json, 'Latency', 'ApiName', 'customers-api-aws');
    expect(latency).toMatchObject({ extended_statistic: 'p99', threshold: thresholds?.apiLatencyP99Ms, dimensions });
    expect(latency).not.toHaveProperty('statistic');
  });

  it('watches errors and throttles of every function the stack creates', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(watching(json, 'Errors', 'FunctionName', fn.function_name)).toEqual([expect.objectContaining({
        namespace: 'AWS/Lambda', statistic: 'Sum', threshold: thresholds?.lambdaErrors,
      })]);
      expect(watching(json, 'Throttles', 'FunctionName', fn.function_name)).toHaveLength(1);
    }
  });

  it('watches throttled reads and writes, and system errors per operation, of every table', () => {
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        expect(watching(json, metric, 'TableName', table.name)).toEqual([expect.objectContaining({
          namespace: 'AWS/DynamoDB', statistic: 'Sum', threshold: thresholds?.dynamoDbThrottles,
        })]);
      }
      // DynamoDB publishes SystemErrors per table and operation only: an alarm without Operation would never fire.
      const systemErrors = watching(json, 'SystemErrors', 'TableName', table.name);
      expect(systemErrors.map((a) => (a.dimensions as Block).Operation)).toEqual(thresholds?.dynamoDbOperations);
    }
  });

  it('subscribes ALARM_EMAIL to the topic, and refuses one that is not an address', () => {
    const withEmail = synthProfile({ DEPLOY_ENV: 'aws', ALARM_EMAIL: 'ops@example.com' }).apiJson;
    expect(only(withEmail, 'aws_sns_topic_subscription').config).toEqual({
      topic_arn: ref(withEmail, 'aws_sns_topic', 'arn'), protocol: 'email', endpoint: 'ops@example.com',
    });
    expect(() => loadProfile({ DEPLOY_ENV: 'aws', ALARM_EMAIL: 'ops' })).toThrow('ALARM_EMAIL must be an email address');
  });

  it('traces the stage and every function with X-Ray, each role allowed to send its traces', () => {
    expect(only(json, 'aws_api_gateway_stage').config.xray_tracing_enabled).toBe(true);
    for (const fn of functions) expect(fn.tracing_config).toEqual({ mode: 'Active' });
    for (const policy of Object.values(json.resource.aws_iam_role_policy)) {
      const statements = (JSON.parse(policy.policy as string) as { Statement: PolicyStatement[] }).Statement;
      expect(statements).toContainEqual({
        Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*',
      });
    }
  });
});

describe('docs/aws.md "Alarms and tracing"', () => {
  it("states the profile's thresholds, period and DynamoDB operations", () => {
    const docs = readFileSync(path.join(__dirname, '..', 'docs', 'aws.md'), 'utf8');
    const t = loadProfile({ DEPLOY_ENV: 'aws' }).alarms?.thresholds;
    if (!t) throw new Error('the aws profile has alarms');
    expect(docs).toContain(`per ${t.periodSeconds / 60} minutes`);
    expect(docs).toContain(`>= ${t.api5xxRate * 100} %`);
    expect(docs).toContain(`>= ${t.apiLatencyP99Ms.toLocaleString('en-US')} ms`);
    expect(docs).toContain(`for ${t.dynamoDbOperations.map((op) => `\`${op}\``).join(' and ')}`);
    expect(t.lambdaErrors + t.lambdaThrottles + t.dynamoDbThrottles + t.dynamoDbSystemErrors).toBe(4); // the table's ">= 1"s
  });
});

describe('the local profile', () => {
  const json = synthProfile({ DEPLOY_ENV: 'local' }).apiJson;

  it('has no alarms, no topic and no tracing', () => {
    expect(json.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(only(json, 'aws_api_gateway_stage').config.xray_tracing_enabled).toBe(false);
    const functions = Object.values(json.resource.aws_lambda_function ?? {});
    expect(functions.length).toBeGreaterThan(1);
    for (const fn of functions) expect(fn).not.toHaveProperty('tracing_config');
  });
});

describe('Alarms in a stack with more functions and tables (a new route)', () => {
  it('watches each of them without being told about them', () => {
    const profile = loadProfile({ DEPLOY_ENV: 'aws' });
    const stack = new TerraformStack(Testing.app() as App, 'routes');
    new AwsProvider(stack, 'aws', { region: profile.region });
    const key = new KmsKey(stack, 'key', { alias: 'alias/k', region: profile.region, description: 'k', deletionWindowInDays: 30, rotation: true });
    const bundles = fixtureBundles(tempDir());
    for (const name of ['create-customer', 'get-customer', 'list-orders']) {
      const bundlePath = path.join(bundles, 'create-customer.zip');
      new NodejsFunction(stack, name, { functionName: `customers-api-aws-${name}`, bundlePath, logRetentionDays: 14, logKey: key, architecture: 'arm64' });
    }
    new EncryptedTable(stack, 'orders', { name: 'Orders', hashKey: 'id', key, deletionProtection: true });
    if (!profile.alarms) throw new Error('the aws profile has alarms');
    new Alarms(stack, 'alarms', { namePrefix: profile.namePrefix, key, settings: profile.alarms, stageName: 'v1' });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;

    for (const name of ['create-customer', 'get-customer', 'list-orders']) {
      expect(watching(json, 'Errors', 'FunctionName', `customers-api-aws-${name}`)).toHaveLength(1);
      expect(watching(json, 'Throttles', 'FunctionName', `customers-api-aws-${name}`)).toHaveLength(1);
    }
    expect(watching(json, 'WriteThrottleEvents', 'TableName', 'Orders')).toEqual([
      expect.objectContaining({ alarm_name: 'customers-api-aws-Orders-write-throttles' }),
    ]);
  });
});
