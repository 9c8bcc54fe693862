// The 3 Musketeers path, as a user with only Docker, Compose and Make takes it: `make deploy` through the compose
// tools container against the compose emulator (EMULATOR_IMAGE), the README's quick-start call run exactly as written
// (201), the item read back, `make clean` leaving no table, key, function or API. `.ci/run` runs it with
// RUNNER=compose EMULATOR=compose and a locally built MiniStack image.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { awsClients } from './support/aws-clients';
import { expectStackGone } from './support/deployed-api';
import { StackOutputs } from './support/stack';

const repoRoot = path.resolve(__dirname, '..');
const endpoint = `http://127.0.0.1:${process.env.EMULATOR_PORT ?? '4566'}`;
const minutes = 60_000;

function run(command: string, args: string[]): string {
  const env = { ...process.env, RUNNER: 'compose', EMULATOR: 'compose' };
  return execFileSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The README's shell block right after `<!-- quick-start:call -->`: what a user copies after `make deploy`. */
function readmeQuickStartCall(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- quick-start:call -->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no ```sh block after <!-- quick-start:call -->');
  return block[1];
}

describe('the compose path (3 Musketeers): make deploy, the README call, make clean', () => {
  let outputs: StackOutputs;
  let response: string;

  beforeAll(() => {
    process.stdout.write(run('make', ['deploy']));
    outputs = JSON.parse(readFileSync(path.join(repoRoot, '.state/local/outputs.json'), 'utf8')) as StackOutputs;
    response = run('bash', ['-euo', 'pipefail', '-c', readmeQuickStartCall()]);
  }, 20 * minutes);

  afterAll(() => {
    run('make', ['emulator-down']);
  }, 5 * minutes);

  it('prints a URL on localhost, where the user calls it', () => {
    expect(outputs.api_url).toMatch(/^http:\/\/localhost:\d+\/_aws\/execute-api\/[a-z0-9]+\/v1\/customers$/);
  });

  it("answers the README's call with 201 and the created customer", () => {
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
    expect(body).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' });
  });

  it('stored the customer in DA_Serverless, field for field', async () => {
    const created = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
    const { Item } = await awsClients(endpoint).dynamodb.send(
      new GetItemCommand({ TableName: outputs.table_name, Key: { id: { S: created.id } }, ConsistentRead: true }),
    );
    expect(outputs.table_name).toBe('DA_Serverless');
    expect(unmarshall(Item ?? {})).toMatchObject(created);
  });

  it('refuses a web page: a foreign Origin gets 403 and no CORS allowance (MiniStack: the guard; LocalStack: its own checks)', async () => {
    const preflight = await fetch(`${endpoint}/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://attacker.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('make clean destroys the table, function, API and key, and says so', async () => {
    expect(run('make', ['clean'])).toContain('destroyed everything deploy created');
    await expectStackGone(endpoint, outputs);
  }, 10 * minutes);
});
