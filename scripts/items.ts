// `make items [N=10]`: the N newest items of the customers table, newest first by createdAt, in the terminal. A Scan
// reads the whole table (createdAt is no key, so there is no cheaper "newest" query): meant for a local or test
// table, not a large production one.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { scanItems } from './lib/scan-table';
import { countFrom, deployedOutputs } from './data/deployed-outputs';
import { formatItems, newestFirst } from './data/newest-items';

async function main(): Promise<void> {
  const count = countFrom('N', 10);
  const { table_name: table } = deployedOutputs();
  const items = (await scanItems(new DynamoDBClient({}), { TableName: table })).map((item) => unmarshall(item));
  const newest = newestFirst(items, count);
  console.log(`${table}: ${items.length} item${items.length === 1 ? '' : 's'}${items.length > 0 ? `, the ${newest.length} newest first` : ''}`);
  if (newest.length > 0) console.log(formatItems(newest).join('\n'));
}

main().catch((error: unknown) => {
  console.error(`make items: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
});
