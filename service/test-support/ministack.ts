// MiniStack (the pinned one from scripts/toolchain.sh) as the fast suite's DynamoDB: a real DynamoDB-protocol server
// that, unlike dynalite, implements TransactWriteItems. Started once per jest run by global-setup.ts.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface RunningMiniStack {
  endpoint: string;
  /** Process group id: the watchdog shell and MiniStack under it. */
  pid: number;
  logFile: string;
}

/** Where global-setup.ts publishes the endpoint to the test workers. */
export const TEST_DYNAMODB_ENDPOINT_VAR = 'CUSTOMERS_API_TEST_DYNAMODB_ENDPOINT';

const REPO_ROOT = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

// The shell runs MiniStack and exits when jest does, killing it, so an interrupted run leaves no server behind.
// $0 is MiniStack's path, $1 the pid of the jest process that owns it.
const WATCHDOG = 'trap \'kill "$ms" 2>/dev/null\' EXIT; "$0" & ms=$!; ' +
  'while kill -0 "$1" 2>/dev/null && kill -0 "$ms" 2>/dev/null; do sleep 1; done';

/** MINISTACK_BIN as `scripts/toolchain.sh env` reports it; `make test` installs it first. */
export function miniStackBin(): string {
  const env = execFileSync(path.join(REPO_ROOT, 'scripts/toolchain.sh'), ['env'], { encoding: 'utf8' });
  const bin = /^export MINISTACK_BIN='([^']+)'$/m.exec(env)?.[1];
  if (!bin || !existsSync(bin)) {
    throw new Error(`MiniStack is not installed${bin ? ` at ${bin}` : ''}: run \`make test\` or \`scripts/toolchain.sh ministack\``);
  }
  return bin;
}

/** Starts MiniStack's DynamoDB on a free loopback port and waits for its health endpoint. */
export async function startMiniStack(bin = miniStackBin()): Promise<RunningMiniStack> {
  const port = await freeLoopbackPort();
  const logFile = path.join(tmpdir(), `customers-api-test-ministack-${port}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn('bash', ['-c', WATCHDOG, bin, String(process.pid)], {
    // Own process group, so stopping it also ends MiniStack under the shell.
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, GATEWAY_PORT: String(port), BIND_HOST: '127.0.0.1', SERVICES: 'dynamodb', LOG_LEVEL: 'WARNING' },
  });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error('could not spawn MiniStack');
  const running = { endpoint: `http://127.0.0.1:${port}`, pid: child.pid, logFile };
  try {
    await waitHealthy(running);
  } catch (error) {
    await stopMiniStack(running.pid);
    throw error;
  }
  return running;
}

/** Ends the process group started above (by its id) and waits until it is gone. */
export async function stopMiniStack(pid: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (signalGroup(pid, 0)) {
    if (Date.now() > deadline) {
      signalGroup(pid, 'SIGKILL');
      return;
    }
    await delay(100);
  }
}

async function waitHealthy({ endpoint, pid, logFile }: RunningMiniStack): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!signalGroup(pid, 0) || Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`MiniStack did not become healthy at ${endpoint} within ${START_TIMEOUT_MS / 1000}s; log ${logFile}:\n${tail}`);
    }
    await delay(100);
  }
}

// Returns false once nothing in the group is left to signal.
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
