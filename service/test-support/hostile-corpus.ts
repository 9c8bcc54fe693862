// A deterministic corpus of hostile and valid POST /customers requests, generated with fast-check from a fixed
// seed, plus the hand-written table of bad requests. Each entry is labelled with the class the API must give it:
// `valid` -> 201 and one stored item, `invalid` -> a 4xx and nothing stored; never a 5xx. Used by the fast suite
// (handler + MiniStack's DynamoDB) and by the deployed suite (integration/support/deployed-corpus.ts), which sends the same
// requests over HTTP.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { IDEMPOTENCY_KEY_HEADER } from '../src/errors';
import { BAD_REQUESTS } from './bad-requests';
import { customersEvent } from './events';

export type ExpectedClass = 'valid' | 'invalid';

export interface CorpusEntry {
  /** Unique within the corpus: family and index, e.g. "wrong type #3". */
  label: string;
  family: string;
  expected: ExpectedClass;
  /** For invalid entries, a field the answer's `errors` must name when the handler answers (not API Gateway). */
  field?: string;
  /** For valid entries, the email the stored item must carry (after trimming). */
  email?: string;
  event: APIGatewayProxyEvent;
}

export interface CorpusOptions {
  seed?: number;
  /** Goes into every valid email, so runs against one long-lived table never collide (a 409 policy on email). */
  runId?: string;
}

export const DEFAULT_CORPUS_SEED = 20_261_125;
/** The family of valid requests sent with an Idempotency-Key: each leaves one idempotency record. */
export const KEYED_FAMILY = 'valid with an Idempotency-Key';
/** The rows of bad-requests.ts, folded in so the deployed suites send them over HTTP too. */
export const HAND_WRITTEN_FAMILY = 'hand-written table';
const FIELDS = ['firstname', 'lastname', 'email'] as const;

// Pieces of valid names: scripts, emoji sequences, combining marks, apostrophes, and text that looks like an
// injection but is just a name to us (stored verbatim, never interpreted). Each is at most 33 code points, so three
// of them stay within the 100-character limit.
const VALID_NAME_PIECES = [
  'Ada', 'Grace', 'José', 'Zoë', 'Ægir', 'Łukasz', 'Nguyễn', 'Ωmega', 'محمد', 'می\u200cخواهم', '李小龍', '田中', 'Иван',
  '😀', '👩‍👩‍👧', '🏳️‍🌈', "O'Brien", 'Anne-Marie', 'e\u0301', 'ﬁ', '𝔄𝔡𝔞', 'Ǆ',
  "Robert'); DROP TABLE Students;--", '<script>alert(1)</script>', '{"$gt":""}', '${jndi:ldap://x/a}', '{{7*7}}',
  '../../etc/passwd', 'attribute_not_exists(id)', '__proto__', 'constructor', 'null', 'undefined', '%00', '\\u0000',
  '1 OR 1=1', '`rm -rf /`', 'SELECT *', '\u00a0Ada', 'A B',
];
// Characters that make a name invalid wherever they sit inside it: C0/C1 controls and bidi overrides/isolates.
const CONTROL_CHARACTERS = [
  ...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)),
  ...Array.from({ length: 0x21 }, (_, index) => String.fromCharCode(0x7f + index)),
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
];
// Nothing visible: zero-width and other format characters, and spaces.
const INVISIBLE_CHARACTERS = ['\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u180e', ' ', '\u3000', '\u2028'];
const INVALID_EMAILS = [
  'plainaddress', 'ada@', '@example.com', 'ada@@example.com', 'ada@lovelace@example.com', 'ada love@example.com',
  'ada@example', 'ada@example.', 'ada@.example.com', '.ada@example.com', 'ada.@example.com', 'ada..l@example.com',
  'ada@exa mple.com', 'ada@-example.com', 'ada@example.c', 'ada@example..com', "' OR 1=1 --@example.com",
  '<script>@example.com', '${jndi:ldap://x}@example.com', 'ada@example.com\r\nBcc: all@example.com',
  'ada@example.com;DROP TABLE x', 'ada@[127.0.0.1]', '"ada"@example.com', 'ada@exämple.com', 'ädä@example.com',
  'ada(comment)@example.com', 'ada@example.com.', 'mailto:ada@example.com', 'ada%40example.com', '\u0000@example.com',
];
const NON_JSON_CONTENT_TYPES = [
  'text/plain', 'text/html', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'json', 'application/',
  'image/png', 'application/octet-stream', 'application/json, text/plain', '*/*',
];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];
const HUGE_NUMBER_LITERALS = ['1e309', '-1e400', '123456789012345678901234567890', '1e-400', '-0', '9007199254740993', '0.1e99999'];

/** Builds the corpus: deterministic for a given seed and runId. */
export function hostileCorpus({ seed = DEFAULT_CORPUS_SEED, runId = 'corpus' }: CorpusOptions = {}): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  let familySeed = seed;
  let validCount = 0;
  const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number): T[] => fc.sample(arbitrary, { seed: familySeed++, numRuns });
  const uniqueEmail = (local = 'corpus') => `${local}.${runId}.${++validCount}@example.com`;

  const add = (family: string, expected: ExpectedClass, event: APIGatewayProxyEvent, extra: Partial<CorpusEntry> = {}) => {
    const index = entries.filter((entry) => entry.family === family).length + 1;
    entries.push({ label: `${family} #${index}`, family, expected, event, ...extra });
  };
  const json = (body: string, contentType: string | null = 'application/json') =>
    customersEvent({ body, headers: contentType === null ? {} : { 'Content-Type': contentType } });
  const validInput = (email: string) => ({ firstname: 'Ada', lastname: 'Lovelace', email });
  // Invalid entries must never be stored, so their otherwise-valid emails may repeat.
  const placeholder = validInput('hostile@example.com');

  // ---- valid: tricky but acceptable names, each with its own email ----
  const validName = fc
    .tuple(
      fc.array(fc.constantFrom(...VALID_NAME_PIECES), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('', ' ', '\t', '\n '),
      fc.constantFrom('', ' ', '\t'),
    )
    .map(([pieces, before, after]) => `${before}${pieces.join('')}${after}`);
  for (const [firstname, lastname, local] of sample(fc.tuple(validName, validName, fc.stringMatching(/^[a-z0-9][a-z0-9_'+-]{0,15}$/)), 50)) {
    const email = uniqueEmail(local);
    add('valid tricky names', 'valid', json(JSON.stringify({ firstname, lastname, email })), { email });
  }
  // ---- valid: envelope variants of an ordinary body ----
  const envelopes: [string, (body: string) => APIGatewayProxyEvent][] = [
    ['pretty-printed', (body) => json(JSON.stringify(JSON.parse(body), null, 2))],
    ['charset=utf-8', (body) => json(body, 'application/json; charset=utf-8')],
    ['charset="UTF-8" quoted', (body) => json(body, 'application/json;charset="UTF-8"')],
    ['vendor +json type', (body) => json(body, 'application/vnd.customers+json')],
    ['upper-case media type', (body) => json(body, 'APPLICATION/JSON')],
    ['no content type', (body) => json(body, null)],
    ['base64-encoded', (body) => customersEvent({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true })],
    ['keys reversed', (body) => json(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(body) as object).reverse())))],
    ['\\u-escaped characters', (body) => json(body.replace(/[a-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))],
    ['same key twice with the same value', (body) => json(`{"firstname":"Ada",${body.slice(1)}`)],
  ];
  for (const [name, build] of envelopes) {
    for (let repeat = 0; repeat < 2; repeat++) {
      const email = uniqueEmail('envelope');
      add(`valid envelope: ${name}`, 'valid', build(JSON.stringify(validInput(email))), { email });
    }
  }
  // ---- valid: limits exactly reached ----
  for (const unit of ['a', 'é', '😀', '李']) {
    const email = uniqueEmail('limit');
    add('valid names of exactly 100 characters', 'valid', json(JSON.stringify({ firstname: unit.repeat(100), lastname: unit.repeat(100), email })), { email });
  }
  for (let repeat = 0; repeat < 2; repeat++) {
    const email = uniqueEmail('long');
    const padded = `${'l'.repeat(64 - email.split('@')[0].length)}${email}`;
    const domainPad = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(254 - padded.length - 129)}.`;
    const longEmail = padded.replace('@', `@${domainPad}`);
    add('valid email of exactly 254 characters', 'valid', json(JSON.stringify(validInput(longEmail))), { email: longEmail });
  }

  // ---- invalid: a field of the wrong JSON type ----
  const nonString = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  );
  for (const [field, value] of sample(fc.tuple(fc.constantFrom(...FIELDS), nonString), 30)) {
    add('wrong type', 'invalid', json(JSON.stringify({ ...placeholder, [field]: value })), { field });
  }
  // ---- invalid: required fields missing ----
  for (const kept of sample(fc.subarray([...FIELDS], { maxLength: 2 }), 12)) {
    const missing = FIELDS.filter((field) => !kept.includes(field));
    const body = Object.fromEntries(kept.map((field) => [field, placeholder[field]]));
    add('missing fields', 'invalid', json(JSON.stringify(body)), { field: missing[0] });
  }
  // ---- invalid: fields the schema does not know (including the server-owned id and createdAt) ----
  const extraKey = fc.oneof(
    fc.constantFrom('id', 'createdAt', 'Email', 'FIRSTNAME', 'email ', 'admin', 'role', '', ' ', '$where', 'a.b', 'a[0]'),
    fc.string({ minLength: 1, maxLength: 12 }),
  ).filter((key) => !(FIELDS as readonly string[]).includes(key));
  for (const [key, value] of sample(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 2 })), 25)) {
    add('unknown field', 'invalid', json(JSON.stringify({ ...placeholder, [key]: value })), { field: key });
  }
  // ---- invalid: prototype-pollution keys, at the top level or inside a field ----
  for (const [key, where] of sample(fc.tuple(fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom('top', 'field')), 16)) {
    const payload = `{"isAdmin":true,"prototype":{"polluted":1}}`;
    const valid = JSON.stringify(placeholder).slice(1);
    const body = where === 'top' ? `{"${key}":${payload},${valid}` : `{"firstname":{"${key}":${payload}},"lastname":"Lovelace","email":"hostile@example.com"}`;
    add('prototype-pollution key', 'invalid', json(body), { field: where === 'top' ? key : 'firstname' });
  }
  // ---- invalid: names too long (counted in code points) ----
  const longName = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '李', 'ß'), minLength: 101, maxLength: 400 });
  for (const [field, name] of sample(fc.tuple(fc.constantFrom('firstname', 'lastname'), longName), 10)) {
    add('name over 100 characters', 'invalid', json(JSON.stringify({ ...placeholder, [field]: name })), { field });
  }
  // ---- invalid: bodies over the 10 KB limit ----
  for (const [size, padding] of sample(fc.tuple(fc.integer({ min: 10 * 1024 + 1, max: 64 * 1024 }), fc.constantFrom('x', '€', ' ')), 8)) {
    const base = JSON.stringify(placeholder);
    const body = padding === ' ' ? base + ' '.repeat(size - base.length) : JSON.stringify({ ...placeholder, lastname: padding.repeat(size) });
    add('body over 10 KB', 'invalid', json(body), { field: 'body' });
  }
  // ---- invalid: control characters and bidi overrides inside a name ----
  for (const [field, char, [before, after]] of sample(
    fc.tuple(fc.constantFrom('firstname', 'lastname'), fc.constantFrom(...CONTROL_CHARACTERS), fc.constantFrom(['Ada', 'Love'], ['a', 'b'], ['李', '小'])),
    24,
  )) {
    add('control character in a name', 'invalid', json(JSON.stringify({ ...placeholder, [field]: `${before}${char}${after}` })), { field });
  }
  // ---- invalid: names with nothing visible ----
  for (const [field, name] of sample(
    fc.tuple(fc.constantFrom('firstname', 'lastname'), fc.string({ unit: fc.constantFrom(...INVISIBLE_CHARACTERS), minLength: 1, maxLength: 6 })),
    10,
  )) {
    add('invisible-only name', 'invalid', json(JSON.stringify({ ...placeholder, [field]: name })), { field });
  }
  // ---- invalid: lone surrogates (escaped in the JSON text, since JSON.stringify escapes them too) ----
  const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff }));
  for (const [field, code, position] of sample(fc.tuple(fc.constantFrom(...FIELDS), loneSurrogate, fc.constantFrom('start', 'end', 'reversed pair')), 15)) {
    const escape = `\\u${code.toString(16)}`;
    const text = position === 'start' ? `${escape}Ada` : position === 'end' ? `Ada${escape}` : '\\udc00\\ud800Ada';
    const body = JSON.stringify({ ...placeholder, [field]: '@@' }).replace('"@@"', `"${text}"`);
    add('lone surrogate', 'invalid', json(body), { field });
  }
  // ---- invalid: emails that are not addresses, including injection-looking ones ----
  for (const [email, padding] of sample(fc.tuple(fc.constantFrom(...INVALID_EMAILS), fc.constantFrom('', ' ')), 30)) {
    add('invalid email', 'invalid', json(JSON.stringify({ ...placeholder, email: `${padding}${email}` })), { field: 'email' });
  }
  add('invalid email', 'invalid', json(JSON.stringify({ ...placeholder, email: `${'a'.repeat(250)}@example.com` })), { field: 'email' });
  // ---- invalid: a body that is JSON but not an object (arrays, numbers, huge numbers, strings, null) ----
  for (const value of sample(fc.jsonValue({ maxDepth: 2 }).filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)), 14)) {
    add('body not an object', 'invalid', json(JSON.stringify(value)), { field: 'body' });
  }
  for (const literal of HUGE_NUMBER_LITERALS) add('body not an object', 'invalid', json(literal), { field: 'body' });
  for (const [field, literal] of sample(fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...HUGE_NUMBER_LITERALS)), 6)) {
    const body = JSON.stringify({ ...placeholder, [field]: '@@' }).replace('"@@"', literal);
    add('huge number in a field', 'invalid', json(body), { field });
  }
  // ---- invalid: nested objects and arrays where strings belong, or the customer wrapped ----
  for (const wrapper of ['customer', 'data', 'body', 'Item']) {
    add('customer wrapped in an object', 'invalid', json(JSON.stringify({ [wrapper]: placeholder })), { field: wrapper });
  }
  for (const depth of [10, 100, 1000]) {
    add('deeply nested', 'invalid', json(`{"firstname":${'['.repeat(depth)}${']'.repeat(depth)},"lastname":"L","email":"hostile@example.com"}`), { field: 'firstname' });
    add('deeply nested', 'invalid', json(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`), { field: 'a' });
  }
  // ---- invalid: text that is not JSON ----
  const validText = JSON.stringify(placeholder);
  for (const cut of sample(fc.integer({ min: 0, max: validText.length - 1 }), 10)) {
    add('malformed JSON', 'invalid', json(validText.slice(0, cut) || ' '), { field: 'body' });
  }
  for (const text of [
    "{'firstname':'Ada'}", '{"firstname":"Ada",}', '{firstname:"Ada"}', '{"firstname":"Ada" /* c */}', '{"a":NaN}',
    `\ufeff${validText}`, `${validText}${validText}`, `${validText} x`, '<customer><firstname>Ada</firstname></customer>',
    'firstname=Ada&lastname=Lovelace&email=ada%40example.com', 'undefined', '{"firstname":"Ada\u0000"', '\u0000',
  ]) {
    add('malformed JSON', 'invalid', json(text), { field: 'body' });
  }
  // ---- invalid: duplicate keys (every value of the duplicated key is invalid, so first-wins and last-wins agree) ----
  for (const [field, first, second] of [
    ['email', 'not-an-email', 'also not one'],
    ['firstname', 42, ''],
    ['lastname', null, ['Lovelace']],
    ['id', 'a', 'b'],
    ['__proto__', { a: 1 }, { b: 2 }],
  ] as const) {
    const rest = JSON.stringify(Object.fromEntries(Object.entries(placeholder).filter(([key]) => key !== field))).slice(1);
    add('duplicate keys', 'invalid', json(`{"${field}":${JSON.stringify(first)},"${field}":${JSON.stringify(second)},${rest}`), { field });
  }
  // ---- invalid: bodies flagged base64 that are not (strict alphabet and padding), or decode to non-UTF-8 ----
  const notBase64 = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }).filter((text) => !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)),
    fc.constant(Buffer.from(validText).toString('base64').replace(/=+$/, '') + '='.repeat(3)),
    fc.constant(Buffer.from(validText).toString('base64url')),
    fc.constant(` ${Buffer.from(validText).toString('base64')}`),
  );
  for (const body of sample(notBase64, 10)) {
    add('bad base64', 'invalid', customersEvent({ body, isBase64Encoded: true }), { field: 'body' });
  }
  const notUtf8 = fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]);
  for (const bytes of sample(notUtf8, 5)) {
    const body = Buffer.concat([Buffer.from('{"firstname":"'), Buffer.from(bytes), Buffer.from('","lastname":"L","email":"hostile@example.com"}')]);
    add('base64 of non-UTF-8 bytes', 'invalid', customersEvent({ body: body.toString('base64'), isBase64Encoded: true }), { field: 'body' });
  }
  // ---- invalid: a valid body under a media type that is not JSON ----
  for (const contentType of NON_JSON_CONTENT_TYPES) {
    add('non-JSON content type', 'invalid', json(validText, contentType), { field: 'content-type' });
  }

  // ---- the Idempotency-Key header: a well-formed key on a valid body creates once; a malformed key is refused ----
  const keyChar = fc.constantFrom(...'AZaz09_-Kq7');
  const keyed = (body: string, key: string) => customersEvent({ body, headers: { 'Content-Type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: key } });
  for (const key of sample(fc.string({ unit: keyChar, minLength: 1, maxLength: 40 }), 6)) {
    const email = uniqueEmail('keyed');
    // Keys are global to the API, so each carries the run id and the number in its email.
    add(KEYED_FAMILY, 'valid', keyed(JSON.stringify(validInput(email)), `${key}-${runId}-${validCount}`), { email });
  }
  // Inside the key, not at its ends: HTTP trims a header value's surrounding spaces.
  const badKeyChar = fc.constantFrom(' ', '/', '.', ':', '+', '=', '@', '!', '~', '*', '"', '%', '\\', '{');
  const badKey = fc.oneof(
    fc.string({ unit: keyChar, minLength: 65, maxLength: 120 }),
    fc.tuple(fc.string({ unit: keyChar, minLength: 1, maxLength: 20 }), badKeyChar, fc.string({ unit: keyChar, minLength: 1, maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`),
  );
  for (const key of sample(badKey, 12)) {
    add('malformed Idempotency-Key', 'invalid', keyed(validText, key), { field: IDEMPOTENCY_KEY_HEADER });
  }

  // ---- the hand-written table ----
  for (const [description, status, field, , event] of BAD_REQUESTS) {
    entries.push({ label: `table: ${description} (${status})`, family: HAND_WRITTEN_FAMILY, expected: 'invalid', field, event });
  }
  return entries;
}

export interface CorpusTally {
  total: number;
  valid: number;
  invalid: number;
  byFamily: Record<string, number>;
}

export function tallyCorpus(entries: CorpusEntry[]): CorpusTally {
  const byFamily: Record<string, number> = {};
  for (const { family } of entries) byFamily[family] = (byFamily[family] ?? 0) + 1;
  const valid = entries.filter((entry) => entry.expected === 'valid').length;
  return { total: entries.length, valid, invalid: entries.length - valid, byFamily };
}
