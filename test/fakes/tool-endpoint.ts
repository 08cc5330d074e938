import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A business's HTTP API on 127.0.0.1 for agents' tools: each request is recorded (method, path,
 * headers, body) and answered by `answer`, which may hang, stall, redirect or send anything.
 */
export interface ToolEndpointRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ToolEndpoint {
  url: string;
  requests: ToolEndpointRequest[];
  close(): Promise<void>;
}

export type ToolEndpointHandler = (request: ToolEndpointRequest, res: ServerResponse) => void | Promise<void>;

export const sendJson = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

export async function startToolEndpoint(answer: ToolEndpointHandler): Promise<ToolEndpoint> {
  const requests: ToolEndpointRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      Promise.resolve(answer(request, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
