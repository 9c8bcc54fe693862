import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseWatchMode, watchSources, type SourceWatcher, type WatchMode } from './source-watcher';

let dir: string;
let watcher: SourceWatcher | undefined;
const notices: string[] = [];
const changes: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'source-watcher-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(dir, 'src', 'index.test.ts'), 'test\n');
  notices.length = 0;
  changes.length = 0;
});

afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (mode: WatchMode, watchDir?: Parameters<typeof watchSources>[0]['watchDir']) => {
  watcher = watchSources({
    dir,
    files: () => [path.join(dir, 'src', 'index.ts')],
    onChange: (at) => changes.push(at),
    onNotice: (text) => notices.push(text),
    mode,
    watchDir,
  });
  return watcher;
};

async function until(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await sleep(10);
}

/** Stands in for a bind mount that forwards no file events: a watcher that never reports. */
const silentWatcher = () => Object.assign(new EventEmitter(), { close() {} }) as unknown as FSWatcher;

describe('watchSources', () => {
  it('reports an edit to an input once, from a file event', async () => {
    start('auto');
    await sleep(50);
    const wrote = performance.now();
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 2;\n');
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 3;\n');
    await until(() => changes.length > 0, 1_000);
    await sleep(100);
    expect(changes).toHaveLength(1);
    expect(changes[0] - wrote).toBeLessThan(400); // well inside the 500 ms check: an event, not the poller
    expect(watcher?.mode).toBe('native');
    expect(notices).toEqual([expect.stringMatching(/^watching with file events/)]);
  });

  it('ignores a file that is not one of the inputs (a test, a new file nothing imports)', async () => {
    start('native');
    await sleep(50);
    writeFileSync(path.join(dir, 'src', 'index.test.ts'), 'changed\n');
    writeFileSync(path.join(dir, 'src', 'new.ts'), 'export {};\n');
    await sleep(300);
    expect(changes).toEqual([]);
  });

  it('switches to polling, saying so, when a change arrives with no file event', async () => {
    start('auto', silentWatcher);
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 20;\n');
    await until(() => changes.length > 0, 2_000);
    expect(changes).toHaveLength(1);
    expect(watcher?.mode).toBe('poll');
    expect(notices.at(-1)).toMatch(/index\.ts arrived with no file event: polling every 100 ms from now on/);
    // From then on the poller sees edits within its interval.
    const wrote = performance.now();
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 21;\n');
    await until(() => changes.length > 1, 1_000);
    expect(changes[1] - wrote).toBeLessThan(400);
  });

  it('polls from the start with DEV_WATCH=poll', async () => {
    start('poll');
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export const a = 4;\n');
    await until(() => changes.length > 0, 1_000);
    expect(changes).toHaveLength(1);
    expect(notices).toEqual(['watching by polling every 100 ms (DEV_WATCH=poll)']);
  });
});

describe('parseWatchMode', () => {
  it('defaults to auto and names the variable on a bad value', () => {
    expect(parseWatchMode(undefined)).toBe('auto');
    expect(parseWatchMode(' poll ')).toBe('poll');
    expect(() => parseWatchMode('inotify')).toThrow('DEV_WATCH must be auto, native or poll (got "inotify")');
  });
});
