// One schema: the gateway's model is derived from the handler's zod schema, and is never stricter. The hostile
// corpus (and the hand-written bad requests) go through both: API Gateway's draft-04 check, played by ajv's draft-04
// validator on the model infra deploys, and the handler's own validation. Whatever the model refuses, the handler
// refuses too; and the handler refuses more (what JSON Schema cannot state).
import Ajv from 'ajv-draft-04';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RequestRejected } from './src/errors';
import { validateCustomer } from './src/customer';
import { readIdempotencyKey, readJsonObject } from './src/request';
import { createCustomerRoute } from './src/routes';
import { requestSchema } from './request-schemas';
import { VALID_INPUT, jsonEvent } from './test-support/events';
import { hostileCorpus } from './test-support/hostile-corpus';

const body = createCustomerRoute.request.body;
if (!body) throw new Error('POST /customers declares no body');
const model = requestSchema(body.schema, body.model);
const gatewayAccepts = new Ajv({ strict: false }).compile(model);

/** The JSON the gateway would check, or undefined when the body is not JSON at all (refused by both as malformed). */
function jsonBodyOf(event: APIGatewayProxyEvent): { value: unknown } | undefined {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function handlerRefuses(event: APIGatewayProxyEvent): boolean {
  try {
    validateCustomer(readJsonObject(event));
    readIdempotencyKey(event);
    return false;
  } catch (error) {
    if (error instanceof RequestRejected) return true;
    throw error;
  }
}

describe('the API Gateway model, derived from the handler\'s schema', () => {
  const corpus = hostileCorpus({ runId: 'model' });
  const judged = corpus.flatMap((entry) => {
    const json = jsonBodyOf(entry.event);
    return json ? [{ entry, gatewayRefuses: !gatewayAccepts(json.value), handlerRefuses: handlerRefuses(entry.event) }] : [];
  });

  it('sees most of the corpus as JSON, so the comparison below covers it', () => {
    expect(judged.length).toBeGreaterThan(corpus.length * 0.8);
  });

  it('refuses nothing the handler accepts, across the hostile corpus', () => {
    const stricter = judged.filter((judgement) => judgement.gatewayRefuses && !judgement.handlerRefuses).map(({ entry }) => entry.label);
    expect(stricter).toEqual([]);
  });

  it('does refuse part of the corpus itself (wrong types, missing and unknown fields), so it is not vacuous', () => {
    const refused = judged.filter((judgement) => judgement.gatewayRefuses);
    expect(refused.length).toBeGreaterThanOrEqual(50);
    expect(refused.every(({ entry }) => entry.expected === 'invalid')).toBe(true);
  });

  it('accepts every valid entry of the corpus', () => {
    expect(judged.filter(({ entry, gatewayRefuses }) => entry.expected === 'valid' && gatewayRefuses).map(({ entry }) => entry.label)).toEqual([]);
  });

  it('accepts a name that fits only once trimmed, which the handler accepts (no maximum on untrimmed text)', () => {
    const padded = { ...VALID_INPUT, firstname: `   ${'a'.repeat(100)}   `, email: ` ${'a'.repeat(240)}@example.com ` };

    expect(gatewayAccepts(padded)).toBe(true);
    expect(handlerRefuses(jsonEvent(padded))).toBe(false);
  });

  it('leaves blank names, control characters and e-mail syntax to the handler, which names the rule', () => {
    for (const changes of [{ firstname: '   ' }, { lastname: 'A\u0000B' }, { email: 'ada@' }]) {
      const input = { ...VALID_INPUT, ...changes };
      expect(gatewayAccepts(input)).toBe(true);
      expect(handlerRefuses(jsonEvent(input))).toBe(true);
    }
  });

  it('is a draft-04 schema titled with the model name', () => {
    expect(model).toMatchObject({ $schema: 'http://json-schema.org/draft-04/schema#', title: 'CustomerInput', type: 'object', additionalProperties: false });
  });
});
