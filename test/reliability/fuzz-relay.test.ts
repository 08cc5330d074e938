// B11–B13 (reliability.md §5.4), property-based: generated frames over a real ConversationRelay
// WebSocket to a live server: junk, wrong types, huge frames, binary frames, Unicode of every kind,
// prompts before setup, setups for unknown calls. Properties: the server never sends a message
// Twilio would drop (64107); a socket is either still serving the call (a valid prompt after the
// junk gets a complete reply) or closed with a policy code (1008 abuse, 1009 too big, 1000 ended);
// the process stays healthy throughout.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { relayOutboundSchema } from '../../src/adapters/twilio/relay-codec.js';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import {
  connectRelay,
  type ConnectRelayOptions,
  type RelayClient,
} from '../../src/simulator/relay-client.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { CaseCounter, hostileText, runs } from './support/fuzz-support.js';

const counter = new CaseCounter('fuzz-relay');
let frameCount = 0;
let server: LiveServer;
const connections: ConnectRelayOptions[] = [];

beforeAll(async () => {
  server = await startLiveServer();
  for (let n = 0; n < 4; n += 1) {
    const call = await server.simulator.startCall({
      direction: 'outbound',
      from: '+14155550100',
      to: `+1415555${6000 + n}`,
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=default&transport=relay`,
      statusEvents: [],
    });
    const relay = call.relay!;
    connections.push({
      wsUrl: relay.serverUrl,
      signedUrl: relay.url,
      authToken: server.container.secrets.twilioAuthToken,
      setup: relay.setup,
      replyTimeoutMs: 5_000,
    });
  }
});
afterAll(async () => {
  counter.print();
  console.info(`[fuzz] fuzz-relay: ${frameCount} generated frames over those sockets`);
  await server?.close();
});

const anyValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const TYPES = [
  'setup',
  'prompt',
  'dtmf',
  'interrupt',
  'info',
  'error',
  'text',
  'end',
  '__proto__',
  'constructor',
];

/** One frame a hostile or broken sender could produce. */
const frame: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(
    'not json',
    '{',
    '[]',
    'null',
    '1',
    '""',
    '{"type":null}',
    '{"__proto__":{"type":"prompt"}}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc
    .record(
      {
        type: fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 8 })),
        voicePrompt: anyValue,
        last: anyValue,
        digit: anyValue,
        lang: anyValue,
      },
      { requiredKeys: ['type'] },
    )
    .map((message) => JSON.stringify(message)),
  hostileText(120).map((text) =>
    JSON.stringify({ type: 'prompt', voicePrompt: text, lang: 'en-US', last: true }),
  ),
  fc.stringMatching(/^[0-9*#A-D]{0,3}$/).map((digit) => JSON.stringify({ type: 'dtmf', digit })),
  hostileText(40).map((heard) =>
    JSON.stringify({ type: 'interrupt', utteranceUntilInterrupt: heard, durationUntilInterruptMs: 'x' }),
  ),
  fc
    .constantFrom(20_000, 70_000)
    .map((size) => JSON.stringify({ type: 'prompt', voicePrompt: 'x'.repeat(size), last: true })),
);

type SetupMode = 'first' | 'after-junk' | 'none' | 'unknown-call';

async function openRaw(options: ConnectRelayOptions, setup: SetupMode): Promise<RelayClient> {
  const callSid = setup === 'unknown-call' ? `CA${'e'.repeat(32)}` : options.setup.callSid;
  return connectRelay({
    ...options,
    setup: {
      ...options.setup,
      callSid,
      customParameters: setup === 'unknown-call' ? {} : options.setup.customParameters,
    },
  });
}

interface RawResult {
  served: boolean;
  closeCode?: number;
  invalid: string[];
  textBeforeSetup: number;
}

/** A socket driven by hand: frames before any setup, then (optionally) setup and one valid prompt. */
async function rawSession(
  options: ConnectRelayOptions,
  frames: (string | Buffer)[],
  setupAfter: boolean,
): Promise<RawResult> {
  const socket = new WebSocket(options.wsUrl, {
    headers: { 'X-Twilio-Signature': signTwilioRequest(options.authToken, options.signedUrl!, {}) },
  });
  socket.on('error', () => undefined);
  const result: RawResult = { served: false, invalid: [], textBeforeSetup: 0 };
  let setupSent = false;
  let lastText: () => void = () => undefined;
  const closed = new Promise<void>((resolve) =>
    socket.on('close', (code) => {
      result.closeCode = code;
      resolve();
    }),
  );
  socket.on('message', (data) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      result.invalid.push(String(data).slice(0, 80));
      return;
    }
    const parsed = relayOutboundSchema.safeParse(message);
    if (!parsed.success) result.invalid.push(JSON.stringify(message).slice(0, 80));
    else if (parsed.data.type === 'text') {
      if (!setupSent) result.textBeforeSetup += 1;
      if (parsed.data.last) lastText();
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', () => reject(new Error('handshake refused')));
  });
  for (const message of frames) if (socket.readyState === socket.OPEN) socket.send(message);
  if (setupAfter && socket.readyState === socket.OPEN) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    setupSent = true;
    const { callSid, customParameters } = options.setup;
    socket.send(
      JSON.stringify({
        type: 'setup',
        sessionId: 'VXfuzz',
        accountSid: 'AC1',
        callSid,
        from: '',
        to: '',
        direction: 'outbound-api',
        customParameters,
      }),
    );
    const replied = new Promise<boolean>((resolve) => {
      lastText = () => resolve(true);
      setTimeout(() => resolve(false), 5_000);
      void closed.then(() => resolve(false));
    });
    if (socket.readyState === socket.OPEN) {
      socket.send(
        JSON.stringify({
          type: 'prompt',
          voicePrompt: 'line after the junk question',
          lang: 'en-US',
          last: true,
        }),
      );
    }
    result.served = await replied;
  } else {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  socket.close();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  return result;
}

describe('the relay socket with generated frames', () => {
  it(
    'never answers with an invalid message, never crashes, and keeps serving or closes with a policy code',
    { timeout: 150_000 },
    async () => {
      const closeCodes = new Map<number, number>();
      let served = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: connections.length - 1 }),
          fc.constantFrom<SetupMode>('first', 'first', 'after-junk', 'none', 'unknown-call'),
          fc.array(frame, { minLength: 1, maxLength: 6 }),
          async (index, mode, frames) => {
            frameCount += frames.length;
            counter.add('sockets');
            const options = connections[index]!;
            if (mode === 'after-junk' || mode === 'none') {
              const result = await rawSession(options, frames, mode === 'after-junk');
              expect(result.invalid).toEqual([]);
              if (result.served) served += 1;
              else closeCodes.set(result.closeCode ?? 0, (closeCodes.get(result.closeCode ?? 0) ?? 0) + 1);
              // Junk before setup never starts a turn: nothing is said until the setup arrives.
              expect(result.textBeforeSetup).toBe(0);
              return;
            }
            const client = await openRaw(options, mode);
            for (const message of frames) client.send(message);
            let outcome: 'served' | 'closed' = 'closed';
            if (mode === 'first') {
              try {
                const reply = await client.prompt('line after the junk question');
                if (!reply.endedBySession) {
                  expect(reply.text.length).toBeGreaterThan(0);
                  outcome = 'served';
                }
              } catch {
                // The socket was closed for abuse, or the call ended (a generated "bye"): checked below.
              }
            } else {
              await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 200))]);
            }
            const info = await Promise.race([
              client.close(),
              new Promise<undefined>((resolve) => setTimeout(resolve, 2_000)),
            ]);
            if (outcome === 'served') served += 1;
            else if (info) closeCodes.set(info.code, (closeCodes.get(info.code) ?? 0) + 1);
            expect(client.invalidMessages).toEqual([]);
            if (outcome === 'closed' && info) expect([1000, 1005, 1008, 1009]).toContain(info.code);
            if (mode === 'unknown-call') {
              // A socket for a call the server does not know never gets a word of any agent's answer.
              const texts = client.messages.filter(
                (m) => m.direction === 'received' && (m.message as { type?: string }).type === 'text',
              );
              expect(texts).toEqual([]);
            }
          },
        ),
        runs(450),
      );
      console.info(
        `[fuzz] relay sockets: ${served} still served the call after the junk; closes ${JSON.stringify([...closeCodes])}`,
      );
      expect(served).toBeGreaterThan(0);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
    },
  );

  it(
    'an unsigned or wrongly signed handshake is refused before the upgrade',
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.base64String({ maxLength: 40 }), { nil: null }),
          fc.boolean(),
          async (signature, otherToken) => {
            counter.add('handshakes');
            const options = connections[0]!;
            const forged = otherToken ? signTwilioRequest('other-token', options.signedUrl!, {}) : signature;
            const refused = await connectRelay({ ...options, signature: forged }).then(
              async (client) => {
                await client.close();
                return 0;
              },
              (error: { statusCode?: number }) => error.statusCode ?? -1,
            );
            expect([400, 403]).toContain(refused);
          },
        ),
        runs(200),
      );
    },
  );

  it("generated its share of the 10,000 cases; the run's last fuzz file checks the sum", () => {
    counter.expectShare(650);
  });
});
