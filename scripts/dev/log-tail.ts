// Follows one CloudWatch log group until `signal` aborts. AWS: StartLiveTail (events pushed as they are ingested).
// Emulators: FilterLogEvents polling every half second, because neither streams Lambda output through Live Tail:
// LocalStack 4.14's community logs provider does not implement it, and MiniStack 1.5.33 implements it but feeds it
// only from PutLogEvents, not from the lines its Lambda executor writes.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogEvent } from './log-format';

export interface TailOptions {
  readonly logGroupName: string;
  /** Also print what was logged since this time (ms since the epoch). */
  readonly since: number;
  readonly mode: 'live' | 'poll';
  readonly signal: AbortSignal;
  readonly onEvent: (event: LogEvent) => void;
  /** One-off remarks (which mode, a fallback), not log lines. */
  readonly onNotice: (text: string) => void;
}

const POLL_INTERVAL_MS = 500;

export async function tailLogGroup(logs: CloudWatchLogsClient, options: TailOptions): Promise<void> {
  const { signal, onNotice } = options;
  // Whatever the mode, the backlog comes from FilterLogEvents; polling then carries on from where it ended.
  const poller = new LogPoller(logs, options.logGroupName, options.since);
  const poll = () =>
    poller.poll(options.onEvent, signal).catch((error: unknown) => {
      // The group appears with the stack, and an emulator restart loses it: keep trying quietly.
      if (!signal.aborted && errorName(error) !== 'ResourceNotFoundException') {
        onNotice(`FilterLogEvents failed (${errorName(error)}); retrying`);
      }
    });
  await poll();
  if (options.mode === 'live') {
    try {
      await liveTail(logs, options);
      return;
    } catch (error) {
      if (signal.aborted) return;
      onNotice(`StartLiveTail unavailable (${errorName(error)}): polling FilterLogEvents every ${POLL_INTERVAL_MS} ms`);
    }
  }
  while (!signal.aborted) {
    await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    if (!signal.aborted) await poll();
  }
}

/** Reads forward from a time, printing each event once (events sharing the last timestamp are remembered). */
class LogPoller {
  private seenAtLast = new Set<string>();

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly logGroupName: string,
    private from: number,
  ) {}

  async poll(onEvent: (event: LogEvent) => void, signal: AbortSignal): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await this.logs.send(
        new FilterLogEventsCommand({ logGroupName: this.logGroupName, startTime: this.from, nextToken }),
        { abortSignal: signal },
      );
      for (const event of page.events ?? []) this.accept(event, onEvent);
      nextToken = page.nextToken;
    } while (nextToken);
  }

  private accept(event: FilteredLogEvent, onEvent: (event: LogEvent) => void): void {
    const timestamp = event.timestamp ?? this.from;
    const key = event.eventId ?? `${event.logStreamName}\u0000${timestamp}\u0000${event.message}`;
    if (timestamp < this.from || (timestamp === this.from && this.seenAtLast.has(key))) return;
    if (timestamp > this.from) {
      this.from = timestamp;
      this.seenAtLast = new Set();
    }
    this.seenAtLast.add(key);
    onEvent({ timestamp, message: event.message });
  }
}

async function liveTail(logs: CloudWatchLogsClient, options: TailOptions): Promise<void> {
  // Live Tail takes the group's ARN (without the `:*` DescribeLogGroups appends).
  const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: options.logGroupName }));
  const group = logGroups?.find((candidate) => candidate.logGroupName === options.logGroupName);
  const arn = group?.logGroupArn ?? group?.arn?.replace(/:\*$/, '');
  if (!arn) throw Object.assign(new Error(`log group ${options.logGroupName} not found`), { name: 'ResourceNotFoundException' });
  const { responseStream } = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn] }), {
    abortSignal: options.signal,
  });
  if (!responseStream) throw new Error('StartLiveTail returned no stream');
  options.onNotice('following with StartLiveTail');
  try {
    for await (const update of responseStream) {
      for (const event of update.sessionUpdate?.sessionResults ?? []) {
        options.onEvent({ timestamp: event.timestamp, message: event.message });
      }
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
  }
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : String(error));
