import { validateCustomer } from '../../service/src/customer';
import { classifySeedAnswer, seedCustomer, seedCustomers } from './seed-customers';

describe('seedCustomers', () => {
  it('is the same list on every run: same people, same Idempotency-Keys', () => {
    expect(seedCustomers(30)).toEqual(seedCustomers(30));
    expect(seedCustomers(3)).toEqual(seedCustomers(10).slice(0, 3));
  });

  it('gives every customer its own email and key', () => {
    const customers = seedCustomers(500);
    expect(new Set(customers.map((c) => c.email.toLowerCase())).size).toBe(500);
    expect(new Set(customers.map((c) => c.idempotencyKey)).size).toBe(500);
  });

  it('writes customers the API accepts, with keys in the header\'s format', () => {
    for (const { idempotencyKey, ...body } of seedCustomers(200)) {
      expect(validateCustomer(body)).toEqual(body);
      expect(idempotencyKey).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  it('spells accented names in ASCII in the email, on the reserved example domain', () => {
    const accented = seedCustomers(200).find((c) => /[^\x20-\x7e]/.test(c.firstname + c.lastname));
    expect(accented?.email).toMatch(/^[a-z0-9]+\.[a-z0-9]+\.\d+@example\.com$/);
    expect(seedCustomer(0).email).toMatch(/\.1@example\.com$/);
  });
});

describe('classifySeedAnswer', () => {
  const runStartedAt = new Date('2026-12-01T12:00:00.000Z');

  it('a 201 made during this run is created; one from before it is a replay', () => {
    expect(classifySeedAnswer(201, '2026-12-01T12:00:00.500Z', runStartedAt)).toBe('created');
    expect(classifySeedAnswer(201, '2026-12-01T11:59:58.000Z', runStartedAt)).toBe('replayed');
  });

  it('a 409 is a customer already there; anything else failed', () => {
    expect(classifySeedAnswer(409, undefined, runStartedAt)).toBe('existing');
    expect(classifySeedAnswer(503, undefined, runStartedAt)).toBe('failed');
  });
});
