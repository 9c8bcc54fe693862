// Plain requests (no browser) against the emulator as scripts/emulator.sh starts it: what a web page's requests
// look like on the wire (a foreign Origin, with and without a preflight; Sec-Fetch-Site; a rebound Host) is
// refused, and the README's way in (the SDK or curl from this machine, no such headers) still works.
// integration/browser-attacks.test.ts runs the same attacks from a real page in Chromium.
import { request } from 'node:http';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsClients, type AwsClients } from '../../integration/support/aws-clients';
import { guardRefusals, setUpVictim, type Victim, VICTIM } from '../../integration/support/emulator-victim';
import { RunningMiniStack, startMiniStack, stopMiniStack } from '../lib/ministack';

const FOREIGN_ORIGIN = 'http://attacker.example';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP/1.1 request, any headers allowed (fetch would not let a caller set Host). */
function send(endpoint: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The part of an SDK client's middleware stack used here (each client's own type is a union TypeScript cannot call).
type Handler = (args: { request: unknown }) => Promise<unknown>;
interface HeaderStack {
  add(middleware: (next: Handler) => Handler, options: { step: 'finalizeRequest'; name: string; priority: 'low' }): void;
}

/** Each client sends `headers` on every request, after the SDK signed it with the `test` key (the page's view). */
function clientsSending(endpoint: string, headers: Record<string, string>): AwsClients {
  const clients = awsClients(endpoint);
  for (const client of Object.values(clients)) {
    (client.middlewareStack as unknown as HeaderStack).add(
      (next) => async (args) => {
        Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'pageHeaders', priority: 'low' },
    );
  }
  return clients;
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(() => undefined, (error: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => error);

const ssmQuery = JSON.stringify({ Name: VICTIM.parameterName, WithDecryption: true });
const ssmHeaders = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'AmazonSSM.GetParameter',
  // MiniStack takes the `test` key as root without checking its signature, with or without AUTH.
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=00',
};

describe('the emulator as scripts/emulator.sh starts it, against plain requests', () => {
  let emulator: RunningMiniStack;
  let victim: Victim;

  beforeAll(async () => {
    emulator = await startMiniStack();
    victim = await setUpVictim(emulator.endpoint);
  }, 120_000);

  afterAll(async () => {
    if (emulator) await stopMiniStack(emulator);
  });

  it('answers a preflight from a foreign Origin with a 403 and no CORS allowance', async () => {
    const answer = await send(emulator.endpoint, 'OPTIONS', '/', {
      origin: FOREIGN_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-amz-target',
    });
    expect(answer.status).toBe(403);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses the signed SDK calls a page would send after that preflight (key, scan, invoke)', async () => {
    const page = clientsSending(emulator.endpoint, { origin: FOREIGN_ORIGIN });
    const errors = await Promise.all([
      errorOf(page.ssm.send(new GetParameterCommand({ Name: VICTIM.parameterName, WithDecryption: true }))),
      errorOf(page.dynamodb.send(new ScanCommand({ TableName: VICTIM.tableName }))),
      errorOf(page.lambda.send(new InvokeCommand({ FunctionName: VICTIM.functionName }))),
    ]);
    for (const error of errors) expect(error).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(victim.invocations()).toBe(0);
  });

  it('refuses a simple request from a foreign Origin (no preflight) before it runs anything', async () => {
    const query = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261201%2Fus-east-1%2Flambda%2Faws4_request' +
      '&X-Amz-Date=20261201T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00';
    const answer = await send(emulator.endpoint, 'POST', `/2015-03-31/functions/${VICTIM.functionName}/invocations?${query}`, {
      origin: FOREIGN_ORIGIN,
      'content-type': 'text/plain',
    }, '{}');
    expect(answer.status).toBe(403);
    expect(victim.invocations()).toBe(0);
  });

  it.each([
    ['Origin: null (a sandboxed frame or a file)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site without an Origin (an <img> or <script>)', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site without an Origin (a page on another localhost port)', { 'sec-fetch-site': 'same-site' }],
    ['a Host that is not this machine (DNS rebinding)', { host: 'rebound.example:4566' }],
  ])('refuses %s', async (_, headers) => {
    const answer = await send(emulator.endpoint, 'POST', '/', { ...ssmHeaders, ...headers }, ssmQuery);
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain(VICTIM.parameterValue);
    expect(answer.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('says why in its log, one line per refusal', () => {
    expect(guardRefusals(emulator.logFile)).toContainEqual(expect.stringContaining("Host 'rebound.example:4566' is not this machine"));
  });

  it("still answers the kit's own calls: the SDK from this machine, with a loopback Host", async () => {
    const local = awsClients(emulator.endpoint);
    const { Parameter } = await local.ssm.send(new GetParameterCommand({ Name: VICTIM.parameterName, WithDecryption: true }));
    expect(Parameter?.Value).toBe(VICTIM.parameterValue);
    const viaLocalhost = await send(emulator.endpoint, 'POST', '/', { ...ssmHeaders, host: `localhost:${emulator.port}` }, ssmQuery);
    expect(viaLocalhost.status).toBe(200);
  });
});
