import { PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Customer } from './customer';

/** Writes a new customer; the condition makes a colliding id fail instead of silently replacing a record. */
export async function putCustomer(client: DynamoDBClient, tableName: string, customer: Customer): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: toItem(customer),
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
}

// Every attribute is a string, so marshalling by hand avoids another dependency.
function toItem(customer: Customer): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(customer).map(([name, value]) => [name, { S: value }]));
}
