import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP proxy that counts DynamoDB calls by operation (X-Amz-Target) on their way to MiniStack. */
export async function startCountingProxy(upstream: string) {
  const counts: Record<string, number> = {};
  const server: Server = createServer((request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() || 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const outgoing = httpRequest(new URL(request.url ?? '/', upstream), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const taken = { ...counts };
      for (const name of Object.keys(counts)) delete counts[name];
      return taken;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
