import { randomUUID } from 'node:crypto';
import { CreateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Fresh customers, email-claim and idempotency tables, keyed and expiring as the deployed ones. */
export async function createTables(client: DynamoDBClient): Promise<Record<string, string>> {
  const suffix = randomUUID().slice(0, 8);
  const names = { DB_NAME: `bench-customers-${suffix}`, EMAILS_TABLE_NAME: `bench-emails-${suffix}`, IDEMPOTENCY_TABLE_NAME: `bench-idem-${suffix}` };
  const keys: [string, string][] = [[names.DB_NAME, 'id'], [names.EMAILS_TABLE_NAME, 'email'], [names.IDEMPOTENCY_TABLE_NAME, 'id']];
  for (const [TableName, key] of keys) {
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: names.IDEMPOTENCY_TABLE_NAME,
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    }),
  );
  return names;
}
