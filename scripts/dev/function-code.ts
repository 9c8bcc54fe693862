// Pushes a new bundle to the deployed function, around Terraform: the next `make deploy` puts the built bundle back
// (the stack declares the zip's code_sha256, so the pushed code shows up as a difference).
import { LambdaClient, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { zipEntries } from '../../service/build';
import type { LambdaBundle } from './watch-service';

/**
 * The zip Lambda gets, with the entries and fixed timestamps `make build` writes. The map is esbuild's whole one (the
 * deploy trims it to our own code): a stack still names our files, and the function starts a few ms slower.
 */
export const zipBundle = ({ js, map }: LambdaBundle): Promise<Buffer> =>
  zipEntries({ 'index.js': Buffer.from(js), ...(map ? { 'index.js.map': Buffer.from(map) } : {}) });

/** UpdateFunctionCode, then the SDK's waiter until LastUpdateStatus is Successful (as on AWS, new code serves after). */
export async function pushFunctionCode(lambda: LambdaClient, functionName: string, zip: Buffer): Promise<void> {
  // Twice: MiniStack 1.5.33 stops the function's warm workers on an update, but an invocation that read the old code
  // just before it can still start a worker afterwards, which then serves the old code until the next update (seen
  // about once in 50 edits under back-to-back requests). The second update, once the first has settled, stops it.
  for (let update = 0; update < 2; update++) {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
    // MiniStack flips the status 0.5 s after the update; poll every 0.1-0.25 s rather than the waiter's default 1 s.
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 60, minDelay: 0.1, maxDelay: 0.25 },
      { FunctionName: functionName },
    );
  }
}
