import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultEndpoint {
  endpoint: string;
  requestCount: () => number;
  stop: () => Promise<void>;
}

export interface ErrorFault {
  status: number;
  errorType: string;
  message: string;
  /** More members of the error body, such as a TransactionCanceledException's CancellationReasons. */
  fields?: Record<string, unknown>;
}

export type Fault = ErrorFault | 'never-respond';

/**
 * An HTTP endpoint that answers every DynamoDB call with one fault, in DynamoDB's JSON error format, so the
 * real SDK parses, classifies and retries it. For faults a healthy DynamoDB does not produce (throttling, 5xx, hangs).
 */
export async function startFaultEndpoint(fault: Fault): Promise<FaultEndpoint> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    if (fault === 'never-respond') return;
    response.writeHead(fault.status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'fault-request' });
    response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault.errorType}`, message: fault.message, ...fault.fields }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening: connections are refused. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
