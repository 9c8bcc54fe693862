import { RequestRejected } from './errors';
import { MAX_BODY_BYTES, readJsonObject } from './request';
import { VALID_INPUT, base64Event, customersEvent } from '../test-support/events';

function rejectionOf(event: Parameters<typeof readJsonObject>[0]): RequestRejected {
  try {
    readJsonObject(event);
  } catch (error) {
    if (error instanceof RequestRejected) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

// A JSON object of exactly `bytes` UTF-8 bytes.
const objectOfBytes = (bytes: number) => `{"firstname":"${'a'.repeat(bytes - 16)}"}`;

describe('readJsonObject', () => {
  it('returns the parsed object of a JSON POST to /customers', () => {
    expect(readJsonObject(customersEvent())).toEqual(VALID_INPUT);
  });

  it('decodes a base64-encoded body', () => {
    expect(readJsonObject(base64Event(JSON.stringify(VALID_INPUT)))).toEqual(VALID_INPUT);
  });

  it('accepts exactly 10 KB and rejects one byte more with 413', () => {
    // Prepare
    const atLimit = customersEvent({ body: objectOfBytes(MAX_BODY_BYTES) });
    const overLimit = customersEvent({ body: objectOfBytes(MAX_BODY_BYTES + 1) });

    // Act + Assess
    expect(Buffer.byteLength(atLimit.body ?? '')).toBe(MAX_BODY_BYTES);
    expect(readJsonObject(atLimit)).toHaveProperty('firstname');
    expect(rejectionOf(overLimit)).toMatchObject({ status: 413, errors: [{ field: 'body', rule: 'max_bytes' }] });
  });

  it('measures base64 bodies after decoding', () => {
    const atLimit = base64Event(objectOfBytes(MAX_BODY_BYTES));

    expect(atLimit.body?.length).toBeGreaterThan(MAX_BODY_BYTES);
    expect(readJsonObject(atLimit)).toHaveProperty('firstname');
  });

  it.each([
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    'application/problem+json',
    'application/vnd.api+json',
  ])('accepts the content type %j', (contentType) => {
    expect(readJsonObject(customersEvent({ headers: { 'Content-Type': contentType } }))).toEqual(VALID_INPUT);
  });

  it.each(['text/json', 'application/jsonp', 'application/json; charset=utf-16', 'application/json; boundary=x', 'multipart/form-data'])(
    'rejects the content type %j with 415',
    (contentType) => {
      expect(rejectionOf(customersEvent({ headers: { 'content-type': contentType } }))).toMatchObject({ status: 415 });
    },
  );

  it.each([
    ['padding missing', 'eyJhIjoxfQ'],
    ['URL-safe alphabet', Buffer.from('{"a":"??>"}').toString('base64url')],
    ['embedded newline', 'eyJh\nIjoxfQ=='],
  ])('rejects non-canonical base64 (%s)', (_case, body) => {
    expect(rejectionOf(customersEvent({ body, isBase64Encoded: true }))).toMatchObject({ errors: [{ field: 'body', rule: 'base64' }] });
  });
});
