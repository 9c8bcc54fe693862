// Pushes a new bundle to the deployed function, around Terraform: the next `make deploy` puts the built bundle back
// (the stack declares the zip's code_sha256, so the pushed code shows up as a difference).
import { LambdaClient, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { zipEntries } from '../../service/build';

/** The zip Lambda gets: the same single `index.js` entry, same fixed timestamps, as `make build` writes. */
export const zipBundle = (bundle: Uint8Array): Promise<Buffer> => zipEntries({ 'index.js': Buffer.from(bundle) });

/** UpdateFunctionCode, then the SDK's waiter until LastUpdateStatus is Successful (as on AWS, new code serves after). */
export async function pushFunctionCode(lambda: LambdaClient, functionName: string, zip: Buffer): Promise<void> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
  // MiniStack flips the status 0.5 s after the update; poll every 0.1-0.25 s rather than the waiter's default 1 s.
  await waitUntilFunctionUpdatedV2(
    { client: lambda, maxWaitTime: 60, minDelay: 0.1, maxDelay: 0.25 },
    { FunctionName: functionName },
  );
}
