import { createServer } from 'node:net';

/**
 * A loopback port with nothing listening: bound, read and released. Free for a server to take, or
 * a dead endpoint (another process could take it meanwhile; good enough for tests).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
