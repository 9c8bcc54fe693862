// Pushes a new bundle to the deployed function, around Terraform: the next `make deploy` puts the built bundle back
// (the stack declares the zip's code_sha256, so the pushed code shows up as a difference).
import { LambdaClient, ResourceConflictException, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipEntries } from '../../service/build';
import { VENDOR_FILE } from './vendor-split';
import type { LambdaBundle } from './watch-service';

/**
 * The zip Lambda gets, with the fixed timestamps `make build` writes, stored rather than deflated: compressing
 * vendor.js (about 0.7 MB) took 60 ms of every push, and the zip only travels to the local emulator.
 */
export const zipBundle = ({ js, map, vendor }: LambdaBundle): Promise<Buffer> =>
  zipEntries({
    'index.js': Buffer.from(js),
    ...(map ? { 'index.js.map': Buffer.from(map) } : {}),
    ...(vendor ? { [VENDOR_FILE]: Buffer.from(vendor) } : {}),
  }, { compress: false });

const CONFLICT_RETRY_MS = 100;
const MAX_WAIT_S = 60;

/**
 * UpdateFunctionCode, then the SDK's waiter until LastUpdateStatus is Successful (as on AWS, new code serves after).
 * An update still in progress (LocalStack and AWS refuse a second one meanwhile) is retried. Resolves `settled`, or
 * `superseded` when `superseded` (a newer bundle for the same function) aborted it: the newer push updates anyway.
 *
 * Twice: MiniStack 1.5.33 stops the function's warm workers on an update, but an invocation that read the old code
 * just before it can still start a worker afterwards, which then serves the old code until the next update (seen
 * about once in 50 edits under back-to-back requests). The second update, once the first has settled, stops it.
 * Settled means after both: MiniStack also stops an invocation under way when it updates (a 502), so a request sent
 * once the loop says `reloaded` meets no update.
 */
export async function pushFunctionCode(
  lambda: LambdaClient,
  functionName: string,
  zip: Buffer,
  superseded?: AbortSignal,
): Promise<'settled' | 'superseded'> {
  for (let update = 0; update < 2; update++) {
    if (superseded?.aborted) return 'superseded';
    await updateCode(lambda, functionName, zip, superseded);
    try {
      // MiniStack flips the status 0.5 s after the update; poll every 0.1-0.25 s rather than the waiter's default 1 s.
      await waitUntilFunctionUpdatedV2(
        { client: lambda, maxWaitTime: MAX_WAIT_S, minDelay: 0.1, maxDelay: 0.25, abortSignal: superseded },
        { FunctionName: functionName },
      );
    } catch (error) {
      if (superseded?.aborted) return 'superseded';
      throw error;
    }
  }
  return 'settled';
}

async function updateCode(lambda: LambdaClient, functionName: string, zip: Buffer, superseded?: AbortSignal): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_S * 1000;
  for (;;) {
    try {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceConflictException) || Date.now() > deadline || superseded?.aborted) throw error;
      await sleep(CONFLICT_RETRY_MS);
    }
  }
}

/**
 * The dev loop's pushes: one at a time per function and in parallel across functions; a push waiting or under way
 * is superseded by a newer bundle for its function. `exclusive` (an infra/ apply) runs once the pushes under way
 * have ended, and pushes queued meanwhile wait for it.
 */
export class FunctionPushes {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly newest = new Map<string, AbortController>();
  private exclusiveJob: Promise<void> = Promise.resolve();

  constructor(private readonly onFailure: (error: unknown) => void) {}

  /** Queues `job` for `functionName`; its signal aborts when a newer push for the same function is queued. */
  push(functionName: string, job: (superseded: AbortSignal) => Promise<void>): void {
    this.newest.get(functionName)?.abort();
    const controller = new AbortController();
    this.newest.set(functionName, controller);
    const exclusive = this.exclusiveJob;
    const previous = this.chains.get(functionName) ?? Promise.resolve();
    this.chains.set(functionName, previous.then(async () => {
      await exclusive;
      if (controller.signal.aborted) return;
      await job(controller.signal).catch(this.onFailure);
    }));
  }

  exclusive(job: () => Promise<void>): Promise<void> {
    const underWay = [...this.chains.values()];
    this.exclusiveJob = this.exclusiveJob.then(async () => {
      await Promise.all(underWay);
      await job().catch(this.onFailure);
    });
    return this.exclusiveJob;
  }
}
