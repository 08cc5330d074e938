// One socket per call, signed for that call (issue 12, item 3): the <ConversationRelay url> names the
// call and carries our token, Twilio's handshake signature covers that whole URL, `setup` must name the
// same call and our account on a relay call, a second socket of the same session is refused while a
// reconnect through the action URL takes over, and a socket that never sends `setup` is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import {
  connectRelay,
  RelayHandshakeError,
  type ConnectRelayOptions,
} from '../../src/simulator/relay-client.js';
import {
  AUTH_TOKEN,
  connectOptions,
  PUBLIC_URL,
  startRelayHarness,
  type RelayHarness,
} from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

const policy = new StreamingTestPolicy((callerText) => ({ text: `About ${callerText}.` }));
const SETUP_MS = 200;
const logs: Record<string, unknown>[] = [];

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({
    streaming: policy,
    relay: { timing: { setupMs: SETUP_MS } },
    logLevel: 'debug',
    onLog: (record) => logs.push(record),
  });
  await h.createAgent('stream-secure');
  await h.createAgent('stream-gather', { transport: 'gather' });
});
afterAll(() => h.close());

/** The handshake's HTTP status: 101 when the socket opened (it is closed again at once). */
const handshake = (options: ConnectRelayOptions) =>
  connectRelay(options).then(
    async (client) => {
      await client.drop();
      return 101;
    },
    (error: unknown) => (error instanceof RelayHandshakeError ? error.statusCode : -1),
  );

const warnings = (message: string) => logs.filter((record) => record.level === 40 && record.msg === message);
/** The warning a refused socket leaves, naming the call of its URL and the reason. */
const refused = (callSid: string, reason: string) =>
  warnings('relay socket refused').some((record) => record.call_sid === callSid && record.reason === reason);

describe('the relay handshake is signed for one call', () => {
  it("refuses a signature made for another call's URL, and a valid signature over the bare URL", async () => {
    const a = await h.startCall('stream-secure');
    const b = await h.startCall('stream-secure');
    // Twilio's header captured for call B does not open call A's URL.
    expect(await handshake({ ...a.connect, signedUrl: b.connect.signedUrl })).toBe(403);
    // The fixed URL of old, correctly signed with the auth token: no call in it, refused.
    const bare = {
      wsUrl: `${h.serverUrl.replace(/^http/, 'ws')}/twilio/relay`,
      signedUrl: `${PUBLIC_URL.replace(/^https/, 'wss')}/twilio/relay`,
    };
    expect(await handshake({ ...a.connect, ...bare })).toBe(403);
    // Call A's URL with call B's token, signed by someone who holds the auth token but not our key.
    const mixed = new URL(a.connect.wsUrl);
    mixed.searchParams.set('t', new URL(b.connect.wsUrl).searchParams.get('t')!);
    const mixedSigned = new URL(a.connect.signedUrl!);
    mixedSigned.search = mixed.search;
    expect(
      await handshake({ ...a.connect, wsUrl: mixed.toString(), signedUrl: mixedSigned.toString() }),
    ).toBe(403);
    expect(h.sessions.size).toBe(0);
    // The URL from the TwiML, signed as Twilio signs it, opens.
    expect(await handshake(a.connect)).toBe(101);
  });
});

describe('setup must match the socket URL', () => {
  it('closes a socket whose setup names another call, and never lets it take over that call', async () => {
    const a = await h.startCall('stream-secure');
    const b = await h.startCall('stream-secure');
    const owner = await connectRelay(a.connect);
    expect((await owner.prompt('mine')).text).toBe('About mine.');
    // A valid socket for call B that claims call A in its setup.
    const intruder = await connectRelay({ ...b.connect, setup: { ...b.connect.setup, callSid: a.callSid } });
    expect((await intruder.closed).code).toBe(1008);
    expect(intruder.endMessage).toBeUndefined();
    expect((await owner.prompt('still mine')).text).toBe('About still mine.');
    await owner.close();
    expect(refused(b.callSid, 'setup names another call than the socket URL')).toBe(true);
  });

  it('closes a socket whose setup names another Twilio account', async () => {
    const { connect, callSid } = await h.startCall('stream-secure');
    const other = await connectRelay({
      ...connect,
      setup: { ...connect.setup, accountSid: `AC${'9'.repeat(32)}` },
    });
    expect((await other.closed).code).toBe(1008);
    expect(other.endMessage).toBeUndefined();
    expect(await h.container.callStore.listTurns(callSid)).toHaveLength(1); // the greeting only
  });

  it('closes a socket for a call answered with <Gather>, even one signed with our key', async () => {
    const gather = await h.placeCall('stream-gather');
    expect(gather.relay).toBeUndefined();
    const client = await connectRelay(h.socketFor(gather.callSid));
    expect((await client.closed).code).toBe(1008);
    expect(refused(gather.callSid, 'setup for a call that is not on the relay transport')).toBe(true);
  });
});

describe('one socket per call session', () => {
  it('refuses a replayed socket of the open session, lets the reconnect take over (logged at warn), and refuses the stale URL after it', async () => {
    const { connect, call, callSid } = await h.startCall('stream-secure');
    const first = await connectRelay(connect);
    await first.prompt('one');
    const replay = await connectRelay(connect);
    expect((await replay.closed).code).toBe(1008);
    expect(refused(callSid, 'a socket of this session of the call is already open')).toBe(true);

    await call.endRelay({ sessionStatus: 'failed', errorCode: 64105 });
    const second = await connectRelay(connectOptions(call.relay!));
    expect((await first.closed).code).toBe(1000);
    expect(
      warnings('relay socket of a later session took over the call').some((r) => r.call_sid === callSid),
    ).toBe(true);
    expect((await second.prompt('two')).text).toBe('About two.');
    await second.close();

    // With no socket open at all, the first session's URL stays stale.
    const stale = await connectRelay(connect);
    expect((await stale.closed).code).toBe(1008);
    expect(refused(callSid, 'socket URL of an earlier session of the call')).toBe(true);
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns.map((t) => t.caller_text)).toEqual([undefined, 'one', 'two']);
    // The token in the socket URL never reaches the logs.
    const token = new URL(call.relay!.url).searchParams.get('t')!;
    expect(JSON.stringify(logs)).not.toContain(token);
  });

  it('closes a socket that sends no setup', async () => {
    const { connect, callSid } = await h.startCall('stream-secure');
    const socket = new WebSocket(connect.wsUrl, {
      headers: { 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, connect.signedUrl!, {}) },
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      socket.once('close', (closeCode, closeReason) => resolve([closeCode, closeReason.toString()])),
    );
    expect([code, reason]).toEqual([1008, 'no setup']);
    expect(
      warnings('relay socket sent no setup in time; closing').filter((r) => r.call_sid === callSid),
    ).toHaveLength(1);
    await expect.poll(() => h.sessions.size).toBe(0);
  });
});
