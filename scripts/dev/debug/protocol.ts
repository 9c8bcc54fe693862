// Messages between `make dev DEBUG=1` (session.ts) and its local debug process (runtime.ts), over Node's IPC channel:
// the token never reaches argv or the environment of the process.

export interface DebugFunctionConfig {
  readonly name: string;
  /** The deployed function's environment variables (its table names, log level...). */
  readonly environment: Readonly<Record<string, string>>;
  /** `index.handler`: the export the bundle is called through. */
  readonly handler: string;
}

export type ToRuntime =
  | { readonly type: 'start'; readonly bind: string; readonly token: string; readonly functions: readonly DebugFunctionConfig[] }
  /** New code for a function: its next invocation loads it, as a cold start would. */
  | { readonly type: 'load'; readonly name: string; readonly bundle: string };

export type FromRuntime =
  /** `inspector`: the inspector's WebSocket URL, undefined when it could not start (its port taken). */
  | { readonly type: 'listening'; readonly port: number; readonly inspector?: string }
  | { readonly type: 'loaded'; readonly name: string }
  | { readonly type: 'invoked'; readonly name: string; readonly ms: number; readonly error?: string };
