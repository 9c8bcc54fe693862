// Runs `make dev` for real in a temporary copy of the repository (tracked and new files; node_modules symlinked), so
// tests and the edit-to-live benchmark can edit the handler without touching the working tree.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients } from './aws-clients';
import type { StackOutputs } from './stack';

const repoRoot = path.resolve(__dirname, '../..');

/** This process's environment without a parent make's flags, for a make started as a user starts it. */
export const withoutMakeFlags = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !['MAKEFLAGS', 'MAKELEVEL', 'MFLAGS'].includes(name)));

/** The environment `make dev` gets: host MiniStack on `port`, its own workspace, no parent make's flags. */
export function devEnv(port: string, deployId: string): NodeJS.ProcessEnv {
  return {
    ...withoutMakeFlags(),
    ENV: 'local',
    EMULATOR: 'ministack',
    EMULATOR_PORT: port,
    EMULATOR_ENDPOINT: `http://127.0.0.1:${port}`,
    DEPLOY_ID: deployId,
    RUNNER: 'native',
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: { requestId?: string };
}

/** POST /customers with a valid body (a fresh email unless given). */
export async function postCustomer(url: string, key: string, email = `dev-${randomUUID()}@example.com`, firstname = 'Ada'): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ firstname, lastname: 'Lovelace', email }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Reply['body'] };
}

export interface RepoCopy {
  readonly root: string;
  remove(): void;
}

/**
 * `linkNodeModules: false` for a copy run through compose: its tools container mounts its own node_modules volume
 * there, and a link to this host's directory would point nowhere inside it.
 */
export function copyRepo({ linkNodeModules = true } = {}): RepoCopy {
  const root = mkdtempSync(path.join(tmpdir(), 'customers-dev-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    // Timestamps kept: a package-lock.json newer than node_modules would make `make` run `npm ci` through the link.
    try {
      cpSync(path.join(repoRoot, file), path.join(root, file), { preserveTimestamps: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted in the working tree
    }
  }
  if (linkNodeModules) symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  // Retries: a tools container that is still ending can write into the copy while it is being removed (ENOTEMPTY).
  return { root, remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 }) };
}

/**
 * A route's handler module (service/src/routes/<route>.ts), replaced by a wrapper that adds response headers around
 * the real handler, which is kept alongside as original-<route>.ts.
 */
export function wrapHandler(root: string, wrapper: string, route = 'create-customer'): void {
  const entry = path.join(root, 'service', 'src', 'routes', `${route}.ts`);
  const original = path.join(root, 'service', 'src', 'routes', `original-${route}.ts`);
  try {
    readFileSync(original);
  } catch {
    cpSync(entry, original);
  }
  writeFileSync(entry, wrapper.replaceAll('./original-handler', `./original-${route}`));
}

/** Puts a route's handler module back as it was before wrapHandler. */
export function unwrapHandler(root: string, route = 'create-customer'): void {
  renameSync(path.join(root, 'service', 'src', 'routes', `original-${route}.ts`), path.join(root, 'service', 'src', 'routes', `${route}.ts`));
}

/** A wrapper that adds `headers` to every response; it type-checks and builds. */
export const headerWrapper = (headers: Record<string, string>, extraHeaderExpressions = ''): string => `
import type { ApiHandler } from '../route-handler';
import { createHandler as original } from './original-handler';

export const createHandler = (dependencies: Parameters<typeof original>[0]): ApiHandler => {
  const handle = original(dependencies);
  return async (event, context) => {
    const response = await handle(event, context);
    return { ...response, headers: { ...response.headers, ...${JSON.stringify(headers)}${extraHeaderExpressions} } };
  };
};
`;

/** A long-running make target (`make dev`, `make logs`) in its own process group, as from a terminal; output collected. */
export class DevLoop {
  output = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, private readonly inTerminal = false) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      child.stdin?.destroy(); // the terminal's input, when there is one: an open pipe would keep jest from exiting
      resolve(code);
    }));
  }

  static start(root: string, env: NodeJS.ProcessEnv, target = 'dev'): DevLoop {
    return new DevLoop(spawn('make', [target], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** In a terminal, as a user runs it: util-linux `script` gives make a pseudo-terminal, and typeCtrlC() types ^C. */
  static startInTerminal(root: string, env: NodeJS.ProcessEnv, target = 'dev'): DevLoop {
    const args = ['--quiet', '--flush', '--return', '--command', `make ${target}`, '/dev/null'];
    return new DevLoop(spawn('script', args, { cwd: root, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] }), true);
  }

  /** Ctrl-C typed into the terminal startInTerminal() made. Resolves with the exit code. */
  async typeCtrlC(timeoutMs = 30_000): Promise<number | null> {
    this.child.stdin?.write('\x03');
    return this.exit(timeoutMs);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /**
   * The output for a failure message, its last lines first: that is where the error is, and a CI summary that keeps
   * only the head of a long message would otherwise show the build and not the failure.
   */
  private said(): string {
    const tail = this.output.trimEnd().split('\n').slice(-25).join('\n');
    return `last lines:\n${tail}\n--- whole output:\n${this.output}`;
  }

  /** Waits until the output after `from` matches `pattern`; returns the match and where it ended. */
  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ match: RegExpExecArray; end: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(from);
      const match = pattern.exec(rest);
      if (match) return { match, end: from + match.index + match[0].length };
      if (Date.now() > deadline) throw new Error(`make did not print ${pattern} within ${timeoutMs} ms; ${this.said()}`);
      if (this.child.exitCode !== null) throw new Error(`make exited (${this.child.exitCode}); ${this.said()}`);
      await sleep(50);
    }
  }

  /**
   * Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group. Resolves with make's exit code. In
   * the terminal startInTerminal() made, typed there: make runs in that terminal's session, which a signal to
   * `script`'s process group does not reach.
   */
  async interrupt(timeoutMs = 30_000): Promise<number | null> {
    if (this.inTerminal) return this.typeCtrlC(timeoutMs);
    process.kill(-this.pid, 'SIGINT');
    return this.exit(timeoutMs);
  }

  private exit(timeoutMs: number): Promise<number | null> {
    return Promise.race([
      this.exited,
      // Unreferenced: a pending 30 s timer would keep jest from exiting after the last test.
      sleep(timeoutMs, undefined, { ref: false }).then(() => {
        throw new Error(`make still running ${timeoutMs} ms after Ctrl-C; ${this.said()}`);
      }),
    ]);
  }
}

/** Every live process below `pid` (from /proc): what `make dev` has started, at the moment of the call. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command (which may contain spaces) start after its closing parenthesis: state, ppid, ...
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie has exited; it only waits for its parent to read its status.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The end of a run of `make dev` in a copy with its own host emulator (tests' afterAll, the benchmarks' finally):
 * Ctrl-C to a loop still running (SIGKILL to its group if that fails), destroy what was deployed, stop the emulator,
 * remove the copy.
 */
export async function cleanUpCopy(copy: RepoCopy | undefined, loop: DevLoop | undefined, deployed: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  const inCopy = (command: string, args: string[]) => execFileSync(command, args, { cwd: (copy as RepoCopy).root, env, stdio: 'inherit' });
  try {
    if (loop) await loop.interrupt(120_000).catch(() => process.kill(-loop.pid, 'SIGKILL'));
    if (copy && deployed) inCopy('scripts/deploy.sh', ['down', 'local']);
  } finally {
    if (copy) {
      inCopy('scripts/emulator.sh', ['stop']);
      copy.remove();
    }
  }
}

export interface TimedEdit {
  /** File write to the first response carrying the edit's header, in ms. */
  readonly live: number;
  readonly requests: number;
  /** The loop's own line for that edit (`reloaded <route> in N ms`, `live <route> in N ms`). */
  readonly loopSaid: RegExpExecArray;
  /** Where that line ended in the loop's output. */
  readonly end: number;
}

/**
 * One timed edit (the benchmarks): the create-customer handler wrapped to add `header: value`, then duplicate-email
 * requests back to back until one carries it, then the loop's line for it.
 */
export async function timeEdit(options: {
  loop: DevLoop; root: string; url: string; key: string; email: string; header: string; value: string; loopSays: RegExp; from: number;
}): Promise<TimedEdit> {
  const { loop, url, key, email, header, value } = options;
  const began = performance.now();
  wrapHandler(options.root, headerWrapper({ [header]: value }));
  let requests = 0;
  for (;;) {
    requests++;
    const reply = await postCustomer(url, key, email).catch(() => undefined);
    if (reply?.headers.get(header) === value) break;
    if (performance.now() - began > 60_000) throw new Error(`edit ${value} not live after 60 s; make dev said:\n${loop.output.slice(options.from)}`);
  }
  const live = performance.now() - began;
  const said = await loop.waitFor(options.loopSays, 30_000, options.from);
  return { live, requests, loopSaid: said.match, end: said.end };
}

/** What a copy's deploy wrote (.state/<deployId>/outputs.json) and the API key, read from SSM on its emulator. */
export async function deployedInCopy(root: string, deployId: string, endpoint: string): Promise<{ outputs: StackOutputs; key: string }> {
  const outputs = JSON.parse(readFileSync(path.join(root, '.state', deployId, 'outputs.json'), 'utf8')) as StackOutputs;
  const { Parameter } = await awsClients(endpoint).ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error(`no value in ${outputs.api_key_parameter_name}`);
  return { outputs, key: Parameter.Value };
}
