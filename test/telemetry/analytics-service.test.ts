import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall } from '../contracts/call-store.contract.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { AnalyticsService } from '../../src/services/analytics/analytics-service.js';

const range = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-31T23:59:59.999Z', time_zone: 'UTC' };

describe('AnalyticsService', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    for (let i = 0; i < 5; i += 1) {
      await t.container.callStore.create(
        sampleCall(`CA${i.toString(16).padStart(32, '0')}`, { started_at: `2025-03-1${i}T10:00:00.000Z` }),
      );
    }
  });
  afterAll(() => t.close());

  it('reads at most maxCalls, newest first, and says the report is truncated', async () => {
    const service = new AnalyticsService({
      calls: t.container.callStore,
      fieldsOf: async () => [],
      maxCalls: 3,
    });
    const report = await service.report(range);
    expect(report).toMatchObject({ calls: 3, truncated: true });
    expect(report.days.filter((d) => d.calls > 0).map((d) => d.day)).toEqual([
      '2025-03-12',
      '2025-03-13',
      '2025-03-14',
    ]);
    const all = await new AnalyticsService({ calls: t.container.callStore, fieldsOf: async () => [] }).report(
      range,
    );
    expect(all).toMatchObject({ calls: 5, truncated: false });
  });

  it('answers the same query from its cache, and reads again with the cache off', async () => {
    const cached = new AnalyticsService({ calls: t.container.callStore, fieldsOf: async () => [] });
    const uncached = new AnalyticsService({
      calls: t.container.callStore,
      fieldsOf: async () => [],
      cacheMs: 0,
    });
    const [before, beforeUncached] = [await cached.report(range), await uncached.report(range)];
    await t.container.callStore.create(
      sampleCall('CA000000000000000000000000000000ff', { started_at: '2025-03-20T10:00:00.000Z' }),
    );
    expect(await cached.report(range)).toBe(before);
    expect((await uncached.report(range)).calls).toBe(beforeUncached.calls + 1);
  });
});
