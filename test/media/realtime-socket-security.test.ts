// Who may open a Media Stream: only Twilio, for the call the URL was signed for. A socket URL without
// our token, with another call's token, of another stream, or whose handshake is signed with another
// token is refused before the upgrade (403); a `start` naming another call or another account than
// the URL and our account is refused with a policy close, before any model session is opened.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectMediaStream,
  MediaStreamHandshakeError,
  type ConnectMediaStreamOptions,
} from '../../src/simulator/media-stream-client.js';
import type { MediaStreamSession } from '../../src/simulator/media-stream-session.js';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import {
  AUTH_TOKEN,
  CALLER,
  OUR_NUMBER,
  agentLine,
  createAgent,
  realtimeAgent,
  startMediaHarness,
  type MediaHarness,
} from './media-harness.js';

let harness: MediaHarness;
let callA: SimulatedCall;
let callB: SimulatedCall;
beforeAll(async () => {
  harness = await startMediaHarness(() => ({ greeting: agentLine('agent-greeting') }));
  await createAgent(harness.server, realtimeAgent('realtime-secure'));
  const place = () =>
    harness.server.simulator.callAgent({
      agentId: 'realtime-secure',
      caller: CALLER,
      ourNumber: OUR_NUMBER,
      transport: 'realtime',
    });
  callA = await place();
  callB = await place();
});
afterAll(async () => {
  await harness.close();
});

const streamOf = (call: SimulatedCall): MediaStreamSession => call.stream!;

/** Twilio opening `path` on our server (signed over the public URL with that path, as Twilio signs it). */
function open(
  stream: MediaStreamSession,
  overrides: {
    path?: string;
    start?: Partial<ConnectMediaStreamOptions['start']>;
    signature?: string | null;
  } = {},
): ReturnType<typeof connectMediaStream> {
  const swap = (url: string) =>
    overrides.path ? `${new URL(url).origin.replace(/^http/, 'ws')}${overrides.path}` : url;
  const publicUrl = overrides.path
    ? `${new URL(stream.url).origin}${overrides.path}`.replace(/^https/, 'wss')
    : stream.url;
  return connectMediaStream({
    wsUrl: swap(stream.serverUrl),
    signedUrl: publicUrl,
    authToken: AUTH_TOKEN,
    start: { ...stream.start, ...overrides.start },
    pace: 'fast',
    playbackRate: Infinity,
    ...(overrides.signature !== undefined ? { signature: overrides.signature } : {}),
  });
}

const pathOf = (stream: MediaStreamSession) => new URL(stream.url).pathname;

async function refusedStatus(opening: Promise<unknown>): Promise<number> {
  const error = await opening.then(
    () => new Error('the handshake was accepted'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(MediaStreamHandshakeError);
  return (error as MediaStreamHandshakeError).statusCode;
}

it('refuses socket URLs not signed for the call before the upgrade', async () => {
  const a = streamOf(callA);
  const b = streamOf(callB);
  const [, , , callSidA, sessionA, tokenA] = pathOf(a).split('/');
  const tokenB = pathOf(b).split('/')[5]!;
  expect(callSidA).toBe(callA.callSid);
  const connectionsBefore = harness.fake.connections.length;
  // No token of ours.
  expect(
    await refusedStatus(open(a, { path: `/twilio/media/${callSidA}/${sessionA}/${'A'.repeat(43)}` })),
  ).toBe(403);
  // Another call's token under this call, and this call's token under another call.
  expect(await refusedStatus(open(a, { path: `/twilio/media/${callSidA}/${sessionA}/${tokenB}` }))).toBe(403);
  expect(await refusedStatus(open(a, { path: `/twilio/media/${callB.callSid}/${sessionA}/${tokenA}` }))).toBe(
    403,
  );
  // The token of stream 0 for stream 1.
  expect(await refusedStatus(open(a, { path: `/twilio/media/${callSidA}/1/${tokenA}` }))).toBe(403);
  // The right URL, signed by someone who does not hold our Twilio auth token.
  expect(
    await refusedStatus(open(a, { signature: signTwilioRequest('not-our-auth-token', a.url, {}) })),
  ).toBe(403);
  expect(harness.fake.connections.length).toBe(connectionsBefore);
});

it.each([
  ['another call', { callSid: `CA${'9'.repeat(32)}` }],
  ['our other call', 'B' as const],
  ['another account', { accountSid: `AC${'9'.repeat(32)}` }],
])('refuses a start naming %s with a policy close, before opening the model', async (_what, start) => {
  const connectionsBefore = harness.fake.connections.length;
  const client = await open(streamOf(callA), { start: start === 'B' ? { callSid: callB.callSid } : start });
  const closed = await client.closed;
  expect(closed.code).toBe(1008);
  expect(client.agentAudio).toEqual([]);
  expect(harness.fake.connections.length).toBe(connectionsBefore);
});

it('the stream as Twilio opens it is accepted (the refusals above are not the harness failing)', async () => {
  // Through the same path rewriting as the refused URLs, so those were refused for their token.
  const client = await open(streamOf(callA), { path: pathOf(streamOf(callA)) });
  const greeting = await client.nextReply({ quietMs: 100 });
  expect(greeting.length).toBeGreaterThan(0);
  await client.hangUp();
});
