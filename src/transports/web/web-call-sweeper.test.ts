import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../http/testing.js';
import { WEB_CALL_IDLE_MS, WebCallSweeper } from './web-call-sweeper.js';
import { WebCallService } from './web-calls.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const minutesLater = (minutes: number) => () => new Date(Date.now() + minutes * 60_000);

function sweeperAt(now: () => Date) {
  const { container } = t;
  const webCalls = new WebCallService(container);
  return new WebCallSweeper(
    { callStore: container.callStore, agents: container.agents, webCalls, logger: container.logger },
    { now },
  );
}

describe('WebCallSweeper', () => {
  it('ends a web call left idle, and leaves a fresh one and phone calls alone', async () => {
    const webCalls = new WebCallService(t.container);
    const idle = await webCalls.start({ agent_id: 'customer-support-001' });
    await webCalls.message(idle.call_sid, { text: 'My laptop will not start' });
    const phone = t.container.calls.newCall({
      callSid: `CA${'e'.repeat(32)}`,
      agent: await t.container.agents.get('customer-support-001'),
      direction: 'inbound',
      recipient: '+14155550123',
      ourNumber: '+14155550100',
      status: 'in-progress',
      // Long before any limit: only web calls are the sweeper's to end.
    });
    await t.container.callStore.create({ ...phone, started_at: '2020-01-01T00:00:00.000Z' });

    expect(await sweeperAt(minutesLater(1)).sweep()).toEqual([]);
    const ended = await sweeperAt(minutesLater(WEB_CALL_IDLE_MS / 60_000 + 1)).sweep();
    expect(ended).toEqual([idle.call_sid]);
    await t.container.finalizer.drain();
    const call = await t.container.callStore.get(idle.call_sid);
    expect(call).toMatchObject({ status: 'completed', ended_by: 'system_silence', turn_count: 2 });
    expect(call?.summary).toBeDefined();
    expect((await t.container.callStore.get(phone.call_sid))?.status).toBe('in-progress');
  });

  it('ends a web call past its agent’s maximum duration even while it is talking', async () => {
    const webCalls = new WebCallService(t.container);
    const long = await webCalls.start({ agent_id: 'sales-001' });
    const maxMinutes = (await t.container.agents.get('sales-001')).max_call_seconds / 60;
    // A turn "now" keeps it from being idle; only the duration can end it.
    const sweeper = sweeperAt(minutesLater(maxMinutes + 2));
    await webCalls.message(long.call_sid, { text: 'Tell me about your plans' });
    expect(await sweeper.sweep()).toContain(long.call_sid);
    expect(await t.container.callStore.get(long.call_sid)).toMatchObject({
      status: 'completed',
      ended_by: 'system_timeout',
    });
  });
});
