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
]);
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
  if (cause === 'ConditionalCheckFailedException') {
    return { status: 409, message: 'Customer already exists', errors: [{ field: 'id', rule: 'unique' }], headers: {}, cause };
  }
  if (UNAVAILABLE_ERROR_NAMES.has(cause) || NETWORK_ERROR_CODES.has(errorCode(error) ?? '')) {
    return {
      status: 503,
      message: 'Service temporarily unavailable, retry later',
      errors: [],
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      cause,
    };
  }
  return { status: 500, message: 'Internal server error', errors: [], headers: {}, cause };
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
