// One readable line per CloudWatch event of the function: the handler logs JSON (Powertools), the runtime adds plain
// START/END/REPORT lines. Pure, so the format is tested without an emulator.

export interface LogEvent {
  /** Milliseconds since the epoch, as CloudWatch reports it. */
  readonly timestamp?: number;
  readonly message?: string;
}

const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  ERROR: '31', // red
  CRITICAL: '31',
  WARN: '33', // yellow
  INFO: '32', // green
  DEBUG: '90', // grey
};
const DIM = '2';

const paint = (colour: boolean, code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

/** `HH:MM:SS.mmm` in UTC, the zone CloudWatch and Powertools write in. */
function clock(time: string | number | undefined): string {
  const date = new Date(time ?? Date.now());
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString().slice(11, 23);
}

/** The JSON object a line carries, also when a runtime prefixed it with `<time>\t<request id>\t<LEVEL>\t`. */
function jsonPayload(message: string): Record<string, unknown> | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * `12:00:01.234 WARN  Request rejected  status=409 requestId=… cause=…`; a plain line as `time line`, dimmed.
 * Undefined for the runtime's START and END lines, which say nothing REPORT does not.
 */
export function formatLogEvent({ timestamp, message = '' }: LogEvent, colour: boolean): string | undefined {
  const line = message.trimEnd();
  if (/^(START|END) RequestId:/.test(line)) return undefined;
  const json = jsonPayload(line);
  if (!json) return `${paint(colour, DIM, clock(timestamp))} ${paint(colour, DIM, line)}`;
  const level = (text(json.level) ?? 'INFO').toUpperCase();
  const requestId = text(json.requestId) ?? text(json.function_request_id);
  const fields = [
    ['status', text(json.status)],
    ['requestId', requestId],
    ['cause', text(json.cause)],
  ].filter((field): field is [string, string] => field[1] !== undefined);
  return [
    paint(colour, DIM, clock(text(json.timestamp) ?? timestamp)),
    paint(colour, LEVEL_COLOURS[level] ?? '0', level.padEnd(5)),
    text(json.message) ?? '',
    ...fields.map(([name, value]) => `${paint(colour, DIM, `${name}=`)}${value}`),
  ].join(' ');
}

/**
 * Marks a line with the route whose function logged it, as `docker compose logs` marks services:
 * `create-customer | 12:00:01.234 WARN  Request rejected ...`, the names padded to the longest of `routes`.
 */
export function routeMarker(routes: readonly string[], colour: boolean): (route: string, line: string) => string {
  const width = Math.max(0, ...routes.map((route) => route.length));
  return (route, line) => `${paint(colour, '36', route.padEnd(width))} ${paint(colour, DIM, '|')} ${line}`;
}
