// The hostile corpus (service/test-support/hostile-corpus.ts) sent over HTTP to a deployed stack, through API
// Gateway with the real API key: valid -> 201, invalid -> 4xx, never 5xx, and the table afterwards holds exactly
// what it held before plus one item per valid request. Called from describeDeployedApi.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mapConcurrently } from '../../scripts/lib/concurrency-pool';
import { scanItems } from '../../scripts/lib/scan-table';
import { hostileCorpus, tallyCorpus, type CorpusEntry } from '../../service/test-support/hostile-corpus';
import type { AwsClients } from './aws-clients';
import type { DeployedApi, DeployedContext } from './deployed-api';
import { fetchRespectingThrottle } from './throttled-fetch';

interface Outcome {
  entry: CorpusEntry;
  status: number;
  fields?: string[];
  /** 429s from the usage plan before this answer (retried, see throttled-fetch.ts). */
  throttled: number;
}

const CONCURRENCY = Number(process.env.CORPUS_CONCURRENCY ?? 8);
const REQUEST_TIMEOUT_MS = 35_000;

export function describeDeployedCorpus(context: () => DeployedContext): void {
  // A run id in every valid email: the table may already hold customers, and emails are unique per customer.
  const runId = `e2e${Date.now().toString(36)}`;
  // Base64-flagged events are what API Gateway sends for binary media types, which this API does not declare: over
  // HTTP their bytes would arrive as text, so they only make sense against the handler (the fast suite runs them).
  const corpus = hostileCorpus({ runId }).filter(({ event }) => !event.isBase64Encoded);
  const tally = tallyCorpus(corpus);

  describe(`hostile corpus over HTTP: ${tally.total} requests (${tally.valid} valid, ${tally.invalid} invalid), ${CONCURRENCY} at a time`, () => {
    let outcomes: Outcome[];
    let emailsBefore: string[];
    let emailsAfter: string[];

    beforeAll(async () => {
      const { api, clients, apiKey } = context();
      emailsBefore = await scanEmails(clients, api.outputs.table_name);
      outcomes = await mapConcurrently(corpus, CONCURRENCY, (entry) => send(api, apiKey, entry));
      emailsAfter = await scanEmails(clients, api.outputs.table_name);
      const count = (predicate: (outcome: Outcome) => boolean) => outcomes.filter(predicate).length;
      const byStatus = Object.entries(
        outcomes.reduce<Record<number, number>>((acc, { status }) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {}),
      ).map(([status, n]) => `${status}: ${n}`);
      process.stdout.write(
        `hostile corpus (deployed): ${outcomes.length} requests -> ${byStatus.join(', ')}; ` +
          `valid 201 ${count((o) => o.entry.expected === 'valid' && o.status === 201)}/${tally.valid}, ` +
          `invalid 4xx ${count((o) => o.entry.expected === 'invalid' && o.status >= 400 && o.status < 500)}/${tally.invalid}; ` +
          `items ${emailsBefore.length} -> ${emailsAfter.length}; throttled (429, retried) ${outcomes.reduce((sum, o) => sum + o.throttled, 0)}\n`,
      );
    }, 15 * 60_000);

    const failures = (predicate: (outcome: Outcome) => boolean) =>
      outcomes.filter(predicate).map(({ entry, status }) => `${entry.label}: ${status}`);

    it('answers every valid request 201', () => {
      expect(failures(({ entry, status }) => entry.expected === 'valid' && status !== 201)).toEqual([]);
    });

    it('answers every invalid request with a 4xx', () => {
      expect(failures(({ entry, status }) => entry.expected === 'invalid' && (status < 400 || status >= 500))).toEqual([]);
    });

    it('names the offending field whenever the function (not API Gateway) rejected the request', () => {
      expect(
        failures(({ entry, fields }) => entry.expected === 'invalid' && fields !== undefined && entry.field !== undefined && !fields.includes(entry.field)),
      ).toEqual([]);
    });

    it('never answers 5xx', () => {
      expect(failures(({ status }) => status >= 500)).toEqual([]);
    });

    it('leaves exactly the previous items plus one per valid request', () => {
      const validEmails = corpus.filter(({ expected }) => expected === 'valid').map(({ email }) => email);
      expect(emailsAfter.length).toBe(emailsBefore.length + validEmails.length);
      expect(emailsAfter.filter((email) => email.includes(`.${runId}.`)).sort()).toEqual(validEmails.sort());
    });
  });
}

/** The HTTP request API Gateway would have turned into `event`: same method, path, headers and body bytes. */
async function send(api: DeployedApi, apiKey: string, entry: CorpusEntry): Promise<Outcome> {
  const { event } = entry;
  const url = api.outputs.api_url.replace(/\/customers$/, event.path);
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'x-api-key'));
  // Bytes, not a string, so fetch adds no text/plain content type of its own.
  const init = { method: event.httpMethod, headers: { ...headers, 'x-api-key': apiKey }, body: bodyBytes(event) };
  const { response, throttled } = await fetchRespectingThrottle(url, init, REQUEST_TIMEOUT_MS);
  const text = await response.text();
  return { entry, status: response.status, fields: errorFields(text), throttled };
}

function bodyBytes({ body }: APIGatewayProxyEvent): Uint8Array | undefined {
  return body === null ? undefined : Buffer.from(body, 'utf8');
}

// The function's error bodies are {message, errors: [{field, rule}], requestId}; API Gateway's own are not.
function errorFields(text: string): string[] | undefined {
  try {
    const parsed = JSON.parse(text) as { errors?: { field: string }[]; requestId?: string };
    return Array.isArray(parsed.errors) && parsed.requestId !== undefined ? parsed.errors.map(({ field }) => field) : undefined;
  } catch {
    return undefined;
  }
}

async function scanEmails(clients: AwsClients, tableName: string): Promise<string[]> {
  const items = await scanItems(clients.dynamodb, { TableName: tableName, ProjectionExpression: 'email' });
  return items.map((item) => item.email?.S ?? '');
}
