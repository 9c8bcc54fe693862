import { setTimeout as sleep } from 'node:timers/promises';
import { FunctionPushes } from './function-code';

/** A job that records when it starts and ends, and waits until released (or its push is superseded). */
function gatedJob(log: string[], name: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const job = async (superseded: AbortSignal) => {
    log.push(`${name} start`);
    await Promise.race([released, new Promise((resolve) => superseded.addEventListener('abort', resolve))]);
    log.push(`${name} ${superseded.aborted ? 'superseded' : 'end'}`);
  };
  return { job, release };
}

const failures: unknown[] = [];
const pushes = () => new FunctionPushes((error) => failures.push(error));

afterEach(() => expect(failures).toEqual([]));

it('supersedes a push under way with a newer one for the same function, and drops one that had not started', async () => {
  const queue = pushes();
  const log: string[] = [];
  const [first, second, third] = ['first', 'second', 'third'].map((name) => gatedJob(log, name));

  queue.push('create', first.job);
  await sleep(10);
  queue.push('create', second.job);
  queue.push('create', third.job);
  await sleep(10);
  third.release();
  await sleep(10);

  expect(log).toEqual(['first start', 'first superseded', 'third start', 'third end']);
});

it('pushes to different functions at the same time', async () => {
  const queue = pushes();
  const log: string[] = [];
  const [create, get] = ['create', 'get'].map((name) => gatedJob(log, name));

  queue.push('create', create.job);
  queue.push('get', get.job);
  await sleep(10);

  expect(log).toEqual(['create start', 'get start']);
  create.release();
  get.release();
});

it('runs an exclusive job (an infra apply) after the pushes under way, and the pushes queued meanwhile after it', async () => {
  const queue = pushes();
  const log: string[] = [];
  const before = gatedJob(log, 'before');
  const after = gatedJob(log, 'after');

  queue.push('create', before.job);
  await sleep(10);
  const applied = queue.exclusive(async () => {
    log.push('apply start');
    await sleep(20);
    log.push('apply end');
  });
  queue.push('get', after.job);
  await sleep(10);
  expect(log).toEqual(['before start']);

  before.release();
  await applied;
  await sleep(10);
  after.release();
  await sleep(10);

  expect(log).toEqual(['before start', 'before end', 'apply start', 'apply end', 'after start', 'after end']);
});
