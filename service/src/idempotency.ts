import { createHash } from 'node:crypto';
import type { CustomerInput } from './customer';
import { TABLES } from './tables';

/** How long a key replays its first response; DynamoDB's TTL deletes the record some time after. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** The record attribute holding that expiry in epoch seconds: the idempotency table's TTL attribute. */
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = TABLES.idempotency.ttlAttribute;

// Our own UUID v5 namespace for customer ids derived from idempotency keys (a random v4, fixed forever: changing
// it would make a retry after the change create a second customer).
const CUSTOMER_ID_NAMESPACE = '5b0e3f4a-6c8d-4f1e-9a27-3d51c0b7e2f9';

/** Everything a keyed create needs to be written once and replayed after. */
export interface IdempotentCreate {
  /** The record's key: a SHA-256 of (API key id, Idempotency-Key), never the key itself. */
  recordId: string;
  /** The customer id this key always creates (UUID v5), so a retry can never create a second customer. */
  customerId: string;
  /** SHA-256 of the validated input: a repeat with another body is refused rather than replayed. */
  fingerprint: string;
}

/**
 * Keys are scoped per API key (`requestContext.identity.apiKeyId`), so one client can neither replay nor probe
 * another's. Without an API key id (an emulator that does not report it) every caller shares one scope.
 */
export function idempotentCreate(apiKeyId: string | undefined, idempotencyKey: string, input: CustomerInput): IdempotentCreate {
  const scopedKey = `${apiKeyId ?? ''}\n${idempotencyKey}`;
  return {
    recordId: sha256(scopedKey),
    customerId: uuidV5(CUSTOMER_ID_NAMESPACE, scopedKey),
    // Fixed field order, so reordered or re-spaced JSON of the same customer has the same fingerprint.
    fingerprint: sha256(JSON.stringify([input.firstname, input.lastname, input.email])),
  };
}

/** RFC 9562 UUID version 5: SHA-1 of namespace and name, with the version and variant bits set. */
export function uuidV5(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
