// A real WebSocket server on 127.0.0.1 that speaks the OpenAI Realtime API (GA) at /v1/realtime?model=…:
// the API key checked as a Bearer token (401 otherwise, with OpenAI's error body), connections refused
// with a scripted HTTP status, and a scripted dialogue per connection (fake-realtime-dialogue.ts). It
// records every event each connection received and sent, for assertions.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { FakeRealtimeDialogue, type DialogueScript } from './fake-realtime-dialogue.js';

export type {
  AgentLine,
  DialogueScript,
  RealtimeTurnScript,
  ToolCallScript,
} from './fake-realtime-dialogue.js';

export const FAKE_REALTIME_KEY = 'sk-test-realtime-0123456789abcdef';

export interface FakeRealtimeOptions {
  apiKey?: string;
  /** Refuse every handshake with this status (429 with Retry-After, 500, 503…). */
  refuse?: { status: number; message?: string; retryAfterSeconds?: number };
  /** The dialogue of each new connection (called once per connection). */
  script?: (connection: number) => DialogueScript;
  /** Sees every event as it is sent (the benchmark times audio deltas with it). */
  observe?: (event: Record<string, unknown>) => void;
  /** false: connections keep no record of their events (received/sent stay empty). Default true. */
  record?: boolean;
}

export interface FakeRealtimeConnection {
  model: string | null;
  authorization?: string;
  dialogue: FakeRealtimeDialogue;
}

export interface FakeRealtimeServer {
  /** ws://127.0.0.1:PORT/v1/realtime (the adapter adds ?model=). */
  url: string;
  connections: FakeRealtimeConnection[];
  /** Handshakes answered with an HTTP error. */
  refused: number;
  /** Every event of one type received over all connections, in order. */
  received(type?: string): Record<string, unknown>[];
  /** Every event of one type sent over all connections, in order. */
  sent(type?: string): Record<string, unknown>[];
  setRefuse(refuse: FakeRealtimeOptions['refuse']): void;
  waitUntil(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function answerHttp(
  socket: Duplex,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

export async function startFakeRealtimeServer(
  options: FakeRealtimeOptions = {},
): Promise<FakeRealtimeServer> {
  const apiKey = options.apiKey ?? FAKE_REALTIME_KEY;
  let refuse = options.refuse;
  const connections: FakeRealtimeConnection[] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const http = createServer((_request, response) => response.writeHead(426).end());
  let refused = 0;

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/v1/realtime') return answerHttp(socket, 404, { error: { message: 'Not found' } });
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      refused += 1;
      // OpenAI's answer echoes a masked key; the adapter must keep even that out of its errors.
      const given = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      return answerHttp(socket, 401, {
        error: {
          message: `Incorrect API key provided: ${given.slice(0, 3)}****${given.slice(-4)}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    }
    if (refuse) {
      refused += 1;
      return answerHttp(
        socket,
        refuse.status,
        { error: { message: refuse.message ?? 'Refused by the fake', type: 'server_error' } },
        refuse.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(refuse.retryAfterSeconds) },
      );
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const script = options.script?.(connections.length) ?? {};
      connections.push({
        model: url.searchParams.get('model'),
        authorization: request.headers.authorization,
        dialogue: new FakeRealtimeDialogue(
          ws,
          url.searchParams.get('model'),
          script,
          options.observe,
          options.record ?? true,
        ),
      });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const all = (pick: (connection: FakeRealtimeConnection) => Record<string, unknown>[], type?: string) =>
    connections.flatMap(pick).filter((event) => type === undefined || event.type === type);

  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    connections,
    get refused() {
      return refused;
    },
    received: (type) => all((connection) => connection.dialogue.received, type),
    sent: (type) => all((connection) => connection.dialogue.sent, type),
    setRefuse: (next) => {
      refuse = next;
    },
    waitUntil: async (predicate, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`fake realtime server: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
