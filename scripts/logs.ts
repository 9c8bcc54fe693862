// `make logs [ENV=local|aws]`: prints every route's log lines readably (see dev/log-format.ts), each marked with its
// route, starting LOGS_SINCE minutes back (default 10), and follows them until Ctrl-C. The functions come from
// .state/<workspace>/outputs.json (function_names).
// AWS: StartLiveTail with the caller's credentials, falling back to FilterLogEvents polling when it is refused.
// Local: FilterLogEvents polling (the emulators do not stream Lambda output through Live Tail; see dev/log-tail.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { readOutputs } from './dev/deployment';
import { formatLogEvent, routeMarker } from './dev/log-format';
import { tailLogGroup } from './dev/log-tail';

async function main(): Promise<void> {
  const env = process.env.ENV ?? 'local';
  const workspace = process.env.DEPLOY_ID?.trim() || env;
  const root = path.resolve(__dirname, '..');
  if (!existsSync(path.join(root, '.state', workspace, 'outputs.json'))) {
    throw new Error(`no deployment recorded in .state/${workspace}/outputs.json: run make deploy ENV=${env} first`);
  }
  const minutes = Number(process.env.LOGS_SINCE ?? '10');
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`LOGS_SINCE must be a number of minutes (got "${process.env.LOGS_SINCE}")`);
  const functions = Object.entries(readOutputs({ root, workspace }).function_names ?? {});
  if (functions.length === 0) throw new Error(`.state/${workspace}/outputs.json names no functions: run make deploy ENV=${env} again`);
  const colour = process.stdout.isTTY === true;
  const mark = routeMarker(functions.map(([route]) => route), colour);
  const stop = new AbortController();
  process.on('SIGINT', () => stop.abort());
  process.on('SIGTERM', () => stop.abort());
  const since = Date.now() - minutes * 60_000;
  console.error(`[logs] ${functions.map(([, name]) => `/aws/lambda/${name}`).join(', ')}, from ${minutes} min ago; Ctrl-C stops`);
  const logs = new CloudWatchLogsClient({});
  await Promise.all(functions.map(([route, functionName]) => tailLogGroup(logs, {
    logGroupName: `/aws/lambda/${functionName}`,
    since,
    mode: env === 'aws' ? 'live' : 'poll',
    signal: stop.signal,
    onEvent: (event) => {
      const line = formatLogEvent(event, colour);
      if (line !== undefined) console.log(mark(route, line));
    },
    onNotice: (text) => console.error(`[logs] ${route}: ${text}`),
  })));
}

main().catch((error: unknown) => {
  console.error(`make logs: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
