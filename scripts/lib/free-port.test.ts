import { createServer, type Server } from 'node:net';
import { freeLoopbackPort } from './free-port';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('freeLoopbackPort', () => {
  it('gives an unprivileged port that a server can then listen on at 127.0.0.1', async () => {
    const port = await freeLoopbackPort();

    expect(port).toBeGreaterThan(1023);
    const server = await listen(port);
    await new Promise((resolve) => server.close(resolve));
  });
});
