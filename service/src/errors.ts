import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/** The request header that makes a create idempotent (request.ts reads it); errors about it name it so. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** One broken rule, named so a client can fix its request without reading prose. */
export interface FieldError {
  field: string;
  rule: string;
}

export type RejectionStatus = 400 | 404 | 405 | 413 | 415;

const REJECTION_MESSAGES: Record<RejectionStatus, string> = {
  400: 'Validation failed',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
};

/** A request refused before anything is written. */
export class RequestRejected extends Error {
  constructor(
    readonly status: RejectionStatus,
    readonly errors: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(REJECTION_MESSAGES[status]);
    this.name = 'RequestRejected';
  }
}

/** The email is already claimed by another customer (compared trimmed and lowercased). */
export class EmailAlreadyRegistered extends Error {
  constructor() {
    super('email already registered');
    this.name = 'EmailAlreadyRegistered';
  }
}

/** The generated id is already taken: the write was cancelled, so a retry (with a fresh id) is safe. */
export class CustomerIdCollision extends Error {
  constructor() {
    super('generated customer id already taken');
    this.name = 'CustomerIdCollision';
  }
}

/** The Idempotency-Key's first request, within its 24 h, had another body. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('idempotency key used with another body');
    this.name = 'IdempotencyKeyReused';
  }
}

/** The Idempotency-Key created a customer more than 24 h ago: its record is gone, the id it derives is taken. */
export class IdempotencyKeyExpired extends Error {
  constructor() {
    super('idempotency key expired');
    this.name = 'IdempotencyKeyExpired';
  }
}

/** The request's time budget (deadline.ts) ran out before DynamoDB answered. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/** What the client is told about a failure, plus the cause name that goes to the log. */
export interface Failure {
  status: number;
  message: string;
  errors: FieldError[];
  headers: Record<string, string>;
  cause: string;
}

export const RETRY_AFTER_SECONDS = '1';

// Reasons a cancelled transaction gives when it may succeed if tried again (the rest are bugs or bad input).
// DynamoDB-specific, so no SDK helper knows them.
const TRANSIENT_CANCELLATION_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

const KEY_ERRORS: Record<string, Omit<Failure, 'cause' | 'headers'>> = {
  IdempotencyKeyReused: {
    status: 422,
    message: 'Idempotency-Key was already used with a different request',
    errors: [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'same_body' }],
  },
  IdempotencyKeyExpired: {
    status: 422,
    message: 'Idempotency-Key was used more than 24 hours ago; send a new key',
    errors: [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'expired' }],
  },
};

/** The single place where errors become HTTP statuses. Messages never come from the error itself. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof RequestRejected) {
    return { status: error.status, message: error.message, errors: error.errors, headers: error.headers, cause: error.name };
  }
  const cause = causeName(error);
  if (cause === 'EmailAlreadyRegistered') {
    return { status: 409, message: 'Customer already exists', errors: [{ field: 'email', rule: 'unique' }], headers: {}, cause };
  }
  const keyError = KEY_ERRORS[cause];
  if (keyError) return { ...keyError, headers: {}, cause };
  if (isUnavailable(error)) {
    return {
      status: 503,
      message: 'Service temporarily unavailable, retry later',
      errors: [],
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      cause,
    };
  }
  // Anything else is ours to fix, so a generic 500 without Retry-After: a CustomerIdCollision (its transaction wrote
  // nothing), and an unusable table key. For a key whose grant or policy no longer lets DynamoDB use it, DynamoDB
  // answers HTTP 400 AccessDeniedException ("KMS key access denied error: ..."), and it reports a disabled key's KMS
  // DisabledException inside a ValidationException. The SDK does not retry these and they last until an operator
  // restores the key, so a Retry-After would only invite clients to hammer. The log line keeps the KMS message.
  return { status: 500, message: 'Internal server error', errors: [], headers: {}, cause };
}

/**
 * Worth a Retry-After: what the SDK itself classifies as throttling, transient (timeouts, 5xx, dropped or refused
 * connections) or a server error (the same helpers its retry strategy uses, from @smithy/core/retry), our own
 * deadline, and a transaction cancelled for a transient reason.
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof DeadlineExceeded) return true;
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError) || transientlyCancelled(error);
}

function transientlyCancelled(error: object): boolean {
  if (causeName(error) !== 'TransactionCanceledException') return false;
  const reasons: unknown = Reflect.get(error, 'CancellationReasons');
  return Array.isArray(reasons) && reasons.some((reason) => TRANSIENT_CANCELLATION_CODES.has(stringProperty(reason, 'Code') ?? ''));
}

// Duck-typed rather than `instanceof Error`: errors raised by Node internals may come from another realm.
export function causeName(error: unknown): string {
  return stringProperty(error, 'name') ?? typeof error;
}

/** Node's system error code (ECONNREFUSED...), which network failures carry instead of a specific name. */
export function errorCode(error: unknown): string | undefined {
  return stringProperty(error, 'code');
}

function stringProperty(error: unknown, key: string): string | undefined {
  const value: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, key) : undefined;
  return typeof value === 'string' ? value : undefined;
}
