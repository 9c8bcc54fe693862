// `make dev`: the local inner loop. Deploys when what is deployed is out of date, prints each route's URL and how to
// get the key, then: a change under service/ is rebuilt, type-checked and pushed to the functions whose bundle it
// changed, and only to those (`reloaded <route> in N ms`); a change under infra/ re-synthesizes and applies; every
// route's log lines are printed as they arrive, each marked with its route. Ctrl-C stops the watchers, the log tails
// and any running deploy (by process group id). The emulator stays up for the next run.
//
// DEV_DEBUG=1 (make dev DEBUG=1, make debug): the handlers run in a local process under the inspector instead, each
// function's code swapped for a relay to it (scripts/dev/debug/): an edit is live there without UpdateFunctionCode,
// and Ctrl-C puts the real bundles back.
//
// Environment: DEPLOY_ID (workspace, default `local`), EMULATOR_ENDPOINT; scripts/lib/profile-env.sh local sets the
// SDK's endpoint and test credentials (the Makefile sources it).
import { mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CommandRunner, deployIfStale, type LocalWorkspace } from './dev/deployment';
import { FunctionPushes, pushFunctionCode, zipBundle } from './dev/function-code';
import { formatLogEvent, routeMarker } from './dev/log-format';
import { tailLogGroup } from './dev/log-tail';
import { builtZips, DebugSession } from './dev/debug/session';
import { watchService, type LambdaBundle, type ServiceWatch } from './dev/watch-service';
import { ROUTES } from '../service/src/routes';

const ROOT = path.resolve(__dirname, '..');
const INFRA_SETTLE_MS = 300;
const colour = process.stdout.isTTY === true;
const say = (line: string) => console.log(colour ? `\u001b[36m[dev]\u001b[0m ${line}` : `[dev] ${line}`);

/** A debug bundle on disk, where its source map's relative paths point from (synchronously: see onBundle). */
function writeBundle(bundle: LambdaBundle): void {
  mkdirSync(path.dirname(bundle.path), { recursive: true });
  writeFileSync(bundle.path, bundle.js);
  if (bundle.map) writeFileSync(`${bundle.path}.map`, bundle.map);
}

/** Runs jobs one at a time, in order. */
class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  run(job: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(job).catch((error: unknown) => say(`failed: ${error instanceof Error ? error.message : String(error)}`));
    return this.tail;
  }
}

async function main(): Promise<void> {
  const target: LocalWorkspace = { root: ROOT, workspace: process.env.DEPLOY_ID?.trim() || 'local' };
  const lambda = new LambdaClient({});
  const apiGateway = new APIGatewayClient({});
  const logs = new CloudWatchLogsClient({});
  const runner = new CommandRunner(ROOT);
  const stopping = new AbortController();
  const queue = new SerialQueue();
  const started: { service?: ServiceWatch; infra?: FSWatcher; debug?: DebugSession } = {};
  const debugMode = process.env.DEV_DEBUG?.trim() === '1';

  const stop = async (signal: string) => {
    if (stopping.signal.aborted) return;
    say(`${signal}: stopping the watchers, the log tail and any running deploy; the emulator stays up (make emulator-down)`);
    stopping.abort();
    runner.stop();
    started.infra?.close();
    await started.service?.dispose();
    if (started.debug) {
      say('leaving debug mode: putting the real bundles back');
      await started.debug.stop().then(
        () => say('the real code serves again'),
        (error: unknown) => say(`could not put the real code back (${error instanceof Error ? error.message : String(error)}): make deploy does`),
      );
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let outputs = await deployIfStale(target, { lambda, apiGateway }, runner, say);
  for (const route of ROUTES) say(`${route.method.padEnd(4)} ${outputs.stage_url}${route.path}`);
  // `make api-key` reads .state/<ENV>; another workspace needs the SSM call spelled out.
  const endpoint = process.env.EMULATOR_PUBLIC_ENDPOINT ?? process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';
  say(target.workspace === 'local'
    ? 'API key: KEY=$(make -s api-key)'
    : `API key: KEY=$(AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${process.env.AWS_REGION ?? 'us-east-1'} npx tsx scripts/read-parameter.ts ${outputs.api_key_parameter_name})`);

  const mark = routeMarker(Object.keys(outputs.function_names), colour);
  for (const [route, functionName] of Object.entries(outputs.function_names)) {
    void tailLogGroup(logs, {
      logGroupName: `/aws/lambda/${functionName}`,
      since: Date.now(),
      mode: 'poll', // emulators do not stream Lambda output through StartLiveTail (see log-tail.ts)
      signal: stopping.signal,
      onEvent: (event) => {
        const line = formatLogEvent(event, colour);
        if (line !== undefined) console.log(mark(route, line));
      },
      onNotice: say,
    });
  }

  if (debugMode) {
    const functions = outputs.function_names;
    started.debug = await DebugSession.start({
      root: ROOT,
      lambda,
      functionNames: Object.values(functions),
      realCode: () => builtZips(ROOT, functions),
      say,
      onOutput: (line) => console.log(formatLogEvent({ timestamp: Date.now(), message: line }, colour) ?? line),
    });
  }
  // Debug mode: the relays go in once the debug process has every route's first bundle.
  const awaitingFirstBundle = new Set(Object.keys(outputs.function_names));

  const pushes = new FunctionPushes((error) => say(`failed: ${error instanceof Error ? error.message : String(error)}`));
  started.service = await watchService(ROOT, {
    onErrors: (kind, text) => say(debugMode && kind === 'type'
      ? `type error (debug mode runs the new code anyway; make dev would keep the old code serving):\n${text}`
      : `${kind} error; the old code keeps serving:\n${text}`),
    onNotice: say,
    onBundle: (route, bundle, startedAt) => {
      const bundledAt = performance.now();
      const functionName = outputs.function_names[route];
      const debug = started.debug;
      if (debug && functionName) {
        // Now, before the type check that follows in this turn: the debug process loads it meanwhile.
        writeBundle(bundle);
        const loaded = debug.load(functionName, bundle.path);
        void queue.run(async () => {
          await loaded;
          if (awaitingFirstBundle.size === 0) {
            say(`live ${route} in ${Math.round(performance.now() - startedAt)} ms (in the debug process; no UpdateFunctionCode)`);
            return;
          }
          awaitingFirstBundle.delete(route);
          if (awaitingFirstBundle.size > 0) return;
          await debug.installRelays();
          const { host, port } = debug.inspector;
          say(`debug mode: ${Object.keys(outputs.function_names).join(', ')} run in a local process under the inspector on ` +
            `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port} (VS Code: "Attach to make dev DEBUG=1"; Chrome: chrome://inspect); ` +
            `requests still go through API Gateway and Lambda, whose code is now a relay to ${debug.target.host}:${debug.target.port}. Ctrl-C puts the real code back`);
        });
        return;
      }
      if (!functionName) {
        say(`failed: route ${route} has no deployed function yet: it is new; an infra/ change or a restart deploys it`);
        return;
      }
      pushes.push(functionName, async (superseded) => {
        if (stopping.signal.aborted) return;
        // Superseded: the newer push says `reloaded` for both.
        if (await pushFunctionCode(lambda, functionName, await zipBundle(bundle), superseded) === 'superseded') return;
        say(`reloaded ${route} in ${Math.round(performance.now() - startedAt)} ms (built and type-checked in ${Math.round(bundledAt - startedAt)} ms)`);
      });
    },
  }, { debug: debugMode });

  let infraTimer: NodeJS.Timeout | undefined;
  started.infra = watch(path.join(ROOT, 'infra'), { recursive: true }, (_event, file) => {
    // Stack sources only: tests, test support and editors' temporary files change nothing deployed.
    if (!file?.endsWith('.ts') || /\.test\.ts$|(^|\/)test-support\//.test(file)) return;
    clearTimeout(infraTimer);
    infraTimer = setTimeout(() => {
      say(`infra/${file} changed: re-synthesizing and applying (the slower path)`);
      void pushes.exclusive(() => queue.run(async () => {
        outputs = await deployIfStale(target, { lambda, apiGateway }, runner, say);
        // The apply put the real code back in the functions.
        if (started.debug && awaitingFirstBundle.size === 0) await started.debug.installRelays();
      }));
    }, INFRA_SETTLE_MS);
  });
  say('watching service/ (esbuild rebuild on change) and infra/; Ctrl-C stops');
}

main().catch((error: unknown) => {
  console.error(`make dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
