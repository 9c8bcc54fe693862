// End-to-end on the host emulator (MiniStack from the cached toolchain, no Docker): deploy the real stack with
// OpenTofu + the AWS provider, exercise the API, destroy, and check nothing is left.
import { describeDeployment } from './support/deployment-suite';
import { startHostMiniStack } from './support/host-ministack';

describeDeployment('deployed to MiniStack on the host', 'e2e', () => startHostMiniStack());
