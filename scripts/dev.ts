// `make dev`: the local inner loop. Deploys when what is deployed is out of date, prints each route's URL and how to
// get the key, then: a change under service/ is rebuilt, type-checked and pushed to the functions whose bundle it
// changed, and only to those (`reloaded <route> in N ms`); a change under infra/ re-synthesizes and applies; every
// route's log lines are printed as they arrive, each marked with its route. Ctrl-C stops the watchers, the log tails
// and any running deploy (by process group id). The emulator stays up for the next run.
//
// Environment: DEPLOY_ID (workspace, default `local`), EMULATOR_ENDPOINT; scripts/lib/profile-env.sh local sets the
// SDK's endpoint and test credentials (the Makefile sources it).
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CommandRunner, deployIfStale, type LocalWorkspace } from './dev/deployment';
import { pushFunctionCode, zipBundle } from './dev/function-code';
import { formatLogEvent, routeMarker } from './dev/log-format';
import { tailLogGroup } from './dev/log-tail';
import { watchService, type ServiceWatch } from './dev/watch-service';
import { ROUTES } from '../service/src/routes';

const ROOT = path.resolve(__dirname, '..');
const INFRA_SETTLE_MS = 300;
const colour = process.stdout.isTTY === true;
const say = (line: string) => console.log(colour ? `\u001b[36m[dev]\u001b[0m ${line}` : `[dev] ${line}`);

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
  const started: { service?: ServiceWatch; infra?: FSWatcher } = {};

  const stop = async (signal: string) => {
    if (stopping.signal.aborted) return;
    say(`${signal}: stopping the watchers, the log tail and any running deploy; the emulator stays up (make emulator-down)`);
    stopping.abort();
    runner.stop();
    started.infra?.close();
    await started.service?.dispose();
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

  // Per route: a push queued behind a newer bundle of the same route is dropped (only its latest code matters).
  const latestBundle = new Map<string, number>();
  started.service = await watchService(ROOT, {
    onErrors: (kind, text) => say(`${kind} error; the old code keeps serving:\n${text}`),
    onBundle: (route, bundle, startedAt) => {
      const number = (latestBundle.get(route) ?? 0) + 1;
      latestBundle.set(route, number);
      void queue.run(async () => {
        if (number !== latestBundle.get(route) || stopping.signal.aborted) return;
        const functionName = outputs.function_names[route];
        if (!functionName) throw new Error(`route ${route} has no deployed function yet: it is new; an infra/ change or a restart deploys it`);
        await pushFunctionCode(lambda, functionName, await zipBundle(bundle));
        say(`reloaded ${route} in ${Math.round(performance.now() - startedAt)} ms`);
      });
    },
  });

  let infraTimer: NodeJS.Timeout | undefined;
  started.infra = watch(path.join(ROOT, 'infra'), { recursive: true }, (_event, file) => {
    // Stack sources only: tests, test support and editors' temporary files change nothing deployed.
    if (!file?.endsWith('.ts') || /\.test\.ts$|(^|\/)test-support\//.test(file)) return;
    clearTimeout(infraTimer);
    infraTimer = setTimeout(() => {
      say(`infra/${file} changed: re-synthesizing and applying (the slower path)`);
      void queue.run(async () => {
        outputs = await deployIfStale(target, { lambda, apiGateway }, runner, say);
      });
    }, INFRA_SETTLE_MS);
  });
  say('watching service/ (esbuild) and infra/; Ctrl-C stops');
}

main().catch((error: unknown) => {
  console.error(`make dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
