import { mapConcurrently } from './concurrency-pool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrently', () => {
  it('returns results in input order even when later tasks finish first', async () => {
    const results = await mapConcurrently([30, 0, 20, 10], 4, async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });

    expect(results).toEqual(['0:30', '1:0', '2:20', '3:10']);
  });

  it('never has more than `limit` tasks in flight, and keeps `limit` busy while work remains', async () => {
    let inFlight = 0;
    const seen: number[] = [];

    await mapConcurrently(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      seen.push(++inFlight);
      await tick();
      inFlight--;
    });

    expect(Math.max(...seen)).toBe(3);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('runs each item exactly once', async () => {
    const calls: number[] = [];

    await mapConcurrently(Array.from({ length: 50 }, (_, i) => i), 7, async (item) => {
      calls.push(item);
      await tick();
    });

    expect(calls.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects with the first task error', async () => {
    await expect(
      mapConcurrently([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('task 2 failed');
        return item;
      }),
    ).rejects.toThrow('task 2 failed');
  });

  it('answers an empty list with an empty list, and refuses a limit below 1', async () => {
    await expect(mapConcurrently([], 5, async () => 1)).resolves.toEqual([]);
    await expect(mapConcurrently([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
