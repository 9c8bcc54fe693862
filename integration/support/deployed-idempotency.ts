// End-to-end assertions for the Idempotency-Key header and the one-customer-per-email rule on a deployed stack.
// Called from describeDeployedApi, so every suite that deploys (host MiniStack, testcontainers) runs them.
// Emails here are not the seed customer's (ada@example.com), so no other assertion meets the duplicate rule.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { countItems } from '../../scripts/lib/scan-table';
import type { AwsClients } from './aws-clients';
import type { DeployedApi, DeployedContext } from './deployed-api';

const grace = { firstname: 'Grace', lastname: 'Hopper', email: 'grace.hopper@example.com' };
const katherine = { firstname: 'Katherine', lastname: 'Johnson', email: 'katherine.johnson@example.com' };
const mary = { firstname: 'Mary', lastname: 'Jackson', email: 'mary.jackson@example.com' };

interface ErrorBody {
  errors: { field: string; rule: string }[];
}

export function describeDeployedIdempotency(context: () => DeployedContext): void {
  describe('Idempotency-Key and one customer per email', () => {
    let api: DeployedApi;
    let clients: AwsClients;
    let apiKey: string;

    beforeAll(() => {
      ({ api, clients, apiKey } = context());
    });

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(api.outputs.api_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...headers },
        body: JSON.stringify(body),
      });
    const count = (table: string) => countItems(clients.dynamodb, table);
    const counts = async () => ({
      customers: await count(api.outputs.table_name),
      emails: await count(api.outputs.emails_table_name),
      records: await count(api.outputs.idempotency_table_name),
    });

    it('replays the first 201 for the same Idempotency-Key and body: same id, same Location, one customer', async () => {
      const key = randomUUID();
      const before = await counts();

      const first = await post(grace, { 'Idempotency-Key': key });
      const replay = await post(grace, { 'idempotency-key': key });

      expect([first.status, replay.status]).toEqual([201, 201]);
      expect(replay.headers.get('location')).toBe(first.headers.get('location'));
      expect(await replay.text()).toBe(await first.text());
      expect(await counts()).toEqual({ customers: before.customers + 1, emails: before.emails + 1, records: before.records + 1 });
    });

    // No in-progress state: both first requests race to the same conditional transaction. One commits; the other
    // replays its 201, or (if DynamoDB saw the two overlap) gets a 503 whose retry would replay.
    it('two concurrent first requests with one key: one customer, and every 201 is the same response', async () => {
      const key = randomUUID();
      const dorothy = { firstname: 'Dorothy', lastname: 'Vaughan', email: 'dorothy.vaughan@example.com' };
      const before = await counts();

      const answers = await Promise.all([post(dorothy, { 'Idempotency-Key': key }), post(dorothy, { 'Idempotency-Key': key })]);

      const statuses = answers.map((answer) => answer.status);
      expect(statuses).toContain(201);
      expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
      const bodies = await Promise.all(answers.filter((answer) => answer.status === 201).map((answer) => answer.text()));
      expect(new Set(bodies).size).toBe(1);
      expect(await counts()).toEqual({ customers: before.customers + 1, emails: before.emails + 1, records: before.records + 1 });
    });

    it('answers 422 naming Idempotency-Key when the key comes back with another body, and writes nothing', async () => {
      const key = randomUUID();
      expect((await post(katherine, { 'Idempotency-Key': key })).status).toBe(201);
      const before = await counts();

      const response = await post(mary, { 'Idempotency-Key': key });

      expect(response.status).toBe(422);
      expect(((await response.json()) as ErrorBody).errors).toEqual([{ field: 'Idempotency-Key', rule: 'same_body' }]);
      expect(await counts()).toEqual(before);
    });

    it('answers 400 naming Idempotency-Key for a malformed key, and writes nothing', async () => {
      const before = await counts();

      const response = await post(mary, { 'Idempotency-Key': 'not a valid key!' });

      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).errors).toEqual([{ field: 'Idempotency-Key', rule: 'format' }]);
      expect(await counts()).toEqual(before);
    });

    it('answers 409 naming email for a registered email in other case and spacing, and writes nothing', async () => {
      const before = await counts();

      const response = await post({ ...mary, email: ` ${grace.email.toUpperCase()} ` });

      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).errors).toEqual([{ field: 'email', rule: 'unique' }]);
      expect(await counts()).toEqual(before);
    });

    it('encrypts the claims and idempotency tables with the stack\'s key; idempotency records expire by TTL', async () => {
      for (const TableName of [api.outputs.emails_table_name, api.outputs.idempotency_table_name]) {
        const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
        expect(Table?.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: api.outputs.kms_key_arn });
      }
      const { TimeToLiveDescription } = await clients.dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: api.outputs.idempotency_table_name }),
      );
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    });

    it('gives the create function both table names, and source-mapped stacks', async () => {
      const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: api.outputs.function_names['create-customer'] }));
      expect(config.Environment?.Variables).toMatchObject({
        EMAILS_TABLE_NAME: api.outputs.emails_table_name,
        IDEMPOTENCY_TABLE_NAME: api.outputs.idempotency_table_name,
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(api.outputs.emails_table_name).toBe('DA_Serverless_emails');
      expect(api.outputs.idempotency_table_name).toBe('DA_Serverless_idempotency');
    });
  });
}
