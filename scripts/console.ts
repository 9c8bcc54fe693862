// `make console` (ENV=local): dynamodb-admin, the table browser, on CONSOLE_PORT (8001) of 127.0.0.1, pointed at the
// emulator (the SDK's endpoint and test credentials from scripts/lib/profile-env.sh); prints the customers table's
// URL and serves until Ctrl-C. Through compose it listens on the tools container's own interface (CONSOLE_BIND) and
// the Makefile publishes that port on the host's 127.0.0.1 only.
//
// dynamodb-admin checks neither Host nor Origin: a page in your browser could reach it through DNS rebinding, or post
// to it. So only requests for localhost/127.0.0.1 on this port pass, and a state-changing one only from its own page.
import { createServer, type IncomingMessage } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer as createConsole } from 'dynamodb-admin';
import { countFrom, deployedOutputs } from './data/deployed-outputs';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function allowedRequest(request: Pick<IncomingMessage, 'method' | 'headers'>, port: number): boolean {
  const hosts = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
  if (!hosts.includes(request.headers.host ?? '')) return false;
  const origin = request.headers.origin;
  const safe = request.method === 'GET' || request.method === 'HEAD';
  return safe || origin === undefined || hosts.some((host) => origin === `http://${host}`);
}

async function main(): Promise<void> {
  if ((process.env.ENV ?? 'local') !== 'local') throw new Error('the console browses the local emulator only (ENV=local)');
  const port = countFrom('CONSOLE_PORT', 8001);
  const bind = process.env.CONSOLE_BIND?.trim() || '127.0.0.1';
  const { table_name: table } = deployedOutputs('local');
  const app = createConsole({ dynamoDbClient: new DynamoDBClient({}) });
  const server = createServer((request, response) => {
    if (allowedRequest(request, port)) return void app(request, response);
    response.writeHead(403, { 'content-type': 'text/plain' }).end('the console answers http://localhost:<port> only\n');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, bind, resolve));
  console.log(`console: http://localhost:${port}/tables/${encodeURIComponent(table)} (dynamodb-admin on ${process.env.AWS_ENDPOINT_URL}; Ctrl-C stops)`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`make console: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
