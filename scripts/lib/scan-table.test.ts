import { PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../service/src/clients';
import { createTestTables, testDynamoDbEndpoint, useDynamoDbEndpoint } from '../../service/test-support/dynamodb';
import { countItems, scanItems } from './scan-table';

// Three items of 390 KB: a Scan page stops at 1 MB (AWS and MiniStack alike), so one request sees only two.
const ITEM_COUNT = 3;
const PADDING = 'x'.repeat(390 * 1024);

describe('countItems and scanItems on a table larger than one Scan page (MiniStack DynamoDB)', () => {
  let client: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    useDynamoDbEndpoint(testDynamoDbEndpoint());
    client = createDynamoDbClient();
    tableName = (await createTestTables(client)).customers;
    for (let index = 0; index < ITEM_COUNT; index++) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: `item-${index}` }, padding: { S: PADDING } } }));
    }
  });

  afterAll(() => client.destroy());

  it('needs more than one page: a single Scan counts fewer items and returns a LastEvaluatedKey', async () => {
    const page = await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));

    expect(page.Count).toBeLessThan(ITEM_COUNT);
    expect(page.LastEvaluatedKey).toBeDefined();
  });

  it('counts every item across pages', async () => {
    await expect(countItems(client, tableName)).resolves.toBe(ITEM_COUNT);
  });

  it('returns every item across pages, projected as asked', async () => {
    const items = await scanItems(client, { TableName: tableName, ProjectionExpression: 'id' });

    expect(items.map((item) => item.id?.S).sort()).toEqual(['item-0', 'item-1', 'item-2']);
    expect(items.every((item) => item.padding === undefined)).toBe(true);
  });
});
