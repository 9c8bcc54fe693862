import { Construct } from 'constructs';
import { tableUses, type Route, type TableName } from '../service/src/routes';
import { EncryptedTable } from './encrypted-table';
import { KmsKey } from './kms-key';
import { NodejsFunction } from './nodejs-function';
import { APP_NAME, Profile } from './profiles';

export interface RouteFunctionProps {
  readonly profile: Profile;
  /** Directory holding `<route>.zip` for each route (`dist/` from `make build`). */
  readonly bundleDir: string;
  readonly logKey: KmsKey;
  readonly tables: Readonly<Record<TableName, EncryptedTable>>;
  /** The aws profile's permissions boundary ARN, set on the route's role (undefined locally). */
  readonly permissionsBoundary?: string;
}

const pascal = (name: string) => name.replace(/(^|[-_])(\w)/g, (_, _separator, letter: string) => letter.toUpperCase());

/**
 * A route's own function and role, `<namePrefix>-<route>`, granted exactly the tables and actions the route declares
 * (plus their key, through DynamoDB): a GET runs without the create's PutItem.
 */
export function routeFunction(scope: Construct, route: Route, { profile, bundleDir, logKey, tables, permissionsBoundary }: RouteFunctionProps): NodejsFunction {
  const handler = new NodejsFunction(scope, route.name, {
    functionName: `${profile.namePrefix}-${route.name}`,
    bundlePath: `${bundleDir}/${route.name}.zip`,
    logRetentionDays: profile.logRetentionDays,
    logKey,
    environment: { POWERTOOLS_SERVICE_NAME: APP_NAME, LOG_LEVEL: 'INFO' },
    architecture: profile.lambdaArchitecture,
    permissionsBoundary,
  });
  // Each call sets the variable, the role's statement for the table (and its key, once) and the key policy entry.
  for (const [table, use] of tableUses(route)) {
    handler.useTable(tables[table], { variable: use.variable, sid: `Use${pascal(table)}Table`, actions: use.actions });
  }
  return handler;
}
