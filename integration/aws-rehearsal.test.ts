// The aws profile rehearsed on the emulator (AWS_REHEARSAL_ENDPOINT; infra/profiles.ts), through make as a user runs
// it: `make plan` and `make deploy` without a terminal (refused) and with AUTO_APPROVE=1 (a pipeline); the aws
// resource settings (deletion protection, the account's API Gateway logs role left alone, the aws usage plan, the key
// policy with the deployer statements, state encrypted with a KMS state key, alarms to an encrypted topic, X-Ray);
// the settings recorded at the first deploy (a later run with others stops, in this checkout and in a fresh clone);
// `make drift` (0 as deployed, 2 after a change made around OpenTofu); Ctrl-C during an apply (forwarded once, state
// and lock left consistent); then `make clean ENV=aws` refuses without CONFIRM whatever else is set (nothing
// destroyed) and destroys everything with it (protection turned off first, key deletion in 30 days).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GetAccountCommand, GetStageCommand, GetUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CreatePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { BOUNDARY_POLICY_NAME, boundaryPolicy } from '../infra/deployer-policies';
import { awsClients, AwsClients } from './support/aws-clients';
import { expectStackGone } from './support/deployed-api';
import { StartedEmulator } from './support/deployment-suite';
import { startHostMiniStack } from './support/host-ministack';
import { cleanStack, deployStack, LocalTarget, makeStack, MakeResult, repoRoot, StackOutputs } from './support/stack';

const deployId = 'rehearsal';
const stackName = `customers-api-${deployId}`;
const DAY_MS = 86_400_000;
const minutes = 60_000;
const workspaceDir = path.join(repoRoot, '.state', deployId);
const settingsParameter = `/customers-api/aws/deploy-settings/${deployId}`;

describe('the aws profile rehearsed on the emulator', () => {
  let emulator: StartedEmulator | undefined;
  let target: LocalTarget;
  let clients: AwsClients;
  let outputs: StackOutputs;
  let deployed = false;
  let destroyed = false;
  let firstPlan: MakeResult;
  let unapproved: MakeResult;
  let dbNameAfterRefusal = '';
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
    // And the permissions boundary every role of the aws profile carries (make bootstrap installs it): MiniStack with
    // AUTH=true refuses a role whose boundary does not exist, as AWS does.
    const { Account: accountId = '' } = await clients.sts.send(new GetCallerIdentityCommand({}));
    await clients.iam.send(new CreatePolicyCommand({ PolicyName: BOUNDARY_POLICY_NAME, PolicyDocument: boundaryPolicy(accountId) }));
    firstPlan = makeStack(target, ['plan']);
    // No terminal and no AUTO_APPROVE: shown, refused, nothing applied.
    unapproved = makeStack(target, ['deploy'], { AUTO_APPROVE: '' });
    dbNameAfterRefusal = await clients.ssm.send(new GetParameterCommand({ Name: '/customers-api/aws/db-name' }))
      .then(() => 'present', (error: Error) => error.name);
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

  describe('the first make plan and an unapproved make deploy', () => {
    it('plans params and says api is planned once params exists', () => {
      expect(firstPlan.status).toBe(0);
      expect(firstPlan.output).toMatch(/params: 1 to add, 0 to change, 0 to destroy\n +\+ +aws_ssm_parameter\.\S+ +\(create\)/);
      expect(firstPlan.output).toContain('api: planned at `make deploy`, once params is applied');
    });

    it('refuses to apply without a terminal or AUTO_APPROVE=1, after showing the plan, and applies nothing', () => {
      expect(unapproved.status).not.toBe(0);
      expect(unapproved.output).toContain('params: 1 to add');
      expect(unapproved.output).toContain('there is no terminal to ask on, and AUTO_APPROVE is not 1');
      expect(dbNameAfterRefusal).toBe('ParameterNotFound');
    });
  });

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
        'RolesUseKeyThroughDynamoDb', 'RolesReadThroughDynamoDb', 'CloudWatchLogsEncryptsOwnLogGroups', 'CloudWatchAlarmsPublishToOwnTopic',
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

  describe('alarms and tracing', () => {
    it('sends every alarm to the alarm topic, encrypted with the stack\'s key', async () => {
      const { Attributes } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: outputs.alarm_topic_arn }));
      expect(Attributes?.KmsMasterKeyId).toBe(outputs.kms_key_arn);
      const { MetricAlarms = [] } = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'customers-api-aws-' }));
      const watched = MetricAlarms.map((a) => `${a.Namespace} ${a.MetricName} ${a.Dimensions?.map((d) => d.Value).sort().join(',')}`);
      expect(watched).toEqual(expect.arrayContaining([
        'AWS/ApiGateway 5XXError customers-api-aws,v1',
        'AWS/ApiGateway Latency customers-api-aws,v1',
        ...Object.values(outputs.function_names).flatMap((name) => [`AWS/Lambda Errors ${name}`, `AWS/Lambda Throttles ${name}`]),
        ...tables().flatMap((table) => [`AWS/DynamoDB ReadThrottleEvents ${table}`, `AWS/DynamoDB SystemErrors ${[table, 'TransactWriteItems'].sort().join(',')}`]),
      ]));
      expect(MetricAlarms.every((a) => a.AlarmActions?.includes(outputs.alarm_topic_arn ?? ''))).toBe(true);
    });

    it('traces every function and the stage with X-Ray', async () => {
      for (const FunctionName of Object.values(outputs.function_names)) {
        const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
        expect(fn.TracingConfig?.Mode).toBe('Active');
      }
      const stage = await clients.apiGateway.send(new GetStageCommand({ restApiId: outputs.api_id, stageName: outputs.stage_name }));
      expect(stage.tracingEnabled).toBe(true);
    });
  });

  describe('the settings recorded at the first deploy', () => {
    let changed: MakeResult;
    let freshClone: MakeResult;
    beforeAll(() => {
      changed = makeStack(target, ['plan'], { API_GATEWAY_LOGS_ROLE: 'managed' });
      // A teammate's clone: no local record, only the one in the account. (Not TF_STATE_BUCKET: the rehearsal keeps
      // its state local whatever it says; the deploy-guards tests cover it.)
      rmSync(path.join(workspaceDir, 'settings.json'));
      freshClone = makeStack(target, ['plan'], { TABLE_DELETION_PROTECTION: 'off' });
    }, 10 * minutes);

    it('are in the account (SSM) and beside the workspace', async () => {
      const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: settingsParameter }));
      expect(JSON.parse(Parameter?.Value ?? '{}')).toMatchObject({ API_GATEWAY_LOGS_ROLE: 'existing', TABLE_DELETION_PROTECTION: 'on' });
    });

    it('stop a plan with another API_GATEWAY_LOGS_ROLE before any engine step, saying what it would do', () => {
      expect(changed.status).not.toBe(0);
      expect(changed.output).toContain('API_GATEWAY_LOGS_ROLE: recorded "existing", now "managed"');
      expect(changed.output).toContain('make settings-update ENV=aws');
      expect(changed.output).not.toContain('plan-params');
    });

    it('stop a fresh clone that would turn deletion protection off, from the record in the account', () => {
      expect(freshClone.status).not.toBe(0);
      expect(freshClone.output).toContain(`SSM ${settingsParameter}`);
      expect(freshClone.output).toContain('TABLE_DELETION_PROTECTION: recorded "on", now "off"');
    });
  });

  describe('make plan and make drift as deployed', () => {
    let plan: MakeResult;
    let drift: MakeResult;
    beforeAll(() => {
      plan = makeStack(target, ['plan']);
      drift = makeStack(target, ['drift']);
    }, 10 * minutes);

    // One difference is MiniStack's, not ours: it reports a default Statistic ("Average") beside the p99 alarm's
    // ExtendedStatistic, which AWS never does, so every plan there wants to clear it. Nothing else may differ.
    const p99Only = /api: 0 to add, 1 to change, 0 to destroy\n +~ +aws_cloudwatch_metric_alarm\.alarms_api-rest-api-latency-p99_\S+ +\(update in place\)\n(?! +[~+-])/;

    it('plan: no changes in params, none in api but the emulator\'s p99 alarm quirk', () => {
      expect(plan.status).toBe(0);
      expect(plan.output).toContain('params: no changes');
      expect(plan.output).toMatch(p99Only);
    });

    it('drift: nothing changed outside OpenTofu, no code unapplied but that quirk', () => {
      for (const step of ['refresh-params', 'code-params', 'refresh-api']) expect(drift.output).toContain(`drift-${step}: no differences`);
      expect(drift.output).toMatch(p99Only);
      expect(drift.status).toBe(2); // 0 on AWS, where the quirk does not exist
    });
  });

  describe('a change made around OpenTofu, then Ctrl-C during the deploy that would undo it', () => {
    let drift: MakeResult;
    let interrupted: MakeResult;
    let driftAfter: MakeResult;
    let declined: MakeResult;
    let memoryAfterInterrupt: number | undefined;
    let memoryAfterDecline: number | undefined;
    let restored: MakeResult;
    beforeAll(async () => {
      await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: outputs.function_names['create-customer'], MemorySize: 512 }));
      drift = makeStack(target, ['drift']);
      interrupted = await interruptedDeploy();
      memoryAfterInterrupt = (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.function_names['create-customer'] }))).MemorySize;
      driftAfter = makeStack(target, ['drift']);
      // In a terminal, without AUTO_APPROVE: asked, and only "yes" applies.
      declined = makeStack(target, ['deploy'], { AUTO_APPROVE: '' }, 'no');
      memoryAfterDecline = (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.function_names['create-customer'] }))).MemorySize;
      restored = makeStack(target, ['deploy'], { AUTO_APPROVE: '' }, 'yes');
    }, 20 * minutes);

    it('drift: exit 2, naming the function changed outside OpenTofu', () => {
      expect(drift.status).toBe(2);
      expect(drift.output).toMatch(/drift: api was changed outside OpenTofu:\n.*: 0 to add, 1 to change, 0 to destroy\n +~ +aws_lambda_function\.\S+ +\(update in place\)\n/);
    });

    it('Ctrl-C: forwarded to OpenTofu once, which stops cleanly and leaves no lock', () => {
      expect(interrupted.status).not.toBe(0);
      // Two Ctrl-Cs, one SIGINT to OpenTofu (a second would make it exit at once, mid-write).
      expect(interrupted.output.split('Interrupted: asking OpenTofu to stop (one SIGINT)')).toHaveLength(2);
      expect(interrupted.output).toContain('state and lock are consistent');
      expect(readdirSync(workspaceDir).filter((file) => file.includes('.lock'))).toEqual([]);
      // The state still reads and plans: the drift check after it runs to its end.
      expect([0, 2]).toContain(driftAfter.status);
    });

    it('deploy in a terminal: asks, and applies nothing on another answer than yes', () => {
      expect(declined.status).not.toBe(0);
      expect(declined.output).toContain("Type 'yes' to apply");
      expect(declined.output).toContain("Not applied (the answer was not 'yes')");
      expect(declined.output).not.toContain('apply-api:');
      expect(memoryAfterDecline).toBe(memoryAfterInterrupt);
    });

    // The interrupted apply may have finished its in-flight update of the function (OpenTofu completes the calls it
    // started), so which of the two deploys puts the memory size back depends on timing; at the end it is back.
    it('deploy in a terminal, answered yes: applies the plan it showed, and the code\'s memory size is back', async () => {
      expect(restored.status).toBe(0);
      expect(restored.output).toContain("Type 'yes' to apply");
      expect(restored.output).toMatch(/apply-api: Apply complete! Resources: 0 added, [1-9]\d* changed, 0 destroyed/);
      const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.function_names['create-customer'] }));
      expect(fn.MemorySize).toBe(256);
    });
  });

  /** `make deploy` in a process group of its own, sent SIGINT twice (as a terminal's Ctrl-C) once the apply starts. */
  async function interruptedDeploy(): Promise<MakeResult> {
    const applyLog = path.join(workspaceDir, 'apply-api.log');
    rmSync(applyLog, { force: true });
    const child = spawn('make', ['deploy', 'ENV=aws'], {
      cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEPLOY_ID: deployId, RUNNER: 'native', AWS_REHEARSAL_ENDPOINT: target.endpoint, USE_TOOLCHAIN_PROVIDER: '1', AUTO_APPROVE: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const group = -(child.pid ?? 0);
    const poll = setInterval(() => {
      if (!existsSync(applyLog)) return;
      clearInterval(poll);
      process.kill(group, 'SIGINT');
      setTimeout(() => { try { process.kill(group, 'SIGINT'); } catch { /* already gone */ } }, 100);
    }, 20);
    const status = await exited;
    clearInterval(poll);
    process.stdout.write(output);
    return { status, output };
  }

  describe('make clean ENV=aws without CONFIRM, even with TABLE_DELETION_PROTECTION=off', () => {
    let refused: { status: number | null; output: string };
    beforeAll(() => {
      refused = cleanStack(target, undefined, { TABLE_DELETION_PROTECTION: 'off' });
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

    it('completes, turning deletion protection off before destroying, and forgets the recorded settings', async () => {
      expect(confirmed.status).toBe(0);
      await expect(clients.ssm.send(new GetParameterCommand({ Name: settingsParameter }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
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
