import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { CustomersApi } from './customers-api';
import { CustomersTable } from './customers-table';
import { KmsKey } from './kms-key';
import { NodejsFunction } from './nodejs-function';
import { readDbNameParameter, storeApiKey } from './parameters';
import { APP_NAME, Profile } from './profiles';
import { configureDeployTarget } from './provider';

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

    const handler = new NodejsFunction(this, 'create-customer', {
      functionName: `${prefix}-create-customer`,
      bundlePath,
      logRetentionDays: profile.logRetentionDays,
      environment: { POWERTOOLS_SERVICE_NAME: APP_NAME, LOG_LEVEL: 'INFO' },
    });
    const key = new KmsKey(this, 'key', {
      alias: `alias/${prefix}`,
      region: profile.region,
      description: `${prefix}: customers table and API key parameter`,
    });
    const table = new CustomersTable(this, 'customers', {
      name: readDbNameParameter(this, profile.parameterNames.dbName),
      key,
      deletionProtection: profile.tableDeletionProtection,
    });
    // One call sets DB_NAME, the role's PutItem + KMS statements and the key policy entry for the role.
    handler.useTable(table);

    const api = new CustomersApi(this, 'api', {
      namePrefix: prefix,
      handler,
      stageName: profile.stageName,
      usagePlan: profile.usagePlan,
      stageUrl: profile.stageUrl,
    });
    const apiKeyParameter = storeApiKey(this, profile.parameterNames.apiKey, api.apiKey.value, key);

    const outputs: Record<string, string> = {
      api_url: api.url,
      api_id: api.restApi.id,
      stage_name: api.stage.stageName,
      api_key_parameter_name: apiKeyParameter.name,
      db_name_parameter_name: profile.parameterNames.dbName,
      table_name: table.table.name,
      kms_key_arn: key.arn,
      function_name: handler.lambda.functionName,
      usage_plan_id: api.usagePlan.id,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
