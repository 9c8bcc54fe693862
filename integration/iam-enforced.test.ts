// Proof that the local emulator enforces IAM (MiniStack, AUTH=true as scripts/emulator.sh starts it, each function
// run with its execution role's session): deploy the stack with one action taken out of the create route's role
// (dynamodb:PutItem on the customers table, removed from the synthesized plan by the test, never by the kit), and
// that route answers 500 with nothing written. With AUTH off the same deploy would answer 201, so the e2e suite's
// 201s on the unedited stack show its roles hold what each route needs.
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { countItems } from '../scripts/lib/scan-table';
import { awsClients, AwsClients } from './support/aws-clients';
import { postCustomer, seedCustomer } from './support/deployed-api';
import { deployToHostMiniStack } from './support/host-deployment';
import { dropRoleAction } from './support/synth-edit';

// POST /customers: the create-customer route's function and role (service/src/routes.ts).
const CREATE_ROLE = 'customers-api-local-create-customer';

describe('a route whose role lacks one action, on MiniStack with AUTH=true', () => {
  const deployment = deployToHostMiniStack({
    deployId: 'iam-enforced',
    editSynth: (stacks) => dropRoleAction(stacks, {
      role: CREATE_ROLE,
      action: 'dynamodb:PutItem',
      resource: /\$\{aws_dynamodb_table\.customers_/,
    }),
  });
  let clients: AwsClients;
  let response: { status: number; body: Record<string, unknown> };

  beforeAll(async () => {
    const { target, outputs, apiKey } = deployment;
    clients = awsClients(target.endpoint);
    const answer = await postCustomer({ endpoint: target.endpoint, outputs }, JSON.stringify(seedCustomer), apiKey);
    response = { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  });

  it('answers POST /customers with the generic 500, naming nothing internal', () => {
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ message: expect.any(String), errors: [], requestId: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/arn:|AccessDenied|dynamodb:/i);
  });

  it('writes nothing: no customer, no email claim, no idempotency record', async () => {
    const stack = deployment.outputs;
    for (const table of [stack.table_name, stack.emails_table_name, stack.idempotency_table_name]) {
      expect(await countItems(clients.dynamodb, table)).toBe(0);
    }
  });

  it("fails because the role was refused: the function's log names AccessDenied", async () => {
    const logs = new CloudWatchLogsClient({ endpoint: deployment.target.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${deployment.outputs.function_names['create-customer']}` }));
    logs.destroy();
    expect(events.map((event) => event.message).join('\n')).toMatch(/AccessDenied/);
  });
});
