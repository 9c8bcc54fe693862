import type { APIGatewayProxyEvent } from 'aws-lambda';
import { VALID_INPUT, base64Event, customersEvent, jsonEvent } from './events';

// The hand-written table of bad requests: each row is one way to get a request wrong, with the status and the
// field/rule the answer must name. Used by handler.bad-requests.test.ts and folded into the hostile corpus.
const withInput = (changes: Record<string, unknown>) => jsonEvent({ ...VALID_INPUT, ...changes });
const without = (field: keyof typeof VALID_INPUT) => {
  const rest: Record<string, unknown> = { ...VALID_INPUT };
  delete rest[field];
  return jsonEvent(rest);
};
const withHeaders = (headers: Record<string, string>) => customersEvent({ headers });
// 64 + 1 + 63 + 1 + 63 + 1 + 58 + 4 = 255 characters of otherwise valid address.
const EMAIL_255 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
const OVERSIZED_JSON = JSON.stringify({ ...VALID_INPUT, firstname: 'x'.repeat(10_300) });

export type BadRequest = [description: string, status: number, field: string, rule: string, event: APIGatewayProxyEvent];

export const BAD_REQUESTS: BadRequest[] = [
  // Body framing
  ['malformed JSON (truncated object)', 400, 'body', 'json', customersEvent({ body: '{"firstname":' })],
  ['malformed JSON (trailing comma)', 400, 'body', 'json', customersEvent({ body: '{"firstname":"Ada",}' })],
  ['malformed JSON (single quotes)', 400, 'body', 'json', customersEvent({ body: "{'firstname':'Ada'}" })],
  ['whitespace-only body', 400, 'body', 'json', customersEvent({ body: '   ' })],
  ['empty body', 400, 'body', 'required', customersEvent({ body: '' })],
  ['null body', 400, 'body', 'required', customersEvent({ body: null })],
  ['JSON null', 400, 'body', 'json_object', customersEvent({ body: 'null' })],
  ['empty JSON array', 400, 'body', 'json_object', customersEvent({ body: '[]' })],
  ['array holding a valid customer', 400, 'body', 'json_object', jsonEvent([VALID_INPUT])],
  ['JSON number', 400, 'body', 'json_object', customersEvent({ body: '42' })],
  ['JSON string', 400, 'body', 'json_object', customersEvent({ body: '"Ada Lovelace"' })],
  ['JSON boolean', 400, 'body', 'json_object', customersEvent({ body: 'true' })],
  // Missing and mistyped fields
  ['empty object', 400, 'firstname', 'required', jsonEvent({})],
  ['missing firstname', 400, 'firstname', 'required', without('firstname')],
  ['missing lastname', 400, 'lastname', 'required', without('lastname')],
  ['missing email', 400, 'email', 'required', without('email')],
  ['firstname is a number', 400, 'firstname', 'type', withInput({ firstname: 42 })],
  ['lastname is null', 400, 'lastname', 'type', withInput({ lastname: null })],
  ['email is an array', 400, 'email', 'type', withInput({ email: ['ada@example.com'] })],
  ['firstname is an object', 400, 'firstname', 'type', withInput({ firstname: { first: 'Ada' } })],
  ['lastname is a boolean', 400, 'lastname', 'type', withInput({ lastname: true })],
  // Unknown fields
  ['client-chosen id', 400, 'id', 'unknown_field', withInput({ id: 'attacker-chosen-id' })],
  ['client-chosen createdAt', 400, 'createdAt', 'unknown_field', withInput({ createdAt: '1970-01-01T00:00:00.000Z' })],
  ['extra field', 400, 'age', 'unknown_field', withInput({ age: 36 })],
  ['__proto__ key', 400, '__proto__', 'unknown_field', customersEvent({ body: `{"__proto__":{"admin":true},${JSON.stringify(VALID_INPUT).slice(1)}` })],
  // Lengths
  ['empty firstname', 400, 'firstname', 'min_length', withInput({ firstname: '' })],
  ['whitespace-only lastname', 400, 'lastname', 'min_length', withInput({ lastname: ' \t\n ' })],
  ['firstname of 101 characters', 400, 'firstname', 'max_length', withInput({ firstname: 'a'.repeat(101) })],
  ['lastname of 101 emoji', 400, 'lastname', 'max_length', withInput({ lastname: '😀'.repeat(101) })],
  ['email of 255 characters', 400, 'email', 'max_length', withInput({ email: EMAIL_255 })],
  ['empty email', 400, 'email', 'min_length', withInput({ email: '' })],
  // Email format
  ['email without @', 400, 'email', 'email', withInput({ email: 'ada.example.com' })],
  ['email without domain', 400, 'email', 'email', withInput({ email: 'ada@' })],
  ['email with inner space', 400, 'email', 'email', withInput({ email: 'ada love@example.com' })],
  ['SQL-looking email', 400, 'email', 'email', withInput({ email: "' OR 1=1 --@example.com" })],
  ['email with two @', 400, 'email', 'email', withInput({ email: 'ada@lovelace@example.com' })],
  // Unicode edge cases
  ['lone high surrogate in firstname', 400, 'firstname', 'well_formed_unicode', customersEvent({ body: '{"firstname":"Ada\\ud800","lastname":"Lovelace","email":"ada@example.com"}' })],
  ['lone low surrogate in lastname', 400, 'lastname', 'well_formed_unicode', customersEvent({ body: '{"firstname":"Ada","lastname":"\\udc00Lovelace","email":"ada@example.com"}' })],
  ['zero-width characters only', 400, 'firstname', 'visible_characters', withInput({ firstname: '\u200b\u200c\u200d' })],
  ['right-to-left override', 400, 'lastname', 'no_control_characters', withInput({ lastname: 'Love\u202Ecaled' })],
  ['NUL byte', 400, 'firstname', 'no_control_characters', withInput({ firstname: 'Ada\u0000' })],
  ['newline inside a name', 400, 'lastname', 'no_control_characters', withInput({ lastname: 'Love\nlace' })],
  // Size
  ['body over 10 KB', 413, 'body', 'max_bytes', customersEvent({ body: OVERSIZED_JSON })],
  ['body over 10 KB in bytes but not in characters', 413, 'body', 'max_bytes', withInput({ firstname: '€'.repeat(3_500) })],
  ['base64 body over 10 KB once decoded', 413, 'body', 'max_bytes', base64Event(OVERSIZED_JSON)],
  // Base64
  ['base64 of malformed JSON', 400, 'body', 'json', base64Event('{"firstname":')],
  ['invalid base64', 400, 'body', 'base64', customersEvent({ body: '%%%not base64%%%', isBase64Encoded: true })],
  ['base64 of bytes that are not UTF-8', 400, 'body', 'utf8', base64Event(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
  ['base64 of a JSON array', 400, 'body', 'json_object', base64Event('[]')],
  // Content type
  ['text/plain content type', 415, 'content-type', 'json_media_type', withHeaders({ 'Content-Type': 'text/plain' })],
  ['form content type', 415, 'content-type', 'json_media_type', withHeaders({ 'content-type': 'application/x-www-form-urlencoded' })],
  ['JSON with a non-UTF-8 charset', 415, 'content-type', 'json_media_type', withHeaders({ 'Content-Type': 'application/json; charset=latin1' })],
  ['empty content type', 415, 'content-type', 'json_media_type', withHeaders({ 'Content-Type': '' })],
  // Method and path
  ['GET /customers', 405, 'method', 'allowed_methods', customersEvent({ httpMethod: 'GET', body: null })],
  ['PUT /customers', 405, 'method', 'allowed_methods', customersEvent({ httpMethod: 'PUT' })],
  ['DELETE /customers', 405, 'method', 'allowed_methods', customersEvent({ httpMethod: 'DELETE', body: null })],
  ['POST /customer (typo)', 404, 'path', 'route', customersEvent({ resource: '/customer', path: '/customer' })],
  ['POST /customers/123', 404, 'path', 'route', customersEvent({ resource: '/customers/123', path: '/customers/123' })],
  ['POST /', 404, 'path', 'route', customersEvent({ resource: '/', path: '/' })],
];
