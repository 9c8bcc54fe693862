// `make items`: the newest items of a table as a terminal table, newest first by createdAt. Pure, so the order and
// the format are tested without an emulator.

type Item = Record<string, unknown>;

/** Columns in this order when present, then any other attribute in name order. */
const LEADING = ['createdAt', 'firstname', 'lastname', 'email', 'id'];
// Wide enough for a UUID and most emails whole; a longer value (a 254-character email) is cut.
const MAX_CELL = 64;

/** The `count` newest items by createdAt (an ISO timestamp, so text order is time order); items without one last. */
export function newestFirst(items: Item[], count: number): Item[] {
  const at = (item: Item) => (typeof item.createdAt === 'string' ? item.createdAt : '');
  return [...items].sort((a, b) => at(b).localeCompare(at(a))).slice(0, count);
}

/**
 * Text a terminal shows as it is: control characters (an escape sequence could rewrite the screen) and bidi overrides
 * are spelled out as \u{…}, and long values are cut with an ellipsis.
 */
export function cell(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
  const chars = [...safe];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : safe;
}

/** A header line and one line per item, columns padded to their widest cell. */
export function formatItems(items: Item[]): string[] {
  const names = new Set(items.flatMap((item) => Object.keys(item)));
  const columns = [...LEADING.filter((name) => names.has(name)), ...[...names].filter((name) => !LEADING.includes(name)).sort()];
  const rows = [columns, ...items.map((item) => columns.map((name) => cell(item[name])))];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => [...row[index]].length)));
  return rows.map((row) => row.map((text, index) => text + ' '.repeat(widths[index] - [...text].length)).join('  ').trimEnd());
}
