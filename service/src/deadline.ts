import type { Context } from 'aws-lambda';
import { DeadlineExceeded } from './errors';

/** API Gateway's REST integration timeout: after it the client gets a 504 whatever the function does. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;
/**
 * Kept free at the end of the budget: to classify, log and return the 503 before Lambda kills the function (which
 * the client would see as a 502/504 without Retry-After), and for the gateway's time before the handler started.
 */
export const DEADLINE_MARGIN_MS = 1_000;

/** What the request may spend on DynamoDB: min(the invocation's remaining time, API Gateway's 29 s) minus the margin. */
export function budgetMs(context?: Pick<Context, 'getRemainingTimeInMillis'>): number {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
  return Math.max(0, Math.min(remaining, API_GATEWAY_TIMEOUT_MS) - DEADLINE_MARGIN_MS);
}

/**
 * One deadline for every SDK call and retry of a request. Its signal aborts the call in flight (the SDK passes it to
 * the HTTP handler and does not retry an abort); `run` also stops waiting at the deadline, since the SDK only
 * notices an abort between attempts after its backoff sleep.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly expired: Promise<never>;
  private readonly timer: NodeJS.Timeout;

  constructor(budget: number) {
    const controller = new AbortController();
    this.signal = controller.signal;
    let expire: (error: Error) => void = () => undefined;
    this.expired = new Promise<never>((_, reject) => (expire = reject));
    this.timer = setTimeout(() => {
      expire(new DeadlineExceeded());
      controller.abort();
    }, budget);
    // Nobody may be waiting when it fires (the request finished first); that must not be an unhandled rejection.
    this.expired.catch(() => undefined);
  }

  /** Runs `work` with the deadline's signal; rejects with DeadlineExceeded once the deadline has passed. */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(new DeadlineExceeded());
    return Promise.race([work(this.signal), this.expired]);
  }

  /** Stops the timer once the request is answered, so an idle container holds no pending timers. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
