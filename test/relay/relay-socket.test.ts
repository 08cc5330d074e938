// The relay socket's defences and edge cases (reliability.md B11–B13, F14/F15): the signed handshake,
// junk and floods, setup rules, one session per call, a socket lost mid-reply, graceful shutdown.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import { connectRelay, RelayHandshakeError, type RelayClient } from '../../src/simulator/relay-client.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  connectOptions,
  startRelayHarness,
  type RelayHarness,
} from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

const policy = new StreamingTestPolicy(
  (callerText) => ({ text: `About ${callerText}. One two three four five six seven eight nine ten. Done.` }),
  20,
);

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({ streaming: policy, relay: { limits: { maxMessagesPerSecond: 50 } } });
  await h.createAgent('stream-socket');
});
afterAll(() => h.close());

const texts = (client: RelayClient) =>
  client.messages.filter(
    (m) => m.direction === 'received' && (m.message as { type: string }).type === 'text',
  );

describe('the relay handshake', () => {
  it('refuses a bad, missing or misdirected signature before upgrading, and creates no session', async () => {
    const { connect, callSid } = await h.startCall('stream-socket');
    const attempt = (overrides: Partial<typeof connect>) =>
      connectRelay({ ...connect, ...overrides }).then(
        () => 0,
        (error: unknown) => (error instanceof RelayHandshakeError ? error.statusCode : -1),
      );
    expect(await attempt({ signature: 'bm90IGEgc2lnbmF0dXJl' })).toBe(403);
    expect(await attempt({ signature: null })).toBe(403);
    // Signed over the https:// form of the URL, or with another token: not what Twilio signs.
    expect(await attempt({ signedUrl: connect.signedUrl!.replace(/^wss/, 'https') })).toBe(403);
    expect(await attempt({ authToken: 'another-token' })).toBe(403);
    expect(h.sessions.size).toBe(0);
    expect(await h.container.callStore.listTurns(callSid)).toHaveLength(1); // the greeting only
  });
});

describe('the relay session', () => {
  it('ignores junk frames with a warning and keeps serving the call', async () => {
    const { connect } = await h.startCall('stream-socket');
    const client = await connectRelay(connect);
    client.send('not json');
    client.send({ type: 'no-such-type' });
    client.send({ type: 'prompt' }); // no voicePrompt
    client.send({ type: 'dtmf', digit: 'pressed twelve' });
    client.send(JSON.stringify({ type: 'prompt', voicePrompt: 'x'.repeat(20_000), last: true })); // > 16 KB
    client.send({ type: 'prompt', voicePrompt: 'partial words', last: false }); // a partial: not a turn
    client.send({ type: 'setup', callSid: 'CA0', sessionId: 'VX0' }); // a second setup
    const reply = await client.prompt('the weather');
    expect(reply.text).toMatch(/^About the weather\./);
    expect(texts(client).length).toBe(reply.tokens.length + 1);
    await client.close();
  });

  it('closes the socket (1008) on a flood of messages', async () => {
    const { connect } = await h.startCall('stream-socket');
    const client = await connectRelay(connect);
    for (let i = 0; i < 60; i += 1) client.send({ type: 'info', name: 'agentSpeaking', value: 'off' });
    expect((await client.closed).code).toBe(1008);
  });

  it('closes the socket (1008) after too many undecodable messages', async () => {
    const { connect } = await h.startCall('stream-socket');
    const client = await connectRelay(connect);
    for (let i = 0; i < 21; i += 1) client.send('{');
    expect((await client.closed).code).toBe(1008);
  });

  it('rejects frames over the 64 KB maxPayload outright', async () => {
    const { connect } = await h.startCall('stream-socket');
    const client = await connectRelay(connect);
    client.send('x'.repeat(70 * 1_024));
    expect((await client.closed).code).toBe(1009);
  });

  it('ignores prompts before setup, even once setup arrives', async () => {
    const { connect } = await h.startCall('stream-socket');
    const socket = new WebSocket(connect.wsUrl, {
      headers: { 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, connect.signedUrl!, {}) },
    });
    const received: { type: string }[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as { type: string }));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'prompt', voicePrompt: 'too early', last: true }));
    const setup = {
      type: 'setup',
      sessionId: 'VX1',
      accountSid: ACCOUNT_SID,
      direction: 'outbound-api',
      from: '',
      to: '',
    };
    socket.send(JSON.stringify({ ...setup, callSid: connect.setup.callSid }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([]);
    socket.send(JSON.stringify({ type: 'prompt', voicePrompt: 'in time', last: true }));
    await expect.poll(() => received.length).toBeGreaterThan(0);
    socket.close();
  });

  it('ends the session for an unknown call or a finished call', async () => {
    const { connect, callSid } = await h.startCall('stream-socket');
    const unknown = await connectRelay(h.socketFor(`CA${'e'.repeat(32)}`));
    expect(await unknown.waitForEnd()).toEqual({ handoffData: '{"reason":"end"}' });
    await h.engine.operations.endCall(callSid, 'user');
    const finished = await connectRelay(connect);
    expect(await finished.waitForEnd()).toEqual({ handoffData: '{"reason":"end"}' });
    expect(await h.container.callStore.listTurns(callSid)).toHaveLength(1);
  });

  it('keeps one session per call: a replayed socket is refused, a reconnect takes over', async () => {
    const { connect, call } = await h.startCall('stream-socket');
    const first = await connectRelay(connect);
    await first.prompt('first');
    // The same signed URL again, while the call's socket is open: a replay, refused.
    const replayed = await connectRelay(connect);
    expect((await replayed.closed).code).toBe(1008);
    expect((await first.prompt('still here')).text).toMatch(/^About still here\./);
    // Twilio lost the socket and asked the action URL, which signed a URL for the next session.
    await call.endRelay({ sessionStatus: 'failed', errorCode: 64105 });
    const second = await connectRelay(connectOptions(call.relay!));
    expect((await first.closed).code).toBe(1000);
    const reply = await second.prompt('second');
    expect(reply.text).toMatch(/^About second\./);
    await second.close();
  });

  it('a new prompt while the agent is still answering cuts that answer to what was sent', async () => {
    const before = policy.calls.length;
    const { connect, callSid } = await h.startCall('stream-socket');
    const client = await connectRelay(connect);
    client.send({ type: 'prompt', voicePrompt: 'first', last: true });
    await expect.poll(() => texts(client).length).toBeGreaterThan(0);
    // Words of the first answer may still be on the wire when the second prompt arrives: the client
    // counts them into its reply, so the wire is read as a whole below.
    const reply = await client.prompt('second');
    expect(reply.text).toMatch(/About second\. One two three four five six seven eight nine ten\. Done\.$/);
    await client.close();
    expect(policy.calls[before]?.signal.aborted).toBe(true);
    // In order on the wire: the first answer's tokens, then the second answer's.
    const wire = texts(client)
      .map((m) => (m.message as { token: string }).token)
      .join('');
    const turns = await h.container.callStore.listTurns(callSid);
    const secondAnswer = turns[2]?.agent_text ?? '';
    expect(wire.endsWith(secondAnswer)).toBe(true);
    const firstAnswer = wire.slice(0, wire.length - secondAnswer.length);
    expect(firstAnswer).toMatch(/^About /);
    expect(firstAnswer.length).toBeLessThan(
      'About first. One two three four five six seven eight nine ten. Done.'.length,
    );
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(turns[1]).toMatchObject({ agent_text: firstAnswer, interrupted: true });
    expect(secondAnswer).toBe('About second. One two three four five six seven eight nine ten. Done.');
  });

  it('a socket lost mid-reply: the partial turn is stored and the reconnected session takes the next number', async () => {
    const before = policy.calls.length;
    const { connect, callSid, call } = await h.startCall('stream-socket');
    const first = await connectRelay(connect);
    first.send({ type: 'prompt', voicePrompt: 'the first question', last: true });
    await expect.poll(() => texts(first).length).toBeGreaterThan(0);
    await first.drop();
    await expect.poll(() => policy.calls[before]?.signal.aborted).toBe(true);
    // Twilio asks the action URL and reconnects at once, maybe before the lost turn is written.
    await call.endRelay({ sessionStatus: 'failed', errorCode: 64105 });
    expect(call.relay?.attributes.welcomeGreeting).toBeUndefined();
    const second = await connectRelay(connectOptions(call.relay!));
    const reply = await second.prompt('the second question');
    expect(reply.text).toMatch(/^About the second question\./);
    await second.close();
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'the first question'],
      [2, 'the second question'],
    ]);
    expect(policy.calls[before]?.finished).toBe(false);
  });
});

describe('turn numbering across sessions', () => {
  it('skips a turn number an earlier session stored late, so no input is lost', async () => {
    const { connect, callSid } = await h.startCall('stream-socket');
    const at = new Date().toISOString();
    // Written by a lost session after this one loaded the call (turn_count still says 1).
    await h.container.callStore.putTurn({
      call_sid: callSid,
      seq: 1,
      kind: 'speech',
      caller_text: 'written late',
      agent_text: 'a late answer',
      received_at: at,
      replied_at: at,
      latency_ms: 0,
    });
    const client = await connectRelay(connect);
    const reply = await client.prompt('a new question');
    expect(reply.text).toMatch(/^About a new question\./);
    await client.close();
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'written late'],
      [2, 'a new question'],
    ]);
  });
});

// Last: closeAll leaves the harness draining.
describe('graceful shutdown', () => {
  it('lets the running turn finish, then ends every session with server-restart and refuses new sockets', async () => {
    const { connect } = await h.startCall('stream-socket');
    const busy = await connectRelay(connect);
    const idleCall = await h.startCall('stream-socket');
    const idle = await connectRelay(idleCall.connect);
    await idle.prompt('warm up');
    const replying = busy.prompt('a last question');
    await expect.poll(() => texts(busy).length).toBeGreaterThan(0);
    await h.sessions.closeAll({ graceMs: 5_000 });
    const reply = await replying;
    expect(reply.text).toMatch(/^About a last question\. .* Done\.$/); // the in-flight turn finished
    expect(busy.endMessage).toEqual({ handoffData: '{"reason":"server-restart"}' });
    expect(idle.endMessage).toEqual({ handoffData: '{"reason":"server-restart"}' });
    const refused = await connectRelay(connect).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RelayHandshakeError);
    expect((refused as RelayHandshakeError).statusCode).toBe(503);
  });
});
