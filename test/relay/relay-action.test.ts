// POST /twilio/relay-action: what Twilio does with a call once its relay session is over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/twiml-parser.js';
import { MAX_RELAY_RECONNECTS } from '../../src/transports/relay/relay-action.js';
import { ACCOUNT_SID, PUBLIC_URL, startRelayHarness, type RelayHarness } from './relay-harness.js';

let h: RelayHarness;
const ACTION_URL = `${PUBLIC_URL}/twilio/relay-action`;

beforeAll(async () => {
  h = await startRelayHarness();
  await h.createAgent('action-agent', {
    transfer_targets: [{ id: 'desk', target: 'sip:desk@example.com', description: 'The front desk' }],
  });
});
afterAll(() => h.close());

const action = (callSid: string, extra: Record<string, string> = {}) =>
  h.simulator.post(ACTION_URL, { AccountSid: ACCOUNT_SID, CallSid: callSid, SessionId: 'VX1', ...extra });

describe('the relay action URL', () => {
  it('is signature-checked and needs a CallSid', async () => {
    const forged = await h.simulator.post(
      ACTION_URL,
      { AccountSid: ACCOUNT_SID, CallSid: `CA${'0'.repeat(32)}` },
      {
        signature: 'Zm9yZ2Vk',
      },
    );
    expect(forged.status).toBe(403);
    const missing = await h.simulator.post(ACTION_URL, { AccountSid: ACCOUNT_SID });
    expect(missing.status).toBe(400);
    expect(parseTwiml(missing.body)).toEqual([{ verb: 'hangup' }]);
  });

  it('hangs up on an unknown call', async () => {
    const response = await action(`CA${'a'.repeat(32)}`, { SessionStatus: 'failed', ErrorCode: '64105' });
    expect(response.status).toBe(200);
    expect(parseTwiml(response.body)).toEqual([{ verb: 'hangup' }]);
  });

  it('reconnects a live call after server-restart or a lost socket, without the greeting', async () => {
    const { callSid } = await h.startCall('action-agent');
    const endings: Record<string, string>[] = [
      { HandoffData: '{"reason":"server-restart"}', SessionStatus: 'completed' },
      { SessionStatus: 'failed', ErrorCode: '64105' },
      { HandoffData: '{not json', SessionStatus: 'failed' },
    ];
    for (const [index, extra] of endings.entries()) {
      const response = await action(callSid, extra);
      const [connect] = parseTwiml(response.body);
      expect(connect).toMatchObject({
        verb: 'connect',
        action: ACTION_URL,
        relay: { parameters: { agent_id: 'action-agent', call_sid: callSid } },
      });
      if (connect?.verb !== 'connect' || !connect.relay) throw new Error('no <ConversationRelay>');
      expect(connect.relay.attributes.welcomeGreeting).toBeUndefined();
      // A new socket URL for the same call, signed for the next session of it.
      const url = new URL(connect.relay.url);
      expect(`${url.origin}${url.pathname}`).toBe('wss://voice.example.test/twilio/relay');
      expect(url.searchParams.get('call_sid')).toBe(callSid);
      expect(url.searchParams.get('reconnect')).toBe(String(index + 1));
    }
    expect((await h.container.callStore.get(callSid))?.relay_reconnects).toBe(3);
  });

  it('hangs up on `end` and on a call that already ended, whatever the session status', async () => {
    const { callSid } = await h.startCall('action-agent');
    const ended = await action(callSid, { HandoffData: '{"reason":"end","ended_by":"user"}' });
    expect(parseTwiml(ended.body)).toEqual([{ verb: 'hangup' }]);
    await h.engine.operations.endCall(callSid, 'system_complete');
    const lost = await action(callSid, { SessionStatus: 'failed', ErrorCode: '64105' });
    expect(parseTwiml(lost.body)).toEqual([{ verb: 'hangup' }]);
  });

  it('dials a listed transfer target (SIP too) and records it; an unlisted one is never dialled', async () => {
    const { callSid } = await h.startCall('action-agent');
    const unlisted = await action(callSid, { HandoffData: '{"reason":"transfer","target_id":"ceo"}' });
    expect(parseTwiml(unlisted.body)).toEqual([{ verb: 'hangup' }]);
    expect((await h.container.callStore.get(callSid))?.transferred_to).toBeUndefined();
    const listed = await action(callSid, { HandoffData: '{"reason":"transfer","target_id":"desk"}' });
    expect(parseTwiml(listed.body)).toMatchObject([
      { verb: 'dial', targets: [{ kind: 'sip', value: 'sip:desk@example.com' }] },
    ]);
    expect(await h.container.callStore.get(callSid)).toMatchObject({
      transferred_to: 'sip:desk@example.com',
      ended_by: 'transfer',
    });
  });

  it('stops reconnecting a call whose sessions keep failing: the caller hears the apology', async () => {
    const { callSid } = await h.startCall('action-agent');
    for (let i = 0; i < MAX_RELAY_RECONNECTS; i += 1) {
      expect(
        parseTwiml((await action(callSid, { SessionStatus: 'failed', ErrorCode: '64102' })).body)[0]?.verb,
      ).toBe('connect');
    }
    const last = await action(callSid, { SessionStatus: 'failed', ErrorCode: '64102' });
    expect(parseTwiml(last.body).map((verb) => verb.verb)).toEqual(['say', 'hangup']);
    expect((await h.container.callStore.get(callSid))?.ended_by).toBe('error');
  });
});
