// Whole-table reads that follow LastEvaluatedKey (a Scan page stops at 1 MB), through the SDK's own paginator.
import { paginateScan, type AttributeValue, type DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';

/** How many items `tableName` holds (a consistent read, so writes acknowledged before the call are counted). */
export async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: tableName, Select: 'COUNT', ConsistentRead: true })) {
    count += page.Count ?? 0;
  }
  return count;
}

/** Every item of a (consistent) Scan, e.g. with a ProjectionExpression. */
export async function scanItems(
  client: DynamoDBClient,
  input: Omit<ScanCommandInput, 'ExclusiveStartKey' | 'Select'>,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { ConsistentRead: true, ...input })) items.push(...(page.Items ?? []));
  return items;
}
