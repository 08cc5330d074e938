// The sampler the standard variables name (OTEL_TRACES_SAMPLER, read from the environment as the
// SDK reads it) decides a call's spans as the SDK's tracer would, and a failed store operation's
// span says so. Against a local OTLP/HTTP receiver (JSON).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTraceIds } from '../../src/adapters/otel/trace-ids.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.js';

let otlp: OtlpReceiver;
const apps: TestApp[] = [];

beforeAll(async () => {
  otlp = await startOtlpReceiver();
});
afterAll(async () => {
  await Promise.all(apps.map((t) => t.close()));
  await otlp?.close();
});

async function tracedApp(sampler?: string): Promise<TestApp> {
  if (sampler) process.env.OTEL_TRACES_SAMPLER = sampler;
  try {
    const t = await createTestApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    apps.push(t);
    return t;
  } finally {
    delete process.env.OTEL_TRACES_SAMPLER;
  }
}

/** A call with one turn that reads and writes the store, then its end; every span flushed. */
async function traceOneCall(t: TestApp, callSid: string, turn = sampleTurn(callSid, 1)) {
  const call = sampleCall(callSid, { agent_id: 'customer-support-001', transport: 'relay' });
  await t.container.callStore.create(call);
  const span = t.container.turnObserver.startTurn(call, 1, 'relay');
  await t.container.callStore.listTurns(callSid, { last: 60 });
  const stored = await t.container.callStore.putTurn(turn).catch((error: unknown) => error);
  t.container.turnObserver.turnDone(span, call, turn, 'relay');
  const webhook = t.container.telemetry.startCallSpan(callSid, 'webhook POST', {
    'http.request.method': 'POST',
  });
  const headers = webhook.traceHeaders();
  webhook.end({ 'http.response.status_code': 200 });
  t.container.telemetry.endCall({ ...call, status: 'completed', ended_at: '2025-03-10T10:00:31.000Z' });
  await t.container.telemetry.flush();
  const { traceId } = callTraceIds(callSid);
  return { stored, headers, traceId, spans: otlp.spans.filter((s) => s.traceId === traceId) };
}

describe('sampling and failures in traces', () => {
  it('exports nothing of a call the sampler drops, and says so in the traceparent it sends', async () => {
    const t = await tracedApp('always_off');
    const { headers, traceId, spans } = await traceOneCall(t, 'CA5a0f0e5c2b9d8a7f6e5d4c3b2a1f0e01');
    expect(spans).toEqual([]);
    // The context still travels, flagged not sampled: the receiving service may decide for itself.
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
  });

  it("follows a parent-based sampler: turns under the call's root, the root itself by the root rule", async () => {
    const t = await tracedApp('parentbased_always_off');
    const { spans } = await traceOneCall(t, 'CA5a0f0e5c2b9d8a7f6e5d4c3b2a1f0e02');
    // A turn's parent is the call's root span as a sampled remote parent: it and its children are kept.
    expect(spans.map((s) => s.name).sort()).toEqual(
      ['CallStore.create', 'CallStore.listTurns', 'CallStore.putTurn', 'turn', 'webhook POST'].sort(),
    );
    // The root has no parent: parentbased_always_off drops it.
    expect(spans.find((s) => s.name === 'call')).toBeUndefined();
  });

  it('marks a store operation that failed, with the error type and nothing of the item', async () => {
    const t = await tracedApp();
    const callSid = 'CA5a0f0e5c2b9d8a7f6e5d4c3b2a1f0e03';
    // DynamoDB refuses an item over 400 KB.
    const oversized = sampleTurn(callSid, 1, { agent_text: `Order 4412 ${'x'.repeat(420_000)}` });
    const { stored, spans } = await traceOneCall(t, callSid, oversized);
    expect(stored).toBeInstanceOf(Error);
    const put = spans.find((s) => s.name === 'CallStore.putTurn');
    const errorType = (stored as Error).name;
    expect(put?.status).toMatchObject({ code: 2, message: errorType });
    expect(put?.attributes).toMatchObject({ 'db.operation.name': 'putTurn', 'error.type': errorType });
    // The reply's words, not bare digits: random span ids and timestamps may hold "4412".
    expect(JSON.stringify(spans)).not.toContain('Order 4412');
    // The turn span and the call's root are there too, the turn as the failed operation's parent.
    const turn = spans.find((s) => s.name === 'turn');
    expect(put?.parentSpanId).toBe(turn?.spanId);
    expect(spans.find((s) => s.name === 'call')?.spanId).toBe(callTraceIds(callSid).rootSpanId);
  });
});
