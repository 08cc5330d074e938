// A bare `ws` server on loopback, for the baselines the benchmarks run beside the real server (the
// relay benchmark's echo, the realtime benchmark's bare bridge): an HTTP server that upgrades every
// request, hands each socket to `onConnection`, and answers the benchmark's requests as the real
// server does (it stores no turns).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export async function startBareWsServer(onConnection: (socket: WebSocket) => void) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    countTurns: async (callSids: string[]) => callSids.map(() => 0),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => http.close(() => resolve()));
      }),
  };
}
