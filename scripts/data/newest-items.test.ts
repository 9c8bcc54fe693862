import { cell, formatItems, newestFirst } from './newest-items';

const ada = { id: 'a1', firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', createdAt: '2026-12-01T10:00:00.000Z' };
const grace = { id: 'g2', firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com', createdAt: '2026-12-01T11:00:00.000Z' };
const alan = { id: 't3', firstname: 'Alan', lastname: 'Turing', email: 'alan@example.com', createdAt: '2026-11-30T09:00:00.000Z' };

describe('newestFirst', () => {
  it('orders by createdAt, newest first, and keeps the first N', () => {
    expect(newestFirst([ada, alan, grace], 2)).toEqual([grace, ada]);
  });

  it('puts items without a createdAt last', () => {
    expect(newestFirst([{ id: 'x' }, alan], 5)).toEqual([alan, { id: 'x' }]);
  });
});

describe('formatItems', () => {
  it('prints createdAt, names, email and id first, in padded columns', () => {
    expect(formatItems([grace, ada])).toEqual([
      'createdAt                 firstname  lastname  email              id',
      '2026-12-01T11:00:00.000Z  Grace      Hopper    grace@example.com  g2',
      '2026-12-01T10:00:00.000Z  Ada        Lovelace  ada@example.com    a1',
    ]);
  });

  it('adds any other attribute after them, by name', () => {
    expect(formatItems([{ ...ada, zone: 'eu', tier: 2 }])[0]).toMatch(/email +id +tier +zone$/);
  });
});

describe('cell', () => {
  it('spells out control characters, so an item cannot rewrite the terminal', () => {
    expect(cell('a\u001b[2Jb\n')).toBe('a\\u{1b}[2Jb\\u{a}');
    expect(cell('\u202Eevil')).toBe('\\u{202e}evil');
  });

  it('cuts a long value with an ellipsis', () => {
    expect(cell('x'.repeat(70))).toBe(`${'x'.repeat(63)}…`);
    expect(cell('x'.repeat(64))).toBe('x'.repeat(64));
  });
});
