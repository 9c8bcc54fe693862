// `make dev DEBUG=1`: starts the local debug process (runtime.ts) under the inspector, swaps each function's code for
// a relay to it (relay-code.ts), hands it each new debug bundle (live without any UpdateFunctionCode), and on stop
// puts the real bundles back. The inspector listens on DEBUG_INSPECT_HOST:DEBUG_PORT (127.0.0.1:9229; in the compose
// tools container 0.0.0.0, which compose publishes on the host's 127.0.0.1 only).
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { zipPathOf } from '../../../service/build';
import { pushFunctionCode } from '../function-code';
import type { DebugFunctionConfig, FromRuntime, ToRuntime } from './protocol';
import { relayHost } from './relay-address';
import { relayZip, type RelayTarget } from './relay-code';

export interface DebugSessionOptions {
  readonly root: string;
  readonly lambda: LambdaClient;
  readonly functionNames: readonly string[];
  /** Builds the real bundles and returns each function's zip, for the way out. */
  readonly realCode: () => Promise<ReadonlyMap<string, Buffer>>;
  readonly say: (line: string) => void;
  /** Each line the handler code prints (Powertools JSON): the caller formats it like the log tail. */
  readonly onOutput: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface InspectorAddress {
  readonly host: string;
  readonly port: number;
}

export function inspectorAddress(env: NodeJS.ProcessEnv = process.env): InspectorAddress {
  const port = Number(env.DEBUG_PORT?.trim() || '9229');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`DEBUG_PORT must be a TCP port (got "${env.DEBUG_PORT}")`);
  return { host: env.DEBUG_INSPECT_HOST?.trim() || '127.0.0.1', port };
}

export class DebugSession {
  private relaysInstalled = false;
  private readonly pendingLoads = new Map<string, Array<() => void>>();

  private constructor(
    private readonly options: DebugSessionOptions,
    private readonly runtime: ChildProcess,
    readonly target: RelayTarget,
    readonly inspector: InspectorAddress,
  ) {
    runtime.on('message', (message: FromRuntime) => {
      if (message.type === 'loaded') {
        for (const resolve of this.pendingLoads.get(message.name) ?? []) resolve();
        this.pendingLoads.delete(message.name);
      } else if (message.type === 'invoked') {
        options.say(`${message.name}: invoked locally in ${Math.round(message.ms)} ms${message.error ? ` (failed: ${message.error})` : ''}`);
      }
    });
  }

  static async start(options: DebugSessionOptions): Promise<DebugSession> {
    const env = options.env ?? process.env;
    const inspector = inspectorAddress(env);
    const functions: DebugFunctionConfig[] = await Promise.all(options.functionNames.map(async (name) => {
      const config = await options.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      return { name, environment: config.Environment?.Variables ?? {}, handler: config.Handler ?? 'index.handler' };
    }));
    const host = await relayHost(env.AWS_ENDPOINT_URL, env);
    const token = randomBytes(32).toString('base64url');
    const runtime = fork(path.join(__dirname, 'runtime.ts'), [], {
      cwd: options.root,
      execArgv: ['--import', 'tsx', `--inspect=${inspector.host}:${inspector.port}`, '--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let buffered = '';
    runtime.stdout?.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) options.onOutput(line);
    });
    const port = await new Promise<number>((resolve, reject) => {
      runtime.once('exit', (code) => reject(new Error(`the debug process exited (${code}) before it listened`)));
      runtime.on('message', (message: FromRuntime) => {
        if (message.type !== 'listening') return;
        if (message.inspector) return resolve(message.port);
        runtime.kill();
        // Node carries on without an inspector when its port is taken: a debug session without one is no use.
        reject(new Error(`the inspector could not listen on ${inspector.host}:${inspector.port} (another debugger or make debug?): set DEBUG_PORT`));
      });
      runtime.send({ type: 'start', bind: host, token, functions } satisfies ToRuntime);
    });
    return new DebugSession(options, runtime, { host, port, token }, inspector);
  }

  /** New code for `name`, live on its next invocation; the first load of all also swaps the relays in. */
  async load(name: string, bundle: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => this.pendingLoads.set(name, [...(this.pendingLoads.get(name) ?? []), resolve]));
    this.runtime.send({ type: 'load', name, bundle } satisfies ToRuntime);
    await loaded;
  }

  /** Each function's code becomes the relay (again after an infra apply put the real code back). */
  async installRelays(): Promise<void> {
    const zip = await relayZip(this.target);
    await Promise.all(this.options.functionNames.map((name) => pushFunctionCode(this.options.lambda, name, zip)));
    this.relaysInstalled = true;
  }

  /** The real bundles back in every function, then the local process ends. */
  async stop(): Promise<void> {
    try {
      if (this.relaysInstalled) {
        const real = await this.options.realCode();
        await Promise.all(this.options.functionNames.map(async (name) => {
          const zip = real.get(name);
          if (!zip) throw new Error(`no real bundle for ${name}: make deploy puts it back`);
          await pushFunctionCode(this.options.lambda, name, zip);
        }));
        this.relaysInstalled = false;
      }
    } finally {
      this.runtime.kill('SIGTERM');
    }
  }
}

/**
 * The real code as `make build` makes it, by function name (`functions`: route -> function). In a process of its own:
 * Ctrl-C reached this process group's esbuild service too, so this process cannot build any more.
 */
export async function builtZips(root: string, functions: Readonly<Record<string, string>>): Promise<ReadonlyMap<string, Buffer>> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'service/build.ts'], { cwd: root });
  const outDir = path.join(root, 'dist');
  return new Map(await Promise.all(Object.entries(functions)
    .map(async ([route, functionName]) => [functionName, await readFile(zipPathOf(outDir, route))] as const)));
}
