// MiniStack on a free loopback port, started and stopped through scripts/emulator.sh (the kit's one launcher), for
// the fast suite's DynamoDB and the benchmark. It watches this process: if it is killed, MiniStack stops too.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from './free-port';

const REPO_ROOT = path.resolve(__dirname, '../..');
const EMULATOR_SH = path.join(REPO_ROOT, 'scripts/emulator.sh');
const STATE_DIR = path.join(REPO_ROOT, '.state/emulator');

export interface MiniStackOptions {
  /** MiniStack's SERVICES filter, e.g. 'dynamodb'; every service it has when unset. */
  services?: string;
  /** More of MiniStack's (or the emulator guard's) settings, e.g. EMULATOR_ALLOWED_ORIGINS. */
  env?: Readonly<Record<string, string>>;
  /** A free loopback port chosen by the caller (default: one found here). */
  port?: number;
}

export interface RunningMiniStack {
  endpoint: string;
  port: number;
  /** Its process group id (emulator.sh's pid file). */
  pid: number;
  logFile: string;
}

export async function startMiniStack({ services, env = {}, port }: MiniStackOptions = {}): Promise<RunningMiniStack> {
  port ??= await freeLoopbackPort();
  await emulatorSh('start', port, {
    EMULATOR_WATCH_PID: String(process.pid),
    LOG_LEVEL: 'WARNING',
    ...(services ? { SERVICES: services } : {}),
    ...env,
  });
  const pid = Number(readFileSync(path.join(STATE_DIR, `ministack-${port}.pid`), 'utf8'));
  return { endpoint: `http://127.0.0.1:${port}`, port, pid, logFile: path.join(STATE_DIR, `ministack-${port}.log`) };
}

/** Stops it (its whole process group, by id) and removes its log. */
export async function stopMiniStack({ port, logFile }: Pick<RunningMiniStack, 'port' | 'logFile'>): Promise<void> {
  await emulatorSh('stop', port);
  rmSync(logFile, { force: true });
}

async function emulatorSh(action: 'start' | 'stop', port: number, env: Record<string, string> = {}): Promise<void> {
  try {
    await promisify(execFile)(EMULATOR_SH, [action], { env: { ...process.env, ...env, EMULATOR_PORT: String(port) } });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`scripts/emulator.sh ${action} (port ${port}) failed:\n${stderr ?? String(error)}`, { cause: error });
  }
}
