import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AccessLog } from './access-log';
import { Alarms } from './alarms';
import { ApiGatewayLogsRole } from './api-gateway-logs-role';
import { CustomersApi } from './customers-api';
import { EncryptedTable } from './encrypted-table';
import { KmsKey } from './kms-key';
import { NodejsFunction } from './nodejs-function';
import { readDbNameParameter, storeApiKey } from './parameters';
import { APP_NAME, Profile } from './profiles';
import { configureDeployTarget } from './provider';
import { enableTracing } from './tracing';

export interface ApiStackOptions {
  readonly profile: Profile;
  /** Directory holding `<env>/<stack>.tfstate` for the local backend. */
  readonly stateDir: string;
  /** Absolute path of the Lambda zip (`dist/lambda.zip` from `make build`). */
  readonly bundlePath: string;
}

export class ApiStack extends TerraformStack {
  constructor(scope: Construct, id: string, { profile, stateDir, bundlePath }: ApiStackOptions) {
    super(scope, id);
    configureDeployTarget(this, profile, stateDir);
    const prefix = profile.namePrefix;

    const key = new KmsKey(this, 'key', {
      alias: `alias/${prefix}`,
      region: profile.region,
      description: `${prefix}: customers table, API key parameter and log groups`,
      deletionWindowInDays: profile.keyDeletionWindowDays,
      rotation: profile.keyRotation,
    });
    const handler = new NodejsFunction(this, 'create-customer', {
      functionName: `${prefix}-create-customer`,
      bundlePath,
      logRetentionDays: profile.logRetentionDays,
      logKey: key,
      environment: { POWERTOOLS_SERVICE_NAME: APP_NAME, LOG_LEVEL: 'INFO' },
      architecture: profile.lambdaArchitecture,
    });
    const dbName = readDbNameParameter(this, profile.parameterNames.dbName);
    const storage = { key, deletionProtection: profile.tableDeletionProtection };
    const table = new EncryptedTable(this, 'customers', { name: dbName, hashKey: 'id', ...storage });
    // The unique constraint on email: one claim per normalized email, written in the same transaction as the
    // customer, in a table of its own so DA_Serverless holds customers only.
    const emails = new EncryptedTable(this, 'emails', { name: `${dbName}_emails`, hashKey: 'email', ...storage });
    // Each call sets the variable, the role's statement for the table (and KMS, once) and the key policy entry.
    // TransactWriteItems needs PutItem on every table it puts to (service/src/repository.ts); on a claim conflict
    // the function reads whether the claimed customer exists (GetItem) and, repairing an orphaned claim, checks in
    // the transaction that it is still absent (ConditionCheckItem).
    handler.useTable(table, {
      variable: 'DB_NAME',
      sid: 'UseCustomers',
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem'],
    });
    handler.useTable(emails, { variable: 'EMAILS_TABLE_NAME', sid: 'PutEmailClaims', actions: ['dynamodb:PutItem'] });
    // Idempotency-Key records, written in the create's transaction and expired by DynamoDB TTL after 24 h.
    const idempotency = new EncryptedTable(this, 'idempotency', {
      name: `${dbName}_idempotency`,
      hashKey: 'id',
      ttlAttribute: 'expiration',
      ...storage,
    });
    handler.useTable(idempotency, {
      variable: 'IDEMPOTENCY_TABLE_NAME',
      sid: 'UseIdempotencyRecords',
      // PutItem in the transaction; GetItem only when a cancellation does not return the record (ALL_OLD).
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
    });

    const accessLog = new AccessLog(this, 'access-log', {
      name: `/aws/apigateway/${prefix}/access`,
      retentionDays: profile.logRetentionDays,
      key,
    });
    const logsRole = profile.apiGatewayLogsRole === 'managed'
      ? new ApiGatewayLogsRole(this, 'api-gateway-logs-role', { name: `${prefix}-api-gateway-logs` })
      : undefined;
    const api = new CustomersApi(this, 'api', {
      namePrefix: prefix,
      handler,
      stageName: profile.stageName,
      usagePlan: profile.usagePlan,
      stageUrl: profile.stageUrl,
      fixedRestApiId: profile.fixedRestApiId,
      accessLog,
      stageDependsOn: logsRole ? [logsRole.account] : undefined,
    });
    const apiKeyParameter = storeApiKey(this, profile.parameterNames.apiKey, api.apiKey.value, key);

    const outputs: Record<string, string> = {
      api_url: api.url,
      api_id: api.restApi.id,
      stage_name: api.stage.stageName,
      api_key_parameter_name: apiKeyParameter.name,
      db_name_parameter_name: profile.parameterNames.dbName,
      table_name: table.table.name,
      emails_table_name: emails.table.name,
      idempotency_table_name: idempotency.table.name,
      kms_key_arn: key.arn,
      function_name: handler.lambda.functionName,
      usage_plan_id: api.usagePlan.id,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });

    // Last: both read the functions, tables and APIs from the stack, so whatever a route adds is watched and traced.
    if (profile.tracing) enableTracing(this);
    if (profile.alarms) {
      const alarms = new Alarms(this, 'alarms', { namePrefix: prefix, key, settings: profile.alarms, stageName: profile.stageName });
      new TerraformOutput(this, 'alarm_topic_arn', { value: alarms.topic.arn });
    }
  }
}
