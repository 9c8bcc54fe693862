// Tells the dev loop that one of the bundle's own source files changed, within milliseconds: Node's recursive
// fs.watch (inotify on Linux, FSEvents on macOS) on the source directory, rather than esbuild's watch, which polls
// and scans the whole bundle graph (the AWS SDK's files too) in turns, so a first edit waited 2.5-5 s to be seen.
//
// Events do not arrive everywhere: a bind mount from a VM (Docker Desktop's older file sharing, WSL2 on /mnt/c)
// may not forward the host's writes to the container's inotify. So in `auto` mode a light poller (a stat of each
// source file every AUTO_POLL_MS) runs beside the watcher, and the first change the poller sees that no event
// reported switches the session to polling, saying so. DEV_WATCH=native|poll|auto (default auto) picks the mode.
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export type WatchMode = 'native' | 'poll' | 'auto';

export interface SourceWatcherOptions {
  /** Directory watched recursively. */
  readonly dir: string;
  /** The files whose change matters (absolute paths), asked again on every check: the bundle's inputs change. */
  readonly files: () => Iterable<string>;
  /** Called once per burst of changes, with when the first was noticed (performance.now()). */
  readonly onChange: (noticedAt: number) => void;
  /** One-off remarks: which mode, a switch to polling. */
  readonly onNotice: (text: string) => void;
  readonly mode?: WatchMode;
  /** For tests: a watcher that never reports stands in for a mount that forwards no events. */
  readonly watchDir?: (dir: string, listener: (file: string | null) => void) => FSWatcher;
}

export interface SourceWatcher {
  /** The mode in force now (`auto` becomes `poll` after a missed event). */
  readonly mode: 'native' | 'poll';
  close(): void;
}

/** Editors write a file in a few steps (truncate, write, rename): one rebuild for all of them. */
const SETTLE_MS = 15;
const AUTO_POLL_MS = 500;
const POLL_MS = 100;
const EVENT_GRACE_MS = 200;

export function parseWatchMode(value: string | undefined): WatchMode {
  const mode = value?.trim() || 'auto';
  if (mode === 'auto' || mode === 'native' || mode === 'poll') return mode;
  throw new Error(`DEV_WATCH must be auto, native or poll (got "${value}")`);
}

const recursiveWatch = (dir: string, listener: (file: string | null) => void): FSWatcher =>
  watch(dir, { recursive: true, persistent: true }, (_event, file) => listener(file));

function fingerprint(file: string): string {
  try {
    const stats = statSync(file);
    return `${stats.mtimeMs}:${stats.size}:${stats.ino}`;
  } catch {
    return 'missing';
  }
}

export function watchSources(options: SourceWatcherOptions): SourceWatcher {
  const { dir, onChange, onNotice } = options;
  const requested = options.mode ?? 'auto';
  let mode: 'native' | 'poll' = requested === 'poll' ? 'poll' : 'native';
  let noticedAt: number | undefined;
  let settle: NodeJS.Timeout | undefined;
  const seen = new Map<string, string>();

  const inputs = () => new Set([...options.files()].map((file) => path.resolve(file)));
  const snapshot = () => {
    for (const file of inputs()) seen.set(file, fingerprint(file));
  };
  const changed = (at: number) => {
    noticedAt ??= at;
    clearTimeout(settle);
    settle = setTimeout(() => {
      settle = undefined;
      const first = noticedAt as number;
      noticedAt = undefined;
      snapshot();
      onChange(first);
    }, SETTLE_MS);
  };

  let watcher: FSWatcher | undefined;
  let events = 0;
  if (mode === 'native') {
    try {
      watcher = (options.watchDir ?? recursiveWatch)(dir, (file) => {
        const at = performance.now();
        // Without a name (some platforms) any change may be ours.
        if (file === null || inputs().has(path.resolve(dir, file))) {
          events++;
          changed(at);
        }
      });
      watcher.on('error', (error) => switchToPolling(`the file watcher failed (${error.message})`));
    } catch (error) {
      mode = 'poll';
      onNotice(`file events unavailable (${(error as Error).message}): polling every ${POLL_MS} ms`);
    }
  }

  let poller: NodeJS.Timeout | undefined;
  let suspect: NodeJS.Timeout | undefined;
  /** A file whose stat differs from what the last rebuild saw, or undefined. */
  const unseenChange = (): string | undefined => {
    for (const file of inputs()) {
      const now = fingerprint(file);
      if (!seen.has(file)) seen.set(file, now); // a new input: the edit that imported it was seen already
      else if (seen.get(file) !== now) return file;
    }
    return undefined;
  };
  const poll = () => {
    if (noticedAt === undefined && unseenChange() !== undefined) changed(performance.now());
  };
  // auto: a change with no event may only be one whose event is still queued behind this timer: give it a moment.
  const check = () => {
    if (suspect || noticedAt !== undefined) return;
    const file = unseenChange();
    if (file === undefined) return;
    const eventsBefore = events;
    suspect = setTimeout(() => {
      suspect = undefined;
      if (events === eventsBefore && mode === 'native') {
        switchToPolling(`a change to ${path.relative(dir, file)} arrived with no file event`);
        if (noticedAt === undefined) changed(performance.now());
      }
    }, EVENT_GRACE_MS);
  };
  function switchToPolling(why: string): void {
    if (mode === 'poll') return;
    mode = 'poll';
    watcher?.close();
    watcher = undefined;
    onNotice(`${why}: polling every ${POLL_MS} ms from now on (DEV_WATCH=poll skips the detection)`);
    clearInterval(poller);
    poller = setInterval(poll, POLL_MS);
  }

  snapshot();
  if (mode === 'poll') poller = setInterval(poll, POLL_MS);
  else if (requested === 'auto') poller = setInterval(check, AUTO_POLL_MS);
  onNotice(
    mode === 'poll'
      ? `watching by polling every ${POLL_MS} ms (DEV_WATCH=${requested})`
      : `watching with file events${requested === 'auto' ? ` (and a check every ${AUTO_POLL_MS} ms that they arrive)` : ''}`,
  );

  return {
    get mode() {
      return mode;
    },
    close() {
      watcher?.close();
      clearInterval(poller);
      clearTimeout(settle);
      clearTimeout(suspect);
    },
  };
}
