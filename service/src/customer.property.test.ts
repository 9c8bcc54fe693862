// Property tests of the validation core: invariants that must hold for every input fast-check can generate, not
// only for the examples in customer.test.ts. On a failure fast-check shrinks to a smallest counterexample and prints
// the seed and path that replay it (fc.assert(..., { seed, path })).
import fc from 'fast-check';
import { MAX_NAME_LENGTH, buildCustomer, normalizeEmail, validateCustomer, type CustomerInput } from './customer';
import { RequestRejected } from './errors';

const FIELDS = ['firstname', 'lastname', 'email'] as const;

// Visible code points from several scripts, including ones outside the BMP (two UTF-16 units, one character).
const visibleChar = fc.constantFrom('a', 'Z', '7', 'é', 'ß', 'Ω', 'Ж', '李', 'ม', 'ع', '😀', '𝔄', "'", '-', '.', '(');
const innerChar = fc.oneof({ weight: 4, arbitrary: visibleChar }, { weight: 1, arbitrary: fc.constantFrom(' ', '\u00a0') });
/** A name as the API must accept it: 1-100 code points, visible at both ends, spaces only inside. */
const validName = fc
  .tuple(visibleChar, fc.option(fc.tuple(fc.array(innerChar, { maxLength: MAX_NAME_LENGTH - 2 }), visibleChar), { nil: undefined }))
  .map(([first, rest]) => (rest ? `${first}${rest[0].join('')}${rest[1]}` : first));
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const localPart = fc.array(fc.stringMatching(/^[a-z0-9_+-]{1,8}$/), { minLength: 1, maxLength: 3 }).map((atoms) => atoms.join('.'));
const validEmail = fc
  .tuple(localPart, fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([local, labels, tld]) => `${local}@${[...labels, tld].join('.')}`);
const validInput: fc.Arbitrary<CustomerInput> = fc.record({ firstname: validName, lastname: validName, email: validEmail });
/** What HTTP clients and humans put around values: spaces, tabs, newlines. */
const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });
const nonString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const controlChar = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.constantFrom(0x202a, 0x202e, 0x2066, 0x2069)).map((code) => String.fromCharCode(code));

/** The field names a rejection reports, or undefined when the body was accepted. */
function rejectedFields(body: unknown): string[] | undefined {
  try {
    validateCustomer(body);
    return undefined;
  } catch (error) {
    if (error instanceof RequestRejected) return error.errors.map(({ field }) => field);
    throw error;
  }
}

/** `inserted` after the first code point and before the last, so trimming cannot remove it. */
const insertInside = (text: string, position: number, inserted: string) => {
  const chars = [...text];
  chars.splice(1 + (position % (chars.length - 1)), 0, inserted);
  return chars.join('');
};

describe('validateCustomer (properties)', () => {
  it('accepts every well-formed customer and returns exactly its three fields', () => {
    fc.assert(
      fc.property(validInput, (input) => {
        expect(validateCustomer({ ...input })).toEqual(input);
      }),
    );
  });

  it('ignores whitespace around any field: the padded body validates to the unpadded one', () => {
    fc.assert(
      fc.property(validInput, fc.tuple(padding, padding), fc.tuple(padding, padding), fc.tuple(padding, padding), (input, ...pads) => {
        const padded = Object.fromEntries(FIELDS.map((field, index) => [field, `${pads[index][0]}${input[field]}${pads[index][1]}`]));
        expect(validateCustomer(padded)).toEqual(input);
      }),
    );
  });

  it('is a fixed point: validating its own output changes nothing', () => {
    fc.assert(
      fc.property(validInput, padding, (input, pad) => {
        const once = validateCustomer({ ...input, firstname: `${pad}${input.firstname}${pad}` });
        expect(validateCustomer(once)).toEqual(once);
      }),
    );
  });

  it('rejects a field of any other JSON type, naming that field', () => {
    fc.assert(
      fc.property(validInput, fc.constantFrom(...FIELDS), nonString, (input, field, value) => {
        expect(rejectedFields({ ...input, [field]: value })).toContain(field);
      }),
    );
  });

  it('rejects any key besides the three, naming that key', () => {
    const extraKey = fc.string({ maxLength: 12 }).filter((key) => !(FIELDS as readonly string[]).includes(key));
    fc.assert(
      fc.property(validInput, extraKey, fc.jsonValue({ maxDepth: 1 }), (input, key, value) => {
        expect(rejectedFields({ ...input, [key]: value })).toContain(key);
      }),
    );
  });

  it('rejects a control or bidi character anywhere inside a name, naming that field', () => {
    fc.assert(
      fc.property(validInput, fc.constantFrom('firstname', 'lastname'), controlChar, fc.nat(), (input, field, char, position) => {
        // Inside, not at the ends, where trimming would remove whitespace controls such as \n before the check.
        const poisoned = insertInside(`${input[field]}x`, position, char);
        expect(rejectedFields({ ...input, [field]: poisoned })).toContain(field);
      }),
    );
  });

  it('accepts names up to 100 code points and rejects longer ones, whatever their UTF-16 length', () => {
    const unit = fc.constantFrom('a', 'é', '李', '😀', '𝔄');
    fc.assert(
      fc.property(validInput, fc.constantFrom('firstname', 'lastname'), fc.string({ unit, minLength: 1, maxLength: 2 * MAX_NAME_LENGTH }), (input, field, name) => {
        const fields = rejectedFields({ ...input, [field]: name });
        if ([...name].length <= MAX_NAME_LENGTH) expect(fields).toBeUndefined();
        else expect(fields).toEqual([field]);
      }),
    );
  });

  it('answers any JSON body with the input or a RequestRejected naming at least one field, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.object(), validInput.map((input) => ({ ...input }))), (body) => {
        const fields = rejectedFields(body);
        if (fields !== undefined) expect(fields.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('normalizeEmail (properties)', () => {
  it('compares emails case- and padding-insensitively, and normalizing twice changes nothing', () => {
    fc.assert(
      fc.property(validEmail, padding, fc.array(fc.boolean(), { minLength: 254, maxLength: 254 }), (email, pad, upper) => {
        const cased = [...email].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join('');
        const normalized = normalizeEmail(email);
        expect(normalizeEmail(`${pad}${cased}${pad}`)).toBe(normalized);
        expect(normalizeEmail(normalized)).toBe(normalized);
      }),
    );
  });
});

describe('buildCustomer (properties)', () => {
  it('keeps the validated fields as they are, adds the id and the creation time in ISO 8601', () => {
    fc.assert(
      fc.property(validInput, fc.uuid(), fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)) }), (input, id, now) => {
        const customer = buildCustomer(input, id, now);
        expect(customer).toEqual({ ...input, id, createdAt: now.toISOString() });
        expect(new Date(customer.createdAt).getTime()).toBe(now.getTime());
      }),
    );
  });
});
