// Seeing the data and seed data, end to end on host MiniStack (started here) with a deployed stack of its own:
// after a POST through the API, `make console` serves dynamodb-admin whose customers table page lists that customer
// in headless Chromium, and `make items` prints it first; `make seed N=5` run twice grows the table by 5 once.
// Everything runs in beforeAll; each `it` asserts one thing it observed.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { countItems } from '../scripts/lib/scan-table';
import { freeLoopbackPort } from '../scripts/lib/free-port';
import { awsClients } from './support/aws-clients';
import { launchBrowser } from './support/browser';
import { DevLoop, postCustomer, withoutMakeFlags, type Reply } from './support/dev-loop';
import { startHostMiniStack } from './support/host-ministack';
import { deployStack, destroyStack, repoRoot, type LocalTarget, type StackOutputs } from './support/stack';
import type { StartedEmulator } from './support/deployment-suite';

const port = process.env.DEV_TEST_EMULATOR_PORT ?? '4598';
const minutes = 60_000;

interface Observed {
  posted?: Reply;
  email?: string;
  consoleLine?: string;
  pageText?: string;
  itemsOutput?: string;
  counts?: number[];
  seedOutputs?: string[];
}
const seen: Observed = {};
let emulator: StartedEmulator | undefined;
let target: LocalTarget;
let outputs: StackOutputs | undefined;

const makeEnv = (): NodeJS.ProcessEnv => ({
  ...withoutMakeFlags(),
  ENV: 'local',
  RUNNER: 'native',
  EMULATOR: 'ministack',
  DEPLOY_ID: target.deployId,
  EMULATOR_ENDPOINT: target.endpoint,
  EMULATOR_PUBLIC_ENDPOINT: target.endpoint,
});
const make = (...args: string[]): string =>
  execFileSync('make', ['--no-print-directory', ...args], { cwd: repoRoot, env: makeEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

beforeAll(async () => {
  emulator = await startHostMiniStack(port);
  target = { endpoint: emulator.endpoint, deployId: 'data-tools' };
  outputs = deployStack(target);
  const clients = awsClients(target.endpoint);
  const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: outputs.api_key_parameter_name, WithDecryption: true }));
  seen.email = `console-${randomUUID()}@example.com`;
  seen.posted = await postCustomer(outputs.api_url, Parameter?.Value as string, seen.email);

  const consolePort = await freeLoopbackPort();
  const server = DevLoop.start(repoRoot, { ...makeEnv(), CONSOLE_PORT: String(consolePort) }, 'console');
  try {
    const { match } = await server.waitFor(/console: (http:\/\/\S+)/, 2 * minutes);
    seen.consoleLine = match[0];
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(match[1]);
      // The table page fetches its items after load. (Expressions as text: they run in the page, not in Node.)
      await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(seen.email)})`, { timeout: 30_000 });
      seen.pageText = (await page.evaluate('document.body.innerText')) as string;
    } finally {
      await browser.close();
    }
  } finally {
    await server.interrupt();
  }

  seen.itemsOutput = make('items', 'N=3');

  const count = () => countItems(clients.dynamodb, (outputs as StackOutputs).table_name);
  seen.counts = [await count()];
  seen.seedOutputs = [];
  for (let run = 0; run < 2; run++) {
    seen.seedOutputs.push(make('seed', 'N=5'));
    seen.counts.push(await count());
  }
}, 30 * minutes);

afterAll(async () => {
  try {
    if (outputs) destroyStack(target);
  } finally {
    await emulator?.stop();
  }
}, 10 * minutes);

describe('the data, in a browser and the terminal', () => {
  it('prints the console\'s URL on localhost, on the customers table\'s page', () => {
    expect(seen.posted?.status).toBe(201);
    expect(seen.consoleLine).toMatch(new RegExp(`^console: http://localhost:\\d+/tables/${outputs?.table_name}\\b`));
  });

  it('the console\'s customers table page lists the customer just posted through the API', () => {
    expect(seen.pageText).toContain(seen.email);
  });

  it('make items prints that customer first, newest first, with a header', () => {
    const lines = (seen.itemsOutput ?? '').trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${outputs?.table_name}: 1 item, the 1 newest first$`));
    expect(lines[1]).toMatch(/^createdAt +firstname +lastname +email +id$/);
    expect(lines[2]).toContain(seen.email);
  });
});

describe('make seed', () => {
  it('creates N customers through the API on the first run, and says how long it took', () => {
    expect(seen.seedOutputs?.[0]).toMatch(/seed: 5 customers in [\d.]+ s: 5 created, 0 replayed, 0 already there/);
    expect((seen.counts?.[1] ?? 0) - (seen.counts?.[0] ?? 0)).toBe(5);
  });

  it('creates nothing on a second run: every Idempotency-Key replays', () => {
    expect(seen.seedOutputs?.[1]).toMatch(/seed: 5 customers in [\d.]+ s: 0 created, 5 replayed, 0 already there/);
    expect(seen.counts?.[2]).toBe(seen.counts?.[1]);
  });
});
