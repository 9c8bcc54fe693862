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

/** What the client is told about a failure, plus the cause name that goes to the log. */
export interface Failure {
  status: number;
  message: string;
  errors: FieldError[];
  headers: Record<string, string>;
  cause: string;
}

export const RETRY_AFTER_SECONDS = '1';

// Error names the SDK gives DynamoDB capacity and availability faults; all are safe to retry later.
const UNAVAILABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
]);
// Reasons a cancelled transaction gives when it may succeed if tried again (the rest are bugs or bad input).
const TRANSIENT_CANCELLATION_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The single place where errors become HTTP statuses. Messages never come from the error itself. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof RequestRejected) {
    return { status: error.status, message: error.message, errors: error.errors, headers: error.headers, cause: error.name };
  }
  const cause = causeName(error);
  if (cause === 'EmailAlreadyRegistered') {
    return { status: 409, message: 'Customer already exists', errors: [{ field: 'email', rule: 'unique' }], headers: {}, cause };
  }
  // Powertools idempotency (idempotency.ts): the key's first request had another body, or is still running.
  if (cause === 'IdempotencyValidationError') {
    const errors = [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'same_body' }];
    return { status: 422, message: 'Idempotency-Key was already used with a different request', errors, headers: {}, cause };
  }
  if (cause === 'IdempotencyAlreadyInProgressError') {
    const errors = [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'in_progress' }];
    const headers = { 'Retry-After': RETRY_AFTER_SECONDS };
    return { status: 409, message: 'A request with this Idempotency-Key is still in progress', errors, headers, cause };
  }
  // Powertools wraps what its store's DynamoDB calls throw: classify that error, and log both names.
  const wrapped: unknown = cause === 'IdempotencyPersistenceLayerError' ? Reflect.get(error as object, 'cause') : undefined;
  if (wrapped !== undefined) {
    const failure = classifyFailure(wrapped);
    return { ...failure, cause: `${cause}: ${failure.cause}` };
  }
  if (UNAVAILABLE_ERROR_NAMES.has(cause) || NETWORK_ERROR_CODES.has(errorCode(error) ?? '') || transientlyCancelled(error)) {
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

function transientlyCancelled(error: unknown): boolean {
  if (causeName(error) !== 'TransactionCanceledException') return false;
  const reasons: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'CancellationReasons') : undefined;
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
