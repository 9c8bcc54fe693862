import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IDEMPOTENCY_KEY_HEADER, RequestRejected } from './errors';
import type { Route } from './routes';
import { validate } from './validation';

export const MAX_BODY_BYTES = 10 * 1024;
// Long enough for a UUID or a ULID with a prefix; no characters that need escaping in logs or URLs.
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;

// application/json or any application/*+json, optionally with charset=utf-8 (JSON text is UTF-8 by RFC 8259).
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Checks media type and size, then returns the parsed JSON object (shape not yet validated). */
export function readJsonObject(event: APIGatewayProxyEvent): object {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new RequestRejected(415, [{ field: 'content-type', rule: 'json_media_type' }]);
  }
  const parsed = parseJson(decodeBody(event));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestRejected(400, [{ field: 'body', rule: 'json_object' }]);
  }
  return parsed;
}

/** The optional Idempotency-Key header (name case-insensitive): 1-64 of A-Z a-z 0-9 _ -, sent once. */
export function readIdempotencyKey(event: APIGatewayProxyEvent): string | undefined {
  const name = IDEMPOTENCY_KEY_HEADER.toLowerCase();
  const values = Object.entries(event.multiValueHeaders ?? {}).flatMap(([key, list]) => (key.toLowerCase() === name ? list ?? [] : []));
  if (values.length > 1) throw new RequestRejected(400, [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'single_value' }]);
  const key = header(event, name);
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw new RequestRejected(400, [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'format' }]);
  return key;
}

/** The route's path parameters (`event.pathParameters`), checked by its schema: a 400 names each bad one. */
export function readPathParameters(route: Route, event: APIGatewayProxyEvent): Record<string, string> {
  const schema = route.request.pathParameters;
  if (!schema) throw new Error(`${route.name} declares no path parameters`);
  return validate(schema, event.pathParameters ?? {}) as Record<string, string>;
}

function decodeBody({ body, isBase64Encoded }: APIGatewayProxyEvent): string {
  if (!body) throw new RequestRejected(400, [{ field: 'body', rule: 'required' }]);
  if (!isBase64Encoded) {
    rejectOversized(Buffer.byteLength(body, 'utf8'));
    return body;
  }
  if (!STRICT_BASE64.test(body)) throw new RequestRejected(400, [{ field: 'body', rule: 'base64' }]);
  const bytes = Buffer.from(body, 'base64');
  rejectOversized(bytes.length);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new RequestRejected(400, [{ field: 'body', rule: 'utf8' }]);
  }
}

function rejectOversized(byteLength: number): void {
  if (byteLength > MAX_BODY_BYTES) throw new RequestRejected(413, [{ field: 'body', rule: 'max_bytes' }]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestRejected(400, [{ field: 'body', rule: 'json' }]);
  }
}

// API Gateway passes header names as the client sent them, and `headers` is null when there are none.
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}
