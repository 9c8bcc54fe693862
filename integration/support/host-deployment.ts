// For a describe block that deploys once and asserts on one stack: MiniStack on the host (scripts/emulator.sh), the
// stack deployed in beforeAll with its API key read from SSM, destroyed and the emulator stopped in afterAll even when
// something failed. Read the fields inside hooks and tests, not when the describe block is defined.
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from './aws-clients';
import { StartedEmulator } from './deployment-suite';
import { startHostMiniStack } from './host-ministack';
import { deployStack, destroyStack, LocalTarget, StackOutputs } from './stack';

export interface HostDeployment {
  readonly target: LocalTarget;
  readonly outputs: StackOutputs;
  readonly apiKey: string;
}

export function deployToHostMiniStack(target: Omit<LocalTarget, 'endpoint'>, port?: string): HostDeployment {
  const state = {} as { target: LocalTarget; outputs: StackOutputs; apiKey: string };
  let emulator: StartedEmulator | undefined;
  let deployed = false;

  beforeAll(async () => {
    emulator = await startHostMiniStack(port);
    state.target = { ...target, endpoint: emulator.endpoint };
    state.outputs = deployStack(state.target);
    deployed = true;
    const { Parameter } = await awsClients(emulator.endpoint).ssm.send(
      new GetParameterCommand({ Name: state.outputs.api_key_parameter_name, WithDecryption: true }),
    );
    state.apiKey = Parameter?.Value ?? '';
  }, 30 * 60_000);

  afterAll(async () => {
    try {
      if (deployed) destroyStack(state.target);
    } finally {
      await emulator?.stop();
    }
  }, 10 * 60_000);

  return state;
}
