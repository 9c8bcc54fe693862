// jest globalSetup for the service project: one MiniStack (DynamoDB only) per test run, shared by every test file
// (each creates tables of its own). Workers start after this runs and inherit the endpoint through the environment.
import { startMiniStack, type RunningMiniStack } from '../../scripts/lib/ministack';

/** Where the endpoint is published to the test workers. */
export const TEST_DYNAMODB_ENDPOINT_VAR = 'CUSTOMERS_API_TEST_DYNAMODB_ENDPOINT';

export interface MiniStackGlobal {
  customersApiTestMiniStack?: RunningMiniStack;
}

export default async function globalSetup(): Promise<void> {
  const miniStack = await startMiniStack({ services: 'dynamodb' });
  // globalSetup and globalTeardown run in the same process, so a global carries it across.
  (globalThis as MiniStackGlobal).customersApiTestMiniStack = miniStack;
  process.env[TEST_DYNAMODB_ENDPOINT_VAR] = miniStack.endpoint;
}
