import { API_GATEWAY_TIMEOUT_MS, budgetMs, Deadline, DEADLINE_MARGIN_MS } from './deadline';
import { DeadlineExceeded } from './errors';

describe('budgetMs', () => {
  it.each([
    ['a 15 s function: its remaining time', 15_000, 15_000 - DEADLINE_MARGIN_MS],
    ['a 900 s function: API Gateway\'s 29 s', 900_000, API_GATEWAY_TIMEOUT_MS - DEADLINE_MARGIN_MS],
    ['an invocation almost out of time: nothing', 300, 0],
  ])('%s, minus the margin', (_case, remaining, expected) => {
    expect(budgetMs({ getRemainingTimeInMillis: () => remaining })).toBe(expected);
  });

  it('without a Lambda context (a plain Node process): API Gateway\'s 29 s', () => {
    expect(budgetMs()).toBe(API_GATEWAY_TIMEOUT_MS - DEADLINE_MARGIN_MS);
  });
});

describe('Deadline', () => {
  it('passes work through that finishes in time', async () => {
    const deadline = new Deadline(1_000);

    await expect(deadline.run(async () => 'done')).resolves.toBe('done');
    deadline.clear();
  });

  it('rejects with DeadlineExceeded when the budget runs out, and aborts the work\'s signal', async () => {
    const deadline = new Deadline(50);
    let signal: AbortSignal | undefined;

    const run = deadline.run((abortSignal) => {
      signal = abortSignal;
      return new Promise(() => undefined);
    });

    await expect(run).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(signal?.aborted).toBe(true);
  });

  it('refuses to start work once the deadline has passed', async () => {
    const deadline = new Deadline(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const work = jest.fn(async () => 'late');

    await expect(deadline.run(work)).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(work).not.toHaveBeenCalled();
  });
});
