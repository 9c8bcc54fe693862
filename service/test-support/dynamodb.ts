import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  GetItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  endpoint: string;
  stop: () => Promise<void>;
}

/** A real DynamoDB-protocol server (in-memory dynalite) on a free loopback port. */
export async function startDynalite(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
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

let tableCounter = 0;

/** Creates a fresh customers table (same key schema as the deployed one) and returns its name. */
export async function createCustomersTable(client: DynamoDBClient): Promise<string> {
  const tableName = `customers-test-${process.pid}-${++tableCounter}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
}

export async function getItem(client: DynamoDBClient, tableName: string, id: string) {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
  return Item;
}

export async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  const { Count } = await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

export function stringItem(values: Record<string, string>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));
}
