import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall } from '../../../test/contracts/call-store.contract.js';
import { createTestApp, type TestApp } from '../testing.js';

describe('GET /calls with a started_at range', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    for (const [sid, started_at] of [
      ['CA-old', '2021-06-30T23:59:59.999Z'],
      ['CA-first', '2021-07-01T00:00:00.000Z'],
      ['CA-late', '2021-07-02T18:30:00.000Z'],
      ['CA-after', '2021-07-03T00:00:00.000Z'],
    ] as const) {
      await t.container.callStore.create(sampleCall(sid, { started_at, agent_id: 'agent-r' }));
    }
  });
  afterAll(() => t.close());

  const list = (query: string) => t.app.inject({ method: 'GET', url: `/calls?${query}`, headers: t.auth });
  const sids = async (query: string) => {
    const response = await list(query);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as { call_sid: string }[]).map((c) => c.call_sid);
  };

  it('takes whole UTC days, both ends included, years back', async () => {
    expect(await sids('from=2021-07-01&to=2021-07-02')).toEqual(['CA-late', 'CA-first']);
    expect(await sids('agent_id=agent-r&from=2021-07-02')).toEqual(['CA-after', 'CA-late']);
    expect(await sids('agent_id=agent-r&to=2021-06-30')).toEqual(['CA-old']);
  });

  it('takes date-times with a time zone', async () => {
    // 2021-07-02T20:00:00+05:30 is 14:30 UTC; 2021-07-03T00:00:00+05:30 is 18:30 UTC the day before.
    expect(await sids('from=2021-07-02T20:00:00%2B05:30&to=2021-07-03T00:00:00%2B05:30')).toEqual([
      'CA-late',
    ]);
    expect(await sids('status=queued&from=2021-07-02T18:30:00.001Z&to=2021-07-04T00:00:00Z')).toEqual([
      'CA-after',
    ]);
  });

  it('refuses a bad bound with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['to=2021-13-01', 'to'],
      ['from=2021-07-01T10:00:00', 'from'],
      ['from=2021-07-02&to=2021-07-01', 'to'],
      ['to=9999-12-31T23:59:59-23:59', 'to'],
    ] as const) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().issues.map((i: { field: string }) => i.field)).toEqual([field]);
    }
  });

  it('documents from and to in the OpenAPI description', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const names = (doc.paths['/calls'].get.parameters as { name: string; in: string }[])
      .filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['from', 'to', 'agent_id', 'status', 'recipient']));
  });
});
