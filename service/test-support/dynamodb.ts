import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  GetItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../src/clients';
import { TABLE_NAMES, TABLES, type TableDeclaration } from '../src/tables';
import type { TableNames } from '../src/repository';
import type { TableName } from '../src/tables';
import { TEST_DYNAMODB_ENDPOINT_VAR } from './global-setup';

export { countItems } from '../../scripts/lib/scan-table';

/** The run's real DynamoDB-protocol server: MiniStack on loopback, started by jest's globalSetup. */
export function testDynamoDbEndpoint(): string {
  const endpoint = process.env[TEST_DYNAMODB_ENDPOINT_VAR];
  if (!endpoint) throw new Error(`${TEST_DYNAMODB_ENDPOINT_VAR} is unset: run the service tests through jest's service project`);
  return endpoint;
}

/** Points every SDK client created afterwards at `endpoint`, the way an emulator deployment does. */
export function useDynamoDbEndpoint(endpoint: string): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
}

/**
 * For a describe block: one client of the handler's own kind on the run's MiniStack, and fresh tables before each
 * test (so no test sees another's items). Read `client` and `tables` inside hooks and tests, not at definition.
 */
export function freshTablesPerTest(): { readonly client: DynamoDBClient; tables: TestTables } {
  const state = {} as { client: DynamoDBClient; tables: TestTables };
  beforeAll(() => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    state.client = createDynamoDbClient();
  });
  afterAll(() => state.client.destroy());
  beforeEach(async () => {
    state.tables = await createTestTables(state.client);
  });
  return state;
}

/** Creates a fresh table for each declared one (service/src/tables.ts: same key schemas and TTL as the deployed ones). */
/** The name of each declared table, created for a test. */
export type TestTables = Record<TableName, string>;

export async function createTestTables(client: DynamoDBClient): Promise<TestTables> {
  // Test files share one server (and a worker runs several files), so names must be unique per call.
  const suffix = randomUUID();
  const tables = Object.fromEntries(TABLE_NAMES.map((name) => [name, `${name}-test-${suffix}`])) as TestTables;
  for (const name of TABLE_NAMES) {
    const declared: TableDeclaration = TABLES[name];
    await createTable(client, tables[name], declared.hashKey);
    if (declared.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({
        TableName: tables[name],
        TimeToLiveSpecification: { AttributeName: declared.ttlAttribute, Enabled: true },
      }));
    }
  }
  return tables;
}

async function createTable(client: DynamoDBClient, tableName: string, hashKey: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function getItem(client: DynamoDBClient, tableName: string, id: string, keyName = 'id') {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { [keyName]: { S: id } }, ConsistentRead: true }));
  return Item;
}

export const getEmailClaim = (client: DynamoDBClient, tables: TableNames, email: string) =>
  getItem(client, tables.emails, email, 'email');

export function stringItem(values: Record<string, string>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));
}
