import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/**
 * A real MCP server (the official SDK, streamable HTTP, with sessions) on 127.0.0.1, as a
 * business's CRM might run: find_customer, a slow tool, one that reports an error, one that
 * answers too much, and an admin tool no agent should be offered. Every HTTP request is recorded.
 */
export interface FakeMcpServer {
  url: string;
  requests: { method: string; headers: IncomingMessage['headers']; body: string }[];
  /** Sessions started (initialize requests). */
  sessions(): number;
  close(): Promise<void>;
}

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'fake-crm', version: '1.0.0' });
  server.registerTool(
    'find_customer',
    { description: 'Find a customer by their account number', inputSchema: { account: z.string() } },
    async ({ account }) => ({
      content: [{ type: 'text', text: JSON.stringify({ account, name: 'Asha Rao', plan: 'gold' }) }],
    }),
  );
  server.registerTool('slow_lookup', { description: 'Takes its time', inputSchema: {} }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return { content: [{ type: 'text', text: 'late' }] };
  });
  server.registerTool('broken_lookup', { description: 'Always fails', inputSchema: {} }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'the CRM database is down' }],
  }));
  server.registerTool('huge_lookup', { description: 'Answers 200 KB', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'x'.repeat(200_000) }],
  }));
  server.registerTool('delete_everything', { description: 'An admin tool', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'deleted' }],
  }));
  return server;
}

export async function startFakeMcpServer(): Promise<FakeMcpServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const requests: FakeMcpServer['requests'] = [];
  let sessions = 0;
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? 'GET', headers: req.headers, body });
      void (async () => {
        const sessionId = req.headers['mcp-session-id'];
        let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
        if (!transport) {
          transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => {
              sessions += 1;
              transports.set(id, transport!);
            },
          });
          await mcpServer().connect(transport);
        }
        await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    sessions: () => sessions,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
