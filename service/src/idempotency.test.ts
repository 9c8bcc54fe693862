import { idempotentCreate, uuidV5 } from './idempotency';
import { VALID_INPUT } from '../test-support/events';

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('idempotentCreate', () => {
  it('derives the same record id and customer id from the same API key id and key', () => {
    expect(idempotentCreate('api-key-1', 'k', VALID_INPUT)).toEqual(idempotentCreate('api-key-1', 'k', VALID_INPUT));
  });

  it.each([
    ['another API key id', 'api-key-2', 'k'],
    ['another key', 'api-key-1', 'k2'],
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    ['the same characters split differently', 'api-key-', '1k'],
  ])('derives other ids for %s', (_case, apiKeyId, key) => {
    const first = idempotentCreate('api-key-1', 'k', VALID_INPUT);
    const other = idempotentCreate(apiKeyId, key, VALID_INPUT);

    expect(other.recordId).not.toBe(first.recordId);
    expect(other.customerId).not.toBe(first.customerId);
  });

  it('fingerprints the validated fields, not their order in the body', () => {
    const reordered = { email: VALID_INPUT.email, lastname: VALID_INPUT.lastname, firstname: VALID_INPUT.firstname };

    expect(idempotentCreate('a', 'k', reordered).fingerprint).toBe(idempotentCreate('a', 'k', VALID_INPUT).fingerprint);
    expect(idempotentCreate('a', 'k', { ...VALID_INPUT, lastname: 'Byron' }).fingerprint).not.toBe(idempotentCreate('a', 'k', VALID_INPUT).fingerprint);
  });

  it('never keeps the key itself in what it stores', () => {
    const { recordId, fingerprint } = idempotentCreate('api-key-1', 'secret-order-key', VALID_INPUT);

    expect(`${recordId}${fingerprint}`).not.toContain('secret-order-key');
  });
});
