import { formatLogEvent, routeMarker } from './log-format';

const AT = Date.UTC(2026, 10, 25, 12, 0, 1, 234);
const rejected = JSON.stringify({
  level: 'WARN',
  message: 'Request rejected',
  timestamp: '2026-11-25T12:00:01.234Z',
  service: 'customers-api',
  status: 409,
  cause: 'EmailTaken',
  errors: [{ field: 'email', rule: 'unique' }],
  requestId: 'req-1',
});

describe('formatLogEvent', () => {
  it('prints a Powertools JSON line as time, level, message, status, requestId and cause, without colour off a TTY', () => {
    expect(formatLogEvent({ timestamp: AT, message: `${rejected}\n` }, false)).toBe(
      '12:00:01.234 WARN  Request rejected status=409 requestId=req-1 cause=EmailTaken',
    );
  });

  it('colours the level and dims the time on a TTY', () => {
    const line = formatLogEvent({ timestamp: AT, message: rejected }, true) ?? '';
    expect(line).toContain('\u001b[33mWARN \u001b[0m');
    expect(line).toContain('\u001b[2m12:00:01.234\u001b[0m');
  });

  it('reads the JSON after a runtime prefix and falls back to Powertools\' request id field', () => {
    const json = JSON.stringify({ level: 'ERROR', message: 'Request failed', timestamp: '2026-11-25T12:00:02.000Z', function_request_id: 'aws-9', status: 500 });
    expect(formatLogEvent({ timestamp: AT, message: `2026-11-25T12:00:02.000Z\taws-9\tERROR\t${json}` }, false)).toBe(
      '12:00:02.000 ERROR Request failed status=500 requestId=aws-9',
    );
  });

  it('prints a plain line with the event time, and drops START and END', () => {
    expect(formatLogEvent({ timestamp: AT, message: 'REPORT RequestId: r\tDuration: 12 ms' }, false)).toBe(
      '12:00:01.234 REPORT RequestId: r\tDuration: 12 ms',
    );
    expect(formatLogEvent({ timestamp: AT, message: 'START RequestId: r Version: $LATEST' }, false)).toBeUndefined();
    expect(formatLogEvent({ timestamp: AT, message: 'END RequestId: r' }, false)).toBeUndefined();
  });

  it('treats a line whose braces are not a JSON object as plain text', () => {
    expect(formatLogEvent({ timestamp: AT, message: 'got {not json' }, false)).toBe('12:00:01.234 got {not json');
  });
});

describe('routeMarker', () => {
  it('marks each line with its route, padded to the longest route name, without colour off a TTY', () => {
    const mark = routeMarker(['create-customer', 'get-customer'], false);
    expect(mark('get-customer', '12:00:01.234 WARN  Request rejected')).toBe('get-customer    | 12:00:01.234 WARN  Request rejected');
    expect(mark('create-customer', 'x')).toBe('create-customer | x');
  });
});
