import { classifyFailure, RequestRejected, RETRY_AFTER_SECONDS } from './errors';

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

  it('maps a failed put condition to 409', () => {
    expect(classifyFailure(namedError('ConditionalCheckFailedException'))).toMatchObject({ status: 409, headers: {} });
  });

  it.each([
    namedError('ProvisionedThroughputExceededException'),
    namedError('ThrottlingException'),
    namedError('RequestLimitExceeded'),
    namedError('InternalServerError'),
    namedError('ServiceUnavailable'),
    namedError('TimeoutError'),
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
