// The aws profile's resource settings rehearsed on the emulator (AWS_REHEARSAL_ENDPOINT; infra/profiles.ts): deletion
// protection on, the account's API Gateway logs role left alone, the aws usage plan, the key policy with the deployer
// statements, state encrypted with a KMS state key; then `make clean ENV=aws` refuses without CONFIRM (nothing
// destroyed) and destroys everything with it (protection turned off first, key deletion in 30 days).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GetAccountCommand, GetUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients, AwsClients } from './support/aws-clients';
import { expectStackGone } from './support/deployed-api';
import { StartedEmulator } from './support/deployment-suite';
import { startHostMiniStack } from './support/host-ministack';
import { cleanStack, deployStack, LocalTarget, repoRoot, StackOutputs } from './support/stack';

const deployId = 'rehearsal';
const stackName = `customers-api-${deployId}`;
const DAY_MS = 86_400_000;

describe('the aws profile rehearsed on the emulator', () => {
  let emulator: StartedEmulator | undefined;
  let target: LocalTarget;
  let clients: AwsClients;
  let outputs: StackOutputs;
  let deployed = false;
  let destroyed = false;
  const tables = () => [outputs.table_name, outputs.emails_table_name, outputs.idempotency_table_name];

  beforeAll(async () => {
    // The state key lives in the emulator, so a state left by an earlier run (another emulator) is undecryptable.
    rmSync(path.join(repoRoot, '.state', deployId), { recursive: true, force: true });
    emulator = await startHostMiniStack();
    target = { endpoint: emulator.endpoint, deployId, profile: 'aws' };
    clients = awsClients(target.endpoint);
    // docs/aws.md's one-time prerequisite for ENV=aws: the state key, by its default alias.
    const { KeyMetadata } = await clients.kms.send(new CreateKeyCommand({ Description: 'customers-api OpenTofu state' }));
    await clients.kms.send(new CreateAliasCommand({ AliasName: 'alias/customers-api-state', TargetKeyId: KeyMetadata?.KeyId }));
    outputs = deployStack(target);
    deployed = true;
  }, 30 * 60_000);

  afterAll(async () => {
    try {
      if (deployed && !destroyed) cleanStack(target, stackName);
    } finally {
      await emulator?.stop();
    }
  }, 10 * 60_000);

  describe('deployed', () => {
    it('protects every table from deletion', async () => {
      for (const TableName of tables()) {
        const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
        expect(Table?.DeletionProtectionEnabled).toBe(true);
      }
    });

    it('leaves the account-wide API Gateway logs role alone (a prerequisite on aws, not the stack\'s)', async () => {
      const account = await clients.apiGateway.send(new GetAccountCommand({}));
      expect(account.cloudwatchRoleArn).toBeUndefined();
    });

    it('throttles with the aws usage plan: burst 20, 10 per second, 10,000 a day', async () => {
      const plan = await clients.apiGateway.send(new GetUsagePlanCommand({ usagePlanId: outputs.usage_plan_id }));
      expect(plan.throttle).toEqual({ burstLimit: 20, rateLimit: 10 });
      expect(plan.quota).toEqual(expect.objectContaining({ limit: 10_000, period: 'DAY' }));
    });

    it('writes the key policy with the root, deployer, Lambda role (writers, readers) and CloudWatch Logs statements', async () => {
      const { Policy } = await clients.kms.send(new GetKeyPolicyCommand({ KeyId: outputs.kms_key_arn, PolicyName: 'default' }));
      const statements = (JSON.parse(Policy ?? '{}') as { Statement: { Sid: string; Principal: { AWS?: unknown } }[] }).Statement;
      expect(statements.map((st) => st.Sid)).toEqual([
        'AccountAdministers', 'DeployerAdministersKey', 'DeployerUsesKeyThroughServices', 'DeployerLetsServicesCreateGrants',
        'RolesUseKeyThroughDynamoDb', 'RolesReadThroughDynamoDb', 'CloudWatchLogsEncryptsOwnLogGroups',
      ]);
      // The deployer is the emulator's caller identity, resolved at apply time.
      expect(statements[2].Principal.AWS).toMatch(/^arn:aws:iam::\d{12}:/);
    });

    it('encrypts the state with the KMS state key, and no state file holds the API key', async () => {
      const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
      const apiKey = Parameter?.Value ?? '';
      expect(apiKey.length).toBeGreaterThanOrEqual(20);
      for (const stack of ['params', 'api']) {
        const raw = readFileSync(path.join(repoRoot, '.state', deployId, `${stack}.tfstate`), 'utf8');
        expect(Object.keys((JSON.parse(raw) as { meta: object }).meta)).toEqual(['key_provider.aws_kms.state']);
        expect(raw.includes(apiKey)).toBe(false);
      }
    });
  });

  describe('make clean ENV=aws without CONFIRM', () => {
    let refused: { status: number | null; output: string };
    beforeAll(() => {
      refused = cleanStack(target);
    }, 10 * 60_000);

    it('fails and says how to confirm', () => {
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain(`make clean ENV=aws CONFIRM=${stackName}`);
      expect(refused.output).toContain('Nothing was destroyed');
    });

    it('destroys nothing: tables, functions, parameters and key are all still there', async () => {
      for (const TableName of tables()) {
        const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
        expect(Table?.DeletionProtectionEnabled).toBe(true);
      }
      for (const FunctionName of Object.values(outputs.function_names)) {
        await expect(clients.lambda.send(new GetFunctionCommand({ FunctionName }))).resolves.toBeDefined();
      }
      await expect(clients.ssm.send(new GetParameterCommand({ Name: outputs.db_name_parameter_name }))).resolves.toBeDefined();
      const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: outputs.kms_key_arn }));
      expect(KeyMetadata?.KeyState).toBe('Enabled');
    });
  });

  describe(`make clean ENV=aws CONFIRM=${stackName}`, () => {
    let confirmed: { status: number | null; output: string };
    let cleanedAt = 0;
    beforeAll(() => {
      cleanedAt = Date.now();
      confirmed = cleanStack(target, stackName);
      destroyed = confirmed.status === 0;
    }, 10 * 60_000);

    it('completes, turning deletion protection off before destroying', () => {
      expect(confirmed.status).toBe(0);
      expect(confirmed.output).toMatch(/unprotect-tables: Apply complete! Resources: 0 added, 3 changed, 0 destroyed/);
      expect(confirmed.output).toContain(`destroyed everything deploy created in '${deployId}' (aws profile)`);
    });

    it('destroys everything: tables, function, API, both parameters; the key waits 30 days', async () => {
      await expectStackGone(target.endpoint, outputs);
      for (const TableName of tables()) {
        await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      }
      for (const Name of [outputs.db_name_parameter_name, outputs.api_key_parameter_name]) {
        await expect(clients.ssm.send(new GetParameterCommand({ Name }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      }
      const { KeyMetadata } = await clients.kms.send(new DescribeKeyCommand({ KeyId: outputs.kms_key_arn }));
      const days = ((KeyMetadata?.DeletionDate?.getTime() ?? 0) - cleanedAt) / DAY_MS;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThan(30.1);
    });
  });
});
