import {
  classifyFailure,
  CustomerIdCollision,
  DeadlineExceeded,
  EmailAlreadyRegistered,
  IdempotencyKeyExpired,
  IdempotencyKeyReused,
  RequestRejected,
  RETRY_AFTER_SECONDS,
} from './errors';

const namedError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`secret detail from ${name} arn:aws:dynamodb:us-east-1:123456789012:table/x`), { name, ...extra });
// An error as the SDK deserializes it from an HTTP answer: with the status in $metadata.
const serviceError = (name: string, httpStatusCode: number) => namedError(name, { $metadata: { httpStatusCode } });

describe('classifyFailure', () => {
  it('passes a request rejection through with its status, rules and headers', () => {
    const rejection = new RequestRejected(405, [{ field: 'method', rule: 'allowed_methods' }], { Allow: 'POST' });

    expect(classifyFailure(rejection)).toEqual({
      status: 405,
      message: 'Method not allowed',
      errors: [{ field: 'method', rule: 'allowed_methods' }],
      headers: { Allow: 'POST' },
      cause: 'RequestRejected',
    });
  });

  it('maps a registered email to 409 naming email', () => {
    expect(classifyFailure(new EmailAlreadyRegistered())).toEqual({
      status: 409,
      message: 'Customer already exists',
      errors: [{ field: 'email', rule: 'unique' }],
      headers: {},
      cause: 'EmailAlreadyRegistered',
    });
  });

  it('maps a generated id that is already taken to a generic 500 (nothing was written, so retrying is safe)', () => {
    expect(classifyFailure(new CustomerIdCollision())).toMatchObject({ status: 500, message: 'Internal server error', cause: 'CustomerIdCollision' });
  });

  it('maps a reused Idempotency-Key with another body to 422 naming the header', () => {
    expect(classifyFailure(new IdempotencyKeyReused())).toEqual({
      status: 422,
      message: 'Idempotency-Key was already used with a different request',
      errors: [{ field: 'Idempotency-Key', rule: 'same_body' }],
      headers: {},
      cause: 'IdempotencyKeyReused',
    });
  });

  it('maps a key used more than 24 h ago to 422 naming the header, rule expired', () => {
    expect(classifyFailure(new IdempotencyKeyExpired())).toMatchObject({
      status: 422,
      errors: [{ field: 'Idempotency-Key', rule: 'expired' }],
      headers: {},
    });
  });

  it('maps a request that ran out of time to 503 with Retry-After', () => {
    expect(classifyFailure(new DeadlineExceeded())).toMatchObject({ status: 503, headers: { 'Retry-After': RETRY_AFTER_SECONDS }, cause: 'DeadlineExceeded' });
  });

  const cancelled = (...codes: string[]) =>
    namedError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

  it.each([
    ['TransactionConflict', cancelled('None', 'TransactionConflict')],
    ['ThrottlingError', cancelled('ThrottlingError', 'None')],
    ['ProvisionedThroughputExceeded', cancelled('None', 'ProvisionedThroughputExceeded')],
  ])('maps a transaction cancelled by %s to 503 with Retry-After', (_code, error) => {
    expect(classifyFailure(error)).toMatchObject({ status: 503, headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
  });

  it.each([
    ['a validation error', cancelled('ValidationError', 'None')],
    ['no reasons at all', namedError('TransactionCanceledException')],
  ])('maps a transaction cancelled for %s to a generic 500', (_case, error) => {
    expect(classifyFailure(error)).toMatchObject({ status: 500, message: 'Internal server error', errors: [] });
  });

  // The SDK's own classification (@smithy/core/retry): throttling names, 5xx statuses, timeouts, network codes.
  it.each([
    serviceError('ProvisionedThroughputExceededException', 400),
    serviceError('ThrottlingException', 400),
    serviceError('RequestLimitExceeded', 400),
    serviceError('SomethingNew', 429),
    serviceError('InternalServerError', 500),
    serviceError('ServiceUnavailable', 503),
    serviceError('AnyName', 502),
    namedError('TimeoutError'),
    namedError('Error', { code: 'ECONNREFUSED' }),
    namedError('Error', { code: 'ECONNRESET' }),
    namedError('Error', { code: 'ENOTFOUND' }),
    namedError('AggregateError', { code: 'ECONNREFUSED' }),
  ])('maps $name ($code, $$metadata.httpStatusCode) to 503 with Retry-After', (error) => {
    expect(classifyFailure(error)).toMatchObject({ status: 503, headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
  });

  it.each([
    serviceError('ResourceNotFoundException', 400),
    serviceError('AccessDeniedException', 400),
    serviceError('ValidationException', 400),
    namedError('AbortError'),
    namedError('CredentialsProviderError'),
    new TypeError('boom'),
    'a thrown string',
    undefined,
  ])('maps anything else (%p) to a generic 500', (error) => {
    expect(classifyFailure(error)).toMatchObject({ status: 500, message: 'Internal server error', errors: [] });
  });

  it('never copies the error message into what the client sees', () => {
    const failure = classifyFailure(namedError('ThrottlingException'));

    expect(JSON.stringify({ message: failure.message, errors: failure.errors })).not.toMatch(/secret|arn:/);
  });
});
