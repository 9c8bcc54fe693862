import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { KmsKey } from './kms-key';

/** Publishes the table name; lives in its own stack so it exists before the api stack reads it. */
export const createDbNameParameter = (scope: Construct, name: string, dbName: string): SsmParameter =>
  new SsmParameter(scope, 'db-name', {
    name,
    type: 'String',
    value: dbName,
    description: 'DynamoDB table name the customers API writes to (DB_NAME)',
  });

/** The table name is not secret, so the plain `insecure_value` keeps it out of sensitive-value handling. */
export const readDbNameParameter = (scope: Construct, name: string): string =>
  new DataAwsSsmParameter(scope, 'db-name', { name }).insecureValue;

/** Clients fetch the API key from here; it is never a stack output. */
export const storeApiKey = (scope: Construct, name: string, value: string, key: KmsKey): SsmParameter =>
  new SsmParameter(scope, 'api-key-parameter', {
    name,
    type: 'SecureString',
    value,
    keyId: key.arn,
    description: 'x-api-key value for the customers API',
  });
