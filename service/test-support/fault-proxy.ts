import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from './fault-endpoint';

/**
 * What the proxy does with the n-th request it receives (1-based): pass it to the real server, answer a fault, or
 * 'forward-then-drop': let the real server handle it, then reset the connection so the response is lost.
 */
export type ProxyPlan = (attempt: number, operation: string) => 'forward' | 'forward-then-drop' | Fault;

export interface FaultProxy {
  endpoint: string;
  /** Requests received, by DynamoDB operation (from X-Amz-Target), e.g. { PutItem: 3 }. */
  requests: () => Record<string, number>;
  stop: () => Promise<void>;
}

/**
 * A fault-injecting HTTP proxy in front of a real DynamoDB-protocol server (MiniStack in the tests): each request is either
 * forwarded untouched or answered with a fault in DynamoDB's JSON error format, so the real SDK parses, classifies
 * and retries it, and the table behind the proxy shows whether anything was written.
 */
export async function startFaultProxy(upstream: string, plan: ProxyPlan): Promise<FaultProxy> {
  const counts: Record<string, number> = {};
  let attempt = 0;
  const server: Server = createServer((request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() || 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const action = plan(++attempt, operation);
    if (action === 'forward' || action === 'forward-then-drop') return forward(upstream, request, response, action === 'forward-then-drop');
    request.resume();
    if (action === 'never-respond') return;
    response.writeHead(action.status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'fault-request' });
    response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${action.errorType}`, message: action.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => ({ ...counts }),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function forward(upstream: string, request: IncomingMessage, response: ServerResponse, dropResponse: boolean): void {
  const target = new URL(request.url ?? '/', upstream);
  const outgoing = httpRequest(target, { method: request.method, headers: request.headers }, (upstreamResponse) => {
    if (dropResponse) {
      upstreamResponse.resume();
      upstreamResponse.on('end', () => response.socket?.destroy());
      return;
    }
    response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
    upstreamResponse.pipe(response);
  });
  outgoing.on('error', () => response.destroy());
  request.pipe(outgoing);
}
