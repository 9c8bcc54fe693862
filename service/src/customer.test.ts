import { buildCustomer, validateCustomer, type CustomerInput } from './customer';
import { RequestRejected, type FieldError } from './errors';

const VALID: CustomerInput = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' };

function rejectionOf(body: unknown): FieldError[] {
  try {
    validateCustomer(body);
  } catch (error) {
    if (error instanceof RequestRejected) return error.errors;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('validateCustomer', () => {
  it('returns the three fields, trimmed', () => {
    // Prepare
    const body = { firstname: ' Ada ', lastname: '\tLovelace\n', email: '  ada@example.com ' };

    // Act
    const input = validateCustomer(body);

    // Assess
    expect(input).toEqual(VALID);
  });

  it('names every broken field and rule at once', () => {
    const errors = rejectionOf({ firstname: '', lastname: 7, id: 'x', role: 'admin' });

    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'firstname', rule: 'min_length' },
        { field: 'lastname', rule: 'type' },
        { field: 'email', rule: 'required' },
        { field: 'id', rule: 'unknown_field' },
        { field: 'role', rule: 'unknown_field' },
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('reports only min_length for a blank name, not the rules that follow it', () => {
    expect(rejectionOf({ ...VALID, firstname: '   ' })).toEqual([{ field: 'firstname', rule: 'min_length' }]);
  });

  it.each([
    ['100 ASCII characters', 'a'.repeat(100), true],
    ['101 ASCII characters', 'a'.repeat(101), false],
    ['100 emoji (200 UTF-16 units)', '😀'.repeat(100), true],
    ['101 emoji', '😀'.repeat(101), false],
  ])('counts name length in code points: %s', (_case, firstname, accepted) => {
    const check = () => validateCustomer({ ...VALID, firstname });

    if (accepted) expect(check()).toMatchObject({ firstname });
    else expect(rejectionOf({ ...VALID, firstname })).toEqual([{ field: 'firstname', rule: 'max_length' }]);
  });

  it.each([
    ['a lone high surrogate', 'Ada\ud83d', 'well_formed_unicode'],
    ['a lone low surrogate', '\ude00Ada', 'well_formed_unicode'],
    ['a NUL byte', 'A\u0000da', 'no_control_characters'],
    ['a C1 control character', 'A\u0085da', 'no_control_characters'],
    ['a right-to-left override', 'Ada\u202e', 'no_control_characters'],
    ['a first-strong isolate', '\u2068Ada', 'no_control_characters'],
    ['only zero-width characters', '\u200b\u2060', 'visible_characters'],
    ['only a soft hyphen', '\u00ad', 'visible_characters'],
  ])('rejects a name with %s', (_case, lastname, rule) => {
    expect(rejectionOf({ ...VALID, lastname })).toContainEqual({ field: 'lastname', rule });
  });

  it.each([
    ['an emoji ZWJ sequence', '👩‍💻'],
    ['a Persian name with a zero-width non-joiner', 'می‌خواهم'],
    ['Arabic script', 'لوفليس'],
    ['an SQL-looking string', "'; DROP TABLE customers; --"],
  ])('accepts %s as a name, unchanged', (_case, lastname) => {
    expect(validateCustomer({ ...VALID, lastname }).lastname).toBe(lastname);
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada..l@example.com', 'ada@exa mple.com', 'ada@-example.com'])(
    'rejects the email %j',
    (email) => {
      expect(rejectionOf({ ...VALID, email })).toEqual([{ field: 'email', rule: 'email' }]);
    },
  );

  it('rejects an email over 254 characters as max_length, not as a format error', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;

    expect(rejectionOf({ ...VALID, email })).toEqual([{ field: 'email', rule: 'max_length' }]);
  });
});

describe('buildCustomer', () => {
  it('adds the given id and the ISO time of creation', () => {
    // Prepare
    const now = new Date('2024-05-01T12:00:00.000Z');

    // Act
    const customer = buildCustomer(VALID, 'id-1', now);

    // Assess
    expect(customer).toEqual({ id: 'id-1', ...VALID, createdAt: '2024-05-01T12:00:00.000Z' });
    expect(Object.keys(customer)).toEqual(['id', 'firstname', 'lastname', 'email', 'createdAt']);
  });
});
