// The relay that stands in for a function while `make dev DEBUG=1` runs (SST's live Lambda, without a cloud): a few
// lines of plain Node that post each invocation's event, context and the function's own role credentials to the
// local debug process and return its answer, or throw its error, as the real handler would. The address and the
// session's token are written into the code, so swapping it in is one UpdateFunctionCode and nothing in the
// function's configuration changes.
import { zipEntries } from '../../../service/build';

export interface RelayTarget {
  /** Where the function's runtime reaches the local process: 127.0.0.1 on the host, the tools container's address. */
  readonly host: string;
  readonly port: number;
  /** The session's secret: the local process answers only requests that carry it. */
  readonly token: string;
}

/** What the relay sends, and what the local process (runtime.ts) reads. */
export interface RelayedInvocation {
  readonly event: unknown;
  readonly context: {
    readonly awsRequestId: string;
    readonly functionName: string;
    readonly functionVersion: string;
    readonly invokedFunctionArn: string;
    readonly memoryLimitInMB: string;
    readonly logGroupName: string;
    readonly logStreamName: string;
    /** Epoch ms when the real invocation times out (host and containers share one clock). */
    readonly deadline: number;
  };
  /** The invocation's own credentials (the execution role's session), so the local code has the function's IAM. */
  readonly credentials: { readonly accessKeyId?: string; readonly secretAccessKey?: string; readonly sessionToken?: string };
  readonly region?: string;
}

export type RelayAnswer = { readonly result: unknown } | { readonly error: { readonly name: string; readonly message: string } };

export const RELAY_PATH = '/invoke';

export function relaySource({ host, port, token }: RelayTarget): string {
  return `'use strict';
// make dev DEBUG=1 relay: forwards this invocation to the local debug process at ${host}:${port}. Leaving debug mode
// puts the real code back; so does the next make deploy or make dev (the deployed code no longer matches).
const http = require('node:http');
const TARGET = ${JSON.stringify({ host, port, path: RELAY_PATH })};
const TOKEN = ${JSON.stringify(token)};
const agent = new http.Agent({ keepAlive: true });

exports.handler = (event, context) => new Promise((resolve, reject) => {
  const began = Date.now();
  // One line per invocation, which MiniStack 1.5.33 also waits for: a handler that logs nothing costs 50 ms more
  // (core/lambda_runtime.py, _drain_stderr_bounded: first_line_wait).
  const said = (outcome) => console.log('make dev DEBUG=1: ' + outcome + ' from the debug process in ' + (Date.now() - began) + ' ms');
  const body = JSON.stringify({
    event,
    context: {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      deadline: Date.now() + context.getRemainingTimeInMillis(),
    },
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
    region: process.env.AWS_REGION,
  });
  const request = http.request({
    ...TARGET,
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + TOKEN },
  }, (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => {
      let answer;
      try {
        answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer = undefined;
      }
      if (response.statusCode !== 200 || answer === undefined) {
        said('HTTP ' + response.statusCode);
        reject(new Error('make dev DEBUG=1 answered HTTP ' + response.statusCode + ' for ' + context.functionName));
      } else if (answer.error) {
        said('an error');
        reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
      } else {
        said('an answer');
        resolve(answer.result);
      }
    });
  });
  request.setNoDelay(true);
  request.on('error', (error) => reject(new Error('make dev DEBUG=1 is not reachable at ' + TARGET.host + ':' + TARGET.port + ' (' + (error.code || error.message) + '): start it, or make deploy to put the real code back')));
  request.end(body);
});
`;
}

/** The relay as a function zip (index.js with `handler`, as the stack's functions declare). */
export const relayZip = (target: RelayTarget): Promise<Buffer> => zipEntries({ 'index.js': Buffer.from(relaySource(target)) });
