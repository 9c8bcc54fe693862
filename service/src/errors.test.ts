import { classifyFailure, CustomerIdCollision, EmailAlreadyRegistered, RequestRejected, RETRY_AFTER_SECONDS } from './errors';

const namedError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`secret detail from ${name} arn:aws:dynamodb:us-east-1:123456789012:table/x`), { name, ...extra });

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
    expect(classifyFailure(namedError('IdempotencyValidationError'))).toEqual({
      status: 422,
      message: 'Idempotency-Key was already used with a different request',
      errors: [{ field: 'Idempotency-Key', rule: 'same_body' }],
      headers: {},
      cause: 'IdempotencyValidationError',
    });
  });

  it('maps a key whose first request is still running to 409 with Retry-After', () => {
    expect(classifyFailure(namedError('IdempotencyAlreadyInProgressError'))).toMatchObject({
      status: 409,
      errors: [{ field: 'Idempotency-Key', rule: 'in_progress' }],
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    });
  });

  it.each([
    [namedError('ThrottlingException'), 503, 'IdempotencyPersistenceLayerError: ThrottlingException'],
    [namedError('Error', { code: 'ECONNRESET' }), 503, 'IdempotencyPersistenceLayerError: Error'],
    [namedError('AccessDeniedException'), 500, 'IdempotencyPersistenceLayerError: AccessDeniedException'],
  ])('classifies what the idempotency store wrapped (%p) and logs both names', (inner, status, cause) => {
    const wrapped = namedError('IdempotencyPersistenceLayerError', { cause: inner });

    expect(classifyFailure(wrapped)).toMatchObject({ status, cause });
  });

  it('maps other Powertools idempotency errors to a generic 500', () => {
    expect(classifyFailure(namedError('IdempotencyInconsistentStateError'))).toMatchObject({ status: 500, errors: [] });
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

  it.each([
    namedError('ProvisionedThroughputExceededException'),
    namedError('ThrottlingException'),
    namedError('RequestLimitExceeded'),
    namedError('InternalServerError'),
    namedError('ServiceUnavailable'),
    namedError('TimeoutError'),
    namedError('TransactionConflictException'),
    namedError('Error', { code: 'ECONNREFUSED' }),
    namedError('Error', { code: 'ECONNRESET' }),
    namedError('Error', { code: 'ENOTFOUND' }),
    namedError('AggregateError', { code: 'ECONNREFUSED' }),
  ])('maps $name ($code) to 503 with Retry-After', (error) => {
    expect(classifyFailure(error)).toMatchObject({ status: 503, headers: { 'Retry-After': RETRY_AFTER_SECONDS } });
  });

  it.each([
    namedError('ResourceNotFoundException'),
    namedError('AccessDeniedException'),
    namedError('ValidationException'),
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
