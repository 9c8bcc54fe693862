import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AccessLog } from './access-log';
import { Alarms } from './alarms';
import { ApiGatewayLogsRole } from './api-gateway-logs-role';
import { CustomersApi } from './customers-api';
import { EncryptedTable } from './encrypted-table';
import { KmsKey } from './kms-key';
import { ROUTES, type Route } from '../service/src/routes';
import { TABLES, type TableDeclaration, type TableName } from '../service/src/tables';
import { readDbNameParameter, storeApiKey } from './parameters';
import { Profile } from './profiles';
import { configureDeployTarget } from './provider';
import { routeFunction } from './route-functions';
import { enableTracing } from './tracing';

export interface ApiStackOptions {
  readonly profile: Profile;
  /** Directory holding `<env>/<stack>.tfstate` for the local backend. */
  readonly stateDir: string;
  /** Absolute path of the directory with each route's zip (`dist/<route>.zip` from `make build`). */
  readonly bundleDir: string;
  /** The API's routes: service/src/routes.ts (tests pass variations). */
  readonly routes?: readonly Route[];
}

export class ApiStack extends TerraformStack {
  constructor(scope: Construct, id: string, { profile, stateDir, bundleDir, routes: declared = ROUTES }: ApiStackOptions) {
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
    // Every role the stack creates carries the boundary the deployer policy requires (aws; none locally).
    const permissionsBoundary = profile.permissionsBoundaryPolicy
      && `arn:${key.partition}:iam::${key.accountId}:policy/${profile.permissionsBoundaryPolicy}`;
    const dbName = readDbNameParameter(this, profile.parameterNames.dbName);
    const storage = { key, deletionProtection: profile.tableDeletionProtection };
    // Every declared table (service/src/tables.ts), named after the parameter's value.
    const tables = Object.fromEntries(Object.entries(TABLES).map(([name, declared]: [string, TableDeclaration]) => [
      name,
      new EncryptedTable(this, name, { name: `${dbName}${declared.suffix}`, hashKey: declared.hashKey, ttlAttribute: declared.ttlAttribute, ...storage }),
    ])) as Record<TableName, EncryptedTable>;
    const table = tables.customers;
    // One function per route (service/src/routes.ts), each granted what its route declares on these tables.
    const routes = declared.map((route) => ({ route, handler: routeFunction(this, route, { profile, bundleDir, logKey: key, tables, permissionsBoundary }) }));

    const accessLog = new AccessLog(this, 'access-log', {
      name: `/aws/apigateway/${prefix}/access`,
      retentionDays: profile.logRetentionDays,
      key,
    });
    const logsRole = profile.apiGatewayLogsRole === 'managed'
      ? new ApiGatewayLogsRole(this, 'api-gateway-logs-role', { name: `${prefix}-api-gateway-logs`, permissionsBoundary })
      : undefined;
    const api = new CustomersApi(this, 'api', {
      namePrefix: prefix,
      routes,
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
      stage_url: api.stageUrl,
      api_id: api.restApi.id,
      stage_name: api.stage.stageName,
      api_key_parameter_name: apiKeyParameter.name,
      db_name_parameter_name: profile.parameterNames.dbName,
      table_name: table.table.name,
      // Every other table as <name>_table_name.
      ...Object.fromEntries(Object.entries(tables).filter(([name]) => name !== 'customers').map(([name, { table: other }]) => [`${name}_table_name`, other.name])),
      kms_key_arn: key.arn,
      usage_plan_id: api.usagePlan.id,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
    // Route name -> function name: what make dev pushes to and make logs follows.
    new TerraformOutput(this, 'function_names', {
      value: Object.fromEntries(routes.map(({ route, handler }) => [route.name, handler.lambda.functionName])),
    });

    // Last: both read the functions, tables and APIs from the stack, so whatever a route adds is watched and traced.
    if (profile.tracing) enableTracing(this);
    if (profile.alarms) {
      const alarms = new Alarms(this, 'alarms', { namePrefix: prefix, key, settings: profile.alarms, stageName: profile.stageName });
      new TerraformOutput(this, 'alarm_topic_arn', { value: alarms.topic.arn });
    }
  }
}
