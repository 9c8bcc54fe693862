// The deployer policies proven on an IAM engine (issue 19): on MiniStack with AUTH=true, root makes the boundary, the
// deployer policies and role from the kit's files (as bootstrap does) and another team's resources; then, as the
// assumed role only, the aws profile is deployed, deployed again and destroyed with `make clean CONFIRM`, and every
// escalation the issue lists is tried against the deployed stack and refused.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { awsClients, AwsClients } from './support/aws-clients';
import { expectStackGone } from './support/deployed-api';
import { StartedEmulator } from './support/deployment-suite';
import { createDeployerRole, DeployerRole, deployerEnv, startIamEnforcingMiniStack } from './support/deployer-role';
import { createForeignResources, ESCALATIONS, ForeignResources } from './support/escalations';
import { hostEmulatorPort } from './support/host-ministack';
import { cleanStack, deployStack, LocalTarget, repoRoot, StackOutputs } from './support/stack';

const deployId = 'deployer-role';
const stackName = `customers-api-${deployId}`;
const DENIED = /AccessDenied/;

describe('the aws profile deployed by the deployer role on MiniStack enforcing IAM (AUTH=true)', () => {
  let emulator: StartedEmulator | undefined;
  let target: LocalTarget;
  let role: DeployerRole;
  let foreign: ForeignResources;
  let deployer: AwsClients;
  let root: AwsClients;
  let outputs: StackOutputs;
  let deployed = false;
  let destroyed = false;
  const applyLog = () => readFileSync(path.join(repoRoot, '.state', deployId, 'apply-api.log'), 'utf8');

  beforeAll(async () => {
    rmSync(path.join(repoRoot, '.state', deployId), { recursive: true, force: true });
    emulator = await startIamEnforcingMiniStack(hostEmulatorPort());
    role = await createDeployerRole(emulator.endpoint);
    foreign = await createForeignResources(emulator.endpoint);
    root = awsClients(emulator.endpoint);
    deployer = awsClients(emulator.endpoint, role.credentials);
    target = { endpoint: emulator.endpoint, deployId, profile: 'aws', env: deployerEnv(role) };
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

  describe('deploy and redeploy as the role', () => {
    let redeployLog = '';
    beforeAll(() => {
      deployStack(target);
      redeployLog = applyLog();
    }, 15 * 60_000);

    it('deploys the stack, every route\'s role carrying the kit\'s boundary', async () => {
      for (const FunctionName of Object.values(outputs.function_names)) {
        await expect(deployer.lambda.send(new GetFunctionCommand({ FunctionName }))).resolves.toBeDefined();
        // A route's role is named like its function (infra/route-functions.ts).
        const { Role } = await deployer.iam.send(new GetRoleCommand({ RoleName: FunctionName }));
        expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(role.boundaryArn);
      }
    });

    // Nothing but MiniStack's own difference (integration/aws-rehearsal.test.ts): it reports a default Statistic beside
    // the p99 alarm's ExtendedStatistic, which AWS never does, so every apply there rewrites that one alarm.
    it('redeploys with nothing to change but the emulator\'s p99 alarm quirk', () => {
      expect(redeployLog).toMatch(/Apply complete! Resources: 0 added, [01] changed, 0 destroyed/);
      const changed = [...redeployLog.matchAll(/^(\S+): Modifying\.\.\./gm)].map(([, address]) => address);
      expect(changed.every((address) => /^aws_cloudwatch_metric_alarm\.alarms_api-rest-api-latency-p99_/.test(address))).toBe(true);
    });
  });

  describe('refuses every escalation', () => {
    it.each(ESCALATIONS.map((escalation) => [escalation.name, escalation] as const))('%s', async (_name, escalation) => {
      const functionName = outputs.function_names['create-customer'];
      const stack = { functionName, functionRoleName: functionName };
      await expect(escalation.attempt({ endpoint: target.endpoint, deployer, root, role, foreign, stack }))
        .rejects.toMatchObject({ name: expect.stringMatching(DENIED) });
    });
  });

  describe(`make clean ENV=aws CONFIRM=${stackName} as the role`, () => {
    let confirmed: { status: number | null; output: string };
    beforeAll(() => {
      confirmed = cleanStack(target, stackName);
      destroyed = confirmed.status === 0;
    }, 10 * 60_000);

    it('destroys everything', async () => {
      expect(confirmed.status).toBe(0);
      await expectStackGone(target.endpoint, outputs);
    });
  });
});
