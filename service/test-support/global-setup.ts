// jest globalSetup for the service project: one MiniStack per test run, shared by every test file (each creates
// tables of its own). Workers start after this runs and inherit the endpoint through the environment.
import { startMiniStack, TEST_DYNAMODB_ENDPOINT_VAR, type RunningMiniStack } from './ministack';

export interface MiniStackGlobal {
  customersApiTestMiniStack?: RunningMiniStack;
}

export default async function globalSetup(): Promise<void> {
  const miniStack = await startMiniStack();
  // globalSetup and globalTeardown run in the same process, so a global carries the pid across.
  (globalThis as MiniStackGlobal).customersApiTestMiniStack = miniStack;
  process.env[TEST_DYNAMODB_ENDPOINT_VAR] = miniStack.endpoint;
}
