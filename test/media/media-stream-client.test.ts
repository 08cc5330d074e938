import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodeMediaStreamMessage,
  encodeClearMessage,
  encodeMarkMessage,
  encodeMediaMessage,
  type MediaStreamInbound,
} from '../../src/adapters/twilio/media-stream-codec.js';
import { verifyWebSocketSignature } from '../../src/adapters/twilio/signature.js';
import { mediaSocketKey } from '../../src/transports/media/media-socket-grant.js';
import { mediaConnectTwiml } from '../../src/transports/media/media-twiml.js';
import { lineAudio } from '../support/audio-fixtures.js';
import {
  MediaStreamHandshakeError,
  connectMediaStream,
  toFrames,
  type ConnectMediaStreamOptions,
} from '../../src/simulator/media-stream-client.js';
import { mediaStreamFor } from '../../src/simulator/media-stream-session.js';
import { parseTwiml, type ConnectVerb } from '../../src/simulator/twiml-parser.js';
import { WebhookSender } from '../../src/simulator/webhook-sender.js';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://voice.example.com';
const CALL = `CA${'1'.repeat(32)}`;
const ACCOUNT = `AC${'2'.repeat(32)}`;

type Script = (socket: WebSocket, event: MediaStreamInbound) => void;

/** A tiny Media Streams server: checks the signed handshake, decodes what arrives, runs the test's script. */
interface FakeServer {
  port: number;
  events: MediaStreamInbound[];
  signedUrls: string[];
  script: Script;
  close(): Promise<void>;
}

async function startServer(): Promise<FakeServer> {
  const server: FakeServer = {
    port: 0,
    events: [],
    signedUrls: [],
    script: () => undefined,
    close: async () => {},
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      // The public URL Twilio signed is ours plus the path it requested.
      const url = `wss://voice.example.com${info.req.url}`;
      const signature = info.req.headers['x-twilio-signature'];
      const check = verifyWebSocketSignature({
        authTokens: [AUTH_TOKEN],
        url,
        signature: typeof signature === 'string' ? signature : undefined,
      });
      if (check.valid) server.signedUrls.push(url);
      done(check.valid, 403);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const decoded = decodeMediaStreamMessage(data.toString());
      if (!decoded.ok) throw new Error(`the client sent what Twilio would not: ${decoded.reason}`);
      server.events.push(decoded.event);
      server.script(socket, decoded.event);
    });
  });
  server.port = (wss.address() as AddressInfo).port;
  server.close = () =>
    new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    });
  return server;
}

let server: FakeServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

/** The stream our voice webhook would answer with, read as Twilio reads it. */
function streamFromTwiml(overrides: Partial<ConnectMediaStreamOptions> = {}): ConnectMediaStreamOptions {
  const twiml = mediaConnectTwiml({
    agent: { agent_id: 'customer-support-001' },
    callSid: CALL,
    publicUrl: PUBLIC_URL,
    socketKey: mediaSocketKey('secret'),
    session: 0,
  });
  const connect = parseTwiml(twiml).find((verb): verb is ConnectVerb => verb.verb === 'connect')!;
  const sender = new WebhookSender({
    serverUrl: `http://127.0.0.1:${server.port}`,
    publicUrl: PUBLIC_URL,
    authToken: AUTH_TOKEN,
  });
  const session = mediaStreamFor(connect, { accountSid: ACCOUNT, callSid: CALL }, sender)!;
  return {
    wsUrl: session.serverUrl,
    signedUrl: session.url,
    authToken: AUTH_TOKEN,
    start: session.start,
    pace: 'fast',
    playbackRate: Infinity,
    ...overrides,
  };
}

const ofType = <T extends MediaStreamInbound['type']>(type: T) =>
  server.events.filter((event): event is Extract<MediaStreamInbound, { type: T }> => event.type === type);

describe('MediaStreamClient', () => {
  it('opens the stream from the TwiML with a signed handshake, then sends connected and start as Twilio does', async () => {
    const client = await connectMediaStream(streamFromTwiml());
    await client.say(lineAudio('caller-name'));
    await client.hangUp();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.signedUrls[0]).toMatch(
      new RegExp(`^wss://voice\\.example\\.com/twilio/media/${CALL}/0/[\\w-]{43}$`),
    );
    const [connected, start] = server.events;
    expect(connected).toEqual({ type: 'stream-connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toEqual({
      type: 'stream-start',
      streamSid: client.streamSid,
      accountSid: ACCOUNT,
      callSid: CALL,
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      customParameters: { agent_id: 'customer-support-001', call_sid: CALL },
    });
    expect(client.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    // The caller's line, in 20 ms frames numbered as Twilio numbers them, then stop.
    const frames = ofType('caller-audio');
    const audio = lineAudio('caller-name');
    expect(frames).toHaveLength(Math.ceil(audio.length / 160));
    expect(frames.map((frame) => Buffer.from(frame.payload, 'base64').length)).toEqual(frames.map(() => 160));
    expect(
      Buffer.concat(frames.map((frame) => Buffer.from(frame.payload, 'base64'))).subarray(0, audio.length),
    ).toEqual(audio);
    expect(frames[2]).toMatchObject({
      chunk: 3,
      timestampMs: 40,
      track: 'inbound',
      streamSid: client.streamSid,
    });
    expect(server.events.at(-1)).toEqual({
      type: 'stream-stop',
      streamSid: client.streamSid,
      accountSid: ACCOUNT,
      callSid: CALL,
    });
  });

  it('plays the agent audio and sends each mark back once the audio before it has played', async () => {
    const greeting = lineAudio('agent-greeting');
    server.script = (socket, event) => {
      if (event.type !== 'stream-start') return;
      for (const frame of toFrames(greeting))
        socket.send(encodeMediaMessage(event.streamSid, frame.toString('base64')));
      socket.send(encodeMarkMessage(event.streamSid, 'greeting'));
    };
    const client = await connectMediaStream(streamFromTwiml());
    const reply = await client.nextReply({ quietMs: 50 });
    expect(reply.subarray(0, greeting.length)).toEqual(greeting);
    await client.waitFor(() => client.marksPlayed.length === 1, 2_000, 'the mark echo');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ofType('mark-played')).toEqual([
      { type: 'mark-played', streamSid: client.streamSid, name: 'greeting' },
    ]);
    expect(client.playback.playedBytes).toBe(client.playback.receivedBytes);
    await client.hangUp();
  });

  it('clear drops the unplayed audio and sends every pending mark back', async () => {
    server.script = (socket, event) => {
      if (event.type !== 'stream-start') return;
      const second = Buffer.alloc(8_000, 0x7f).toString('base64'); // one second
      socket.send(encodeMediaMessage(event.streamSid, second));
      socket.send(encodeMarkMessage(event.streamSid, 'first'));
      socket.send(encodeMediaMessage(event.streamSid, second));
      socket.send(encodeMarkMessage(event.streamSid, 'second'));
    };
    const client = await connectMediaStream(streamFromTwiml({ playbackRate: 1 }));
    await client.waitFor(() => client.marksReceived.length === 2, 2_000, 'marks');
    expect(client.marksPlayed).toEqual([]);
    server.script = () => undefined;
    const sockets = await new Promise<WebSocket>((resolve) => {
      server.script = (socket) => resolve(socket);
      client.dtmf('5');
    });
    sockets.send(encodeClearMessage(client.streamSid));
    await client.waitFor(() => client.marksPlayed.length === 2, 2_000, 'cleared marks');
    expect(client.marksPlayed).toEqual(['first', 'second']);
    expect(client.clears).toBe(1);
    expect(client.playback.clearedBytes).toBeGreaterThan(8_000);
    expect(ofType('caller-dtmf')).toEqual([{ type: 'caller-dtmf', streamSid: client.streamSid, digit: '5' }]);
    await client.hangUp();
  });

  it('barges in: the next line goes out while the agent audio is still arriving', async () => {
    let streaming: NodeJS.Timeout | undefined;
    let agentFramesWhenCallerSpoke = -1;
    let agentFrames = 0;
    server.script = (socket, event) => {
      if (event.type === 'stream-start') {
        const frames = toFrames(lineAudio('agent-greeting'));
        streaming = setInterval(() => {
          const frame = frames.shift();
          if (!frame) return clearInterval(streaming);
          agentFrames += 1;
          socket.send(encodeMediaMessage(event.streamSid, frame.toString('base64')));
        }, 5);
      }
      if (event.type === 'caller-audio' && agentFramesWhenCallerSpoke < 0)
        agentFramesWhenCallerSpoke = agentFrames;
    };
    const client = await connectMediaStream(streamFromTwiml({ playbackRate: 1 }));
    await client.waitForAgentAudio(100);
    await client.say(lineAudio('caller-laptop'));
    clearInterval(streaming);
    expect(agentFramesWhenCallerSpoke).toBeGreaterThan(0);
    expect(agentFramesWhenCallerSpoke).toBeLessThan(toFrames(lineAudio('agent-greeting')).length);
    await client.hangUp();
  });

  it('in real time it streams silence between lines, as Twilio does', async () => {
    const client = await connectMediaStream(streamFromTwiml({ pace: 'realtime' }));
    await client.say(Buffer.alloc(320, 0x10), { trailingSilenceMs: 40 });
    await client.waitFor(() => client.framesSent >= 6, 2_000, 'silence frames');
    await client.hangUp();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const payloads = ofType('caller-audio').map((frame) => Buffer.from(frame.payload, 'base64'));
    expect(payloads[0]).toEqual(Buffer.alloc(160, 0x10));
    expect(payloads.slice(2).every((frame) => frame.equals(Buffer.alloc(160, 0xff)))).toBe(true);
    expect(payloads.length).toBeGreaterThanOrEqual(6);
  });

  it('records what Twilio would refuse, and ignores messages it does not know', async () => {
    server.script = (socket, event) => {
      if (event.type !== 'stream-start') return;
      socket.send(
        JSON.stringify({ event: 'media', streamSid: event.streamSid, media: { payload: 'no+Jho...' } }),
      );
      socket.send(encodeMarkMessage('MZ00000000000000000000000000000000', 'other-stream'));
      socket.send(JSON.stringify({ event: 'newfeature', streamSid: event.streamSid }));
      socket.send(encodeMarkMessage(event.streamSid, 'last'));
    };
    const client = await connectMediaStream(streamFromTwiml());
    await client.waitFor(() => client.marksReceived.includes('last'), 2_000, 'the last mark');
    expect(client.invalidMessages.map((invalid) => invalid.reason)).toEqual([
      'media.payload: not base64',
      'streamSid: not this stream',
    ]);
    expect(client.marksReceived).toEqual(['last']);
    await client.hangUp();
  });

  it('a handshake without a valid signature is refused', async () => {
    const refused = await connectMediaStream(streamFromTwiml({ signature: 'wrong' })).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MediaStreamHandshakeError);
    expect((refused as MediaStreamHandshakeError).statusCode).toBe(403);
  });
});
