// ConversationRelay messages as Twilio documents them (issue 12, item 11), over a real socket: the
// interrupt's duration as a number or as a numeric string, and a setup carrying only the fields the
// session uses, or Twilio's earlier example with null fields. None of them may leave the caller in silence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import { connectRelay, type ConnectRelayOptions } from '../../src/simulator/relay-client.js';
import { ACCOUNT_SID, AUTH_TOKEN, startRelayHarness, type RelayHarness } from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

const policy = new StreamingTestPolicy((callerText) => ({ text: `You said ${callerText} Anything else?` }));

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({ streaming: policy });
  await h.createAgent('stream-messages');
});
afterAll(() => h.close());

/** Opens the call's socket as Twilio does and sends `setup` exactly as given. */
async function openWithSetup(connect: ConnectRelayOptions, setup: Record<string, unknown>) {
  const socket = new WebSocket(connect.wsUrl, {
    headers: { 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, connect.signedUrl!, {}) },
  });
  const received: { type: string; token?: string; last?: boolean }[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as (typeof received)[number]));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify(setup));
  const reply = async (prompt: string) => {
    const from = received.length;
    socket.send(JSON.stringify({ type: 'prompt', voicePrompt: prompt, lang: 'en-US', last: true }));
    await expect.poll(() => received.slice(from).some((m) => m.type === 'text' && m.last)).toBe(true);
    return received
      .slice(from)
      .map((m) => m.token ?? '')
      .join('');
  };
  return { socket, reply };
}

describe('interrupt', () => {
  it.each([
    ['a number', 460],
    ['a numeric string, as on Twilio’s page', '460'],
  ])('with durationUntilInterruptMs as %s marks the turn interrupted', async (_name, duration) => {
    const { connect, callSid } = await h.startCall('stream-messages');
    const client = await connectRelay(connect);
    await client.prompt('Hello.');
    client.send({
      type: 'interrupt',
      utteranceUntilInterrupt: 'You said Hello.',
      durationUntilInterruptMs: duration,
    });
    await expect.poll(async () => (await h.container.callStore.getTurn(callSid, 1))?.interrupted).toBe(true);
    expect((await h.container.callStore.getTurn(callSid, 1))?.agent_text).toBe('You said Hello.');
    await client.close();
  });
});

describe('setup', () => {
  it('with only the fields the session uses starts the session', async () => {
    const { connect, callSid } = await h.startCall('stream-messages');
    const { socket, reply } = await openWithSetup(connect, {
      type: 'setup',
      callSid,
      accountSid: ACCOUNT_SID,
    });
    expect(await reply('Hello.')).toBe('You said Hello. Anything else?');
    socket.close();
  });

  it("as in Twilio's earlier example, with null fields and an applicationSid, starts the session", async () => {
    const { connect, callSid } = await h.startCall('stream-messages');
    const { socket, reply } = await openWithSetup(connect, {
      type: 'setup',
      sessionId: 'VX8f1ae211b0404ab3905b4aa470bb9a36',
      callSid,
      parentCallSid: null,
      from: '+14085551212',
      to: '+18881234567',
      forwardedFrom: null,
      callerName: null,
      direction: 'inbound',
      callType: 'PSTN',
      callStatus: 'IN-PROGRESS',
      accountSid: ACCOUNT_SID,
      applicationSid: 'AP3c07638b2397e5e3f1e459fb1cc10000',
    });
    expect(await reply('My number is four one five.')).toBe(
      'You said My number is four one five. Anything else?',
    );
    socket.close();
  });
});
