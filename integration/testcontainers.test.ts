// `make integration-test`: start the emulator image (EMULATOR_IMAGE) with testcontainers, deploy the stack with the
// local profile pointed at the container's mapped port, run the shared assertions, destroy, and always stop the
// container ourselves (Ryuk may be disabled).
import { describeDeployment } from './support/deployment-suite';
import { emulatorImage, startEmulator } from './support/emulator-container';

describeDeployment(`deployed to ${emulatorImage} via testcontainers`, 'integration', async () => {
  const { container, endpoint } = await startEmulator();
  return { endpoint, stop: async () => void (await container.stop()) };
});
