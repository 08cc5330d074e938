// Item 5 end to end: through the real app, every turn slower than TURN_ALARM_MS and a greeting
// slower than GREETING_ALARM_MS each leave exactly one warning with the timeline, and no words said.
// The thresholds are 1 ms, below what a store write through the embedded DynamoDB takes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { captureLogs, LOG_LEVELS, type LogCapture } from '../support/log-capture.js';

let logs: LogCapture;
let t: TestApp;
beforeAll(async () => {
  logs = captureLogs('warn');
  t = await createTestApp({ TURN_ALARM_MS: '1', GREETING_ALARM_MS: '1' }, { logger: logs.logger });
});
afterAll(() => t?.close());

it('logs one warning per slow turn and one for the slow greeting, with timelines and no words', async () => {
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.auth, payload });
  const { call_sid: sid } = (await post('/web-calls', { agent_id: 'customer-support-001' })).json();
  for (const text of ['My laptop will not start', 'my name is Asha Rao'])
    expect((await post(`/web-calls/${sid}/messages`, { text })).statusCode).toBe(200);

  const alarms = logs.records.filter((r) => r.level === LOG_LEVELS.warn && r.call_sid === sid);
  const turns = alarms.filter((r) => r.msg?.startsWith('slow turn'));
  expect(turns.map((r) => r.seq)).toEqual([1, 2]);
  for (const record of turns) {
    expect(record).toMatchObject({
      agent_id: 'customer-support-001',
      transport: 'web',
      threshold_ms: 1,
      server_added_ms: expect.any(Number),
      timeline: { received: 0, stored: expect.any(Number), first_text_out: expect.any(Number) },
    });
  }
  const greetings = alarms.filter((r) => r.msg?.startsWith('slow greeting'));
  expect(greetings).toHaveLength(1);
  expect(greetings[0]).toMatchObject({ greeting_ms: expect.any(Number), timeline: { received: 0 } });
  expect(alarms).toHaveLength(3);
  const logged = JSON.stringify(alarms);
  for (const words of ['laptop', 'Asha', 'for calling']) expect(logged).not.toContain(words);
});
