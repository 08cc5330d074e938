import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyWebSocketSignature } from '../adapters/twilio/signature.js';
import { RelayHandshakeError, connectRelay, type ConnectRelayOptions } from './relay-client.js';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const SIGNED_URL = 'wss://agents.example.com/twilio/relay?call=c_1';

type Script = (socket: WebSocket, message: Record<string, unknown>) => void;

/** A tiny relay server: checks the handshake signature, records what arrives, runs the test's script. */
interface FakeServer {
  url: string;
  received: Record<string, unknown>[];
  closes: number[];
  headers: (string | undefined)[];
  script: Script;
  close(): Promise<void>;
}

async function startServer(): Promise<FakeServer> {
  const server: FakeServer = {
    url: '',
    received: [],
    closes: [],
    headers: [],
    script: () => undefined,
    close: () => Promise.resolve(),
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      const signature = info.req.headers['x-twilio-signature'];
      server.headers.push(typeof signature === 'string' ? signature : undefined);
      const check = verifyWebSocketSignature({
        authTokens: [AUTH_TOKEN],
        url: SIGNED_URL,
        signature: typeof signature === 'string' ? signature : undefined,
      });
      if (check.valid) done(true);
      else done(false, 403);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      server.received.push(message);
      server.script(socket, message);
    });
    socket.on('close', (code) => server.closes.push(code));
  });
  server.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/twilio/relay?call=c_1`;
  server.close = () =>
    new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    });
  return server;
}

/** Streams the reply as text tokens, 5 ms apart, unless an interrupt arrives first. */
function streamReply(socket: WebSocket, tokens: string[], stopped: () => boolean = () => false): void {
  tokens.forEach((token, index) => {
    setTimeout(() => {
      if (stopped()) return;
      socket.send(JSON.stringify({ type: 'text', token, last: index === tokens.length - 1 }));
    }, index * 5);
  });
}

let server: FakeServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

const baseOptions = (): ConnectRelayOptions => ({
  wsUrl: server.url,
  signedUrl: SIGNED_URL,
  authToken: AUTH_TOKEN,
  setup: {
    callSid: 'CA22222222222222222222222222222222',
    from: '+18005550100',
    to: '+18005550101',
    accountSid: 'AC11111111111111111111111111111111',
    customParameters: { agent_id: 'customer-support-001' },
  },
  replyTimeoutMs: 2_000,
});

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('connectRelay', () => {
  it('signs the handshake over the public URL and sends setup like Twilio', async () => {
    const client = await connectRelay(baseOptions());
    await until(() => server.received.length > 0);
    expect(server.received[0]).toMatchObject({
      type: 'setup',
      callSid: 'CA22222222222222222222222222222222',
      accountSid: 'AC11111111111111111111111111111111',
      from: '+18005550100',
      to: '+18005550101',
      direction: 'inbound',
      callType: 'PSTN',
      callStatus: 'RINGING',
      customParameters: { agent_id: 'customer-support-001' },
    });
    expect(server.received[0]?.sessionId).toMatch(/^VX[0-9a-f]{32}$/u);
    expect(client.sessionId).toBe(server.received[0]?.sessionId);
    expect(client.messages[0]).toMatchObject({ direction: 'sent', message: { type: 'setup' } });
    await client.close();
  });

  it.each([
    ['a forged signature', { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['no signature', { signature: null }, undefined],
    [
      'a signature over another URL',
      { signedUrl: 'wss://attacker.example.com/twilio/relay?call=c_1' },
      'any',
    ],
  ] as const)('is refused with 403 for %s', async (_name, override, header) => {
    const error = await connectRelay({ ...baseOptions(), ...override }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayHandshakeError);
    expect((error as RelayHandshakeError).statusCode).toBe(403);
    if (header !== 'any') expect(server.headers).toStrictEqual([header]);
    expect(server.received).toStrictEqual([]);
  });

  it('marks an outbound call IN-PROGRESS', async () => {
    const options = baseOptions();
    const client = await connectRelay({ ...options, setup: { ...options.setup, direction: 'outbound-api' } });
    await until(() => server.received.length > 0);
    expect(server.received[0]).toMatchObject({ direction: 'outbound-api', callStatus: 'IN-PROGRESS' });
    await client.close();
  });
});

describe('RelayClient', () => {
  it('prompt() resolves with the whole streamed reply and its timing', async () => {
    server.script = (socket, message) => {
      if (message.type === 'prompt') streamReply(socket, ['Your order ', 'shipped ', 'on Monday.']);
    };
    const client = await connectRelay(baseOptions());
    const reply = await client.prompt('Where is my order?');
    expect(reply.text).toBe('Your order shipped on Monday.');
    expect(reply.tokens).toHaveLength(3);
    expect(reply.firstTokenMs).toBeGreaterThanOrEqual(reply.requestedMs);
    expect(reply.lastTokenMs).toBeGreaterThan(reply.firstTokenMs ?? Infinity);
    expect(server.received[1]).toStrictEqual({
      type: 'prompt',
      voicePrompt: 'Where is my order?',
      lang: 'en-US',
      last: true,
    });
    await client.close();
  });

  it('ignores unknown message types and drops malformed ones like Twilio (64107)', async () => {
    server.script = (socket, message) => {
      if (message.type !== 'prompt') return;
      socket.send(JSON.stringify({ type: 'someNewFeature', value: 1 }));
      socket.send(JSON.stringify({ type: 'text', token: 42, last: false }));
      socket.send('not json');
      streamReply(socket, ['Hello.']);
    };
    const client = await connectRelay(baseOptions());
    const reply = await client.prompt('Hi');
    expect(reply.text).toBe('Hello.');
    expect(client.invalidMessages.map((invalid) => invalid.message)).toStrictEqual([
      { type: 'text', token: 42, last: false },
      'not json',
    ]);
    await until(() => server.received.filter((message) => message.type === 'error').length === 2);
    expect(String(server.received.find((message) => message.type === 'error')?.description)).toContain(
      '64107',
    );
    await client.close();
  });

  it('promptAndInterrupt() barges in after N tokens with what was heard', async () => {
    let interrupted = false;
    server.script = (socket, message) => {
      if (message.type === 'interrupt') interrupted = true;
      // A server that ignores the interrupt: the rest of the reply still arrives.
      if (message.type === 'prompt')
        streamReply(socket, ['Our plans ', 'start at ', 'ten dollars ', 'a month.']);
    };
    const client = await connectRelay(baseOptions());
    const result = await client.promptAndInterrupt('What does it cost?', { afterTokens: 2 });
    expect(result).toMatchObject({ interrupted: true, heardText: 'Our plans start at ' });
    await until(() => interrupted);
    const interrupt = server.received.find((message) => message.type === 'interrupt');
    expect(interrupt).toMatchObject({ utteranceUntilInterrupt: 'Our plans start at ' });
    expect(interrupt?.durationUntilInterruptMs).toBe(result.durationUntilInterruptMs);
    expect(result.durationUntilInterruptMs).toBeGreaterThanOrEqual(0);

    const texts = () =>
      client.messages.filter((record) => (record.message as { type: string }).type === 'text');
    await until(() => texts().length === 4);
    // Late tokens are visible in the log after the interrupt...
    expect(
      texts().filter((record) => record.elapsedMs > (result.interruptSentMs ?? Infinity)),
    ).not.toHaveLength(0);
    // ...but the next prompt gets only the next reply, not leftovers of the interrupted one.
    server.script = (socket, message) => {
      if (message.type === 'prompt') streamReply(socket, ['Sure.']);
    };
    expect((await client.prompt('Thanks')).text).toBe('Sure.');
    await client.close();
  });

  it('promptAndInterrupt() does not interrupt a reply shorter than N tokens', async () => {
    server.script = (socket, message) => {
      if (message.type === 'prompt') streamReply(socket, ['Yes.']);
    };
    const client = await connectRelay(baseOptions());
    const result = await client.promptAndInterrupt('Open today?', { afterTokens: 3 });
    expect(result).toMatchObject({ interrupted: false, heardText: 'Yes.' });
    expect(server.received.some((message) => message.type === 'interrupt')).toBe(false);
    await client.close();
  });

  it('sends DTMF and reads the reply to it', async () => {
    server.script = (socket, message) => {
      if (message.type === 'dtmf') streamReply(socket, [`You pressed ${String(message.digit)}.`]);
    };
    const client = await connectRelay(baseOptions());
    client.dtmf('5');
    expect((await client.nextReply()).text).toBe('You pressed 5.');
    await client.close();
  });

  it('exposes end with handoffData and closes the socket as Twilio does', async () => {
    const handoffData = JSON.stringify({ reasonCode: 'live-agent-handoff', target: 'sales' });
    server.script = (socket, message) => {
      if (message.type !== 'prompt') return;
      socket.send(JSON.stringify({ type: 'text', token: 'Transferring you now.', last: true }));
      socket.send(JSON.stringify({ type: 'end', handoffData }));
    };
    const client = await connectRelay(baseOptions());
    expect((await client.prompt('Talk to a human')).text).toBe('Transferring you now.');
    expect(await client.waitForEnd()).toStrictEqual({ handoffData });
    expect(client.endMessage).toStrictEqual({ handoffData });
    expect((await client.closed).code).toBe(1000);
  });

  it('drop() loses the connection without a close frame', async () => {
    const client = await connectRelay(baseOptions());
    await client.drop();
    await until(() => server.closes.length > 0);
    expect(server.closes).toStrictEqual([1006]);
    await expect(client.prompt('Hello?')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('rejects a pending reply when the server goes away mid-reply, and times out on silence', async () => {
    server.script = (socket, message) => {
      if (message.type !== 'prompt') return;
      if (message.voicePrompt === 'die') {
        socket.send(JSON.stringify({ type: 'text', token: 'Let me ', last: false }));
        setTimeout(() => socket.terminate(), 10);
      }
    };
    const quiet = await connectRelay(baseOptions());
    await expect(quiet.prompt('silence', { timeoutMs: 50 })).rejects.toMatchObject({ code: 'unavailable' });
    await quiet.close();
    const client = await connectRelay(baseOptions());
    await expect(client.prompt('die')).rejects.toThrow(/closed \(1006\)/u);
    expect(await client.waitForEnd()).toBeUndefined();
  });

  it('records every message both ways with timestamps', async () => {
    server.script = (socket, message) => {
      if (message.type === 'prompt') streamReply(socket, ['One. ', 'Two.']);
    };
    const client = await connectRelay(baseOptions());
    await client.prompt('Count');
    const summary = client.messages.map((record) => [
      record.direction,
      (record.message as { type: string }).type,
    ]);
    expect(summary).toStrictEqual([
      ['sent', 'setup'],
      ['sent', 'prompt'],
      ['received', 'text'],
      ['received', 'text'],
    ]);
    for (const record of client.messages) expect(Number.isNaN(Date.parse(record.at))).toBe(false);
    const times = client.messages.map((record) => record.elapsedMs);
    expect([...times].sort((a, b) => a - b)).toStrictEqual(times);
    await client.close();
  });
});
