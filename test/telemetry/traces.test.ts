// Tracing against a local OTLP/HTTP receiver (JSON): store operations, a turn with its model request
// and tool call, the webhook delivery with its traceparent, and the call's root span, all in the one
// trace the CallSid names, as two instances would put them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTraceIds } from '../../src/adapters/otel/trace-ids.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.js';
import { startWebhookReceiver } from '../recordings/webhook-receiver.js';

const SID = 'CA1f0e5c2b9d8a7f6e5d4c3b2a1f0e9d8c';

describe('traces of a call', () => {
  let otlp: OtlpReceiver;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let instances: TestApp[];

  beforeAll(async () => {
    [otlp, hooks] = await Promise.all([startOtlpReceiver(), startWebhookReceiver()]);
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%2F1',
      OTEL_SERVICE_NAME: 'voice-test',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      WEBHOOK_URL: hooks.url,
      WEBHOOK_ALLOW_PRIVATE: 'true',
    };
    // Two instances on two stores: what joins their spans is the CallSid alone.
    instances = [await createTestApp(env), await createTestApp(env)];
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((t) => t.close()));
    await Promise.all([otlp?.close(), hooks?.close()]);
  });

  it('puts every span of a call in the trace its CallSid names, turns under the root span', async () => {
    const [first, second] = instances as [TestApp, TestApp];
    const call = sampleCall(SID, { agent_id: 'customer-support-001', transport: 'relay' });
    for (const t of [first, second]) {
      await t.container.callStore.create(call);
      await t.container.callStore.putTurn(sampleTurn(SID, 0));
    }
    // A read outside a turn (the dashboard looking) is not the call's work: no span.
    await first.container.callStore.get(SID);

    // Turn 1 on the first instance, turn 2 on the second.
    for (const [seq, t] of [
      [1, first],
      [2, second],
    ] as const) {
      const observer = t.container.turnObserver;
      const span = observer.startTurn(call, seq, 'relay');
      await t.container.callStore.listTurns(SID, { last: 60 });
      const turn = sampleTurn(SID, seq, {
        caller_text: 'My card number is 4111 1111 1111 1111',
        agent_text: 'Thanks, I have noted that.',
        model: 'openai:gpt-4o-mini',
        input_tokens: 420,
        output_tokens: 12,
        timeline: {
          received: 0,
          model_request: 2,
          first_token: 180,
          first_text_out: 184,
          model_done: 260,
          stored: 266,
          tools: [{ name: 'lookup_order', start: 40, end: 150, ok: true }],
        },
      });
      await t.container.callStore.putTurn(turn);
      observer.turnDone(span, call, turn, 'relay');
    }
    await Promise.all(instances.map((t) => t.container.telemetry.flush()));

    const { traceId, rootSpanId } = callTraceIds(SID);
    const spans = otlp.spans.filter(
      (s) => s.attributes['voice_agent.call_sid'] === SID || s.traceId === traceId,
    );
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    const turns = spans.filter((s) => s.name === 'turn');
    expect(turns.map((s) => s.attributes['voice_agent.turn.seq']).sort()).toEqual([1, 2]);
    expect(turns.every((s) => s.parentSpanId === rootSpanId)).toBe(true);
    expect(turns[0]?.attributes).toMatchObject({
      'voice_agent.agent_id': 'customer-support-001',
      'voice_agent.transport': 'relay',
      'voice_agent.turn.kind': 'speech',
      'voice_agent.turn.server_added_ms': 6,
    });
    expect(turns[0]?.events.map((e) => e.name)).toEqual([
      'model_request',
      'first_token',
      'first_text_out',
      'model_done',
      'stored',
    ]);

    for (const turn of turns) {
      const children = spans.filter((s) => s.parentSpanId === turn.spanId).map((s) => s.name);
      expect(children.sort()).toEqual([
        'CallStore.listTurns',
        'CallStore.putTurn',
        'chat gpt-4o-mini',
        'execute_tool lookup_order',
      ]);
      const model = spans.find((s) => s.parentSpanId === turn.spanId && s.name === 'chat gpt-4o-mini')!;
      expect(model.attributes).toMatchObject({
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 420,
        'gen_ai.usage.output_tokens': 12,
      });
      expect(model.endMs - model.startMs).toBeGreaterThanOrEqual(257);
      const store = spans.find((s) => s.parentSpanId === turn.spanId && s.name === 'CallStore.putTurn')!;
      expect(store.attributes).toMatchObject({
        'db.system.name': 'aws.dynamodb',
        'db.operation.name': 'putTurn',
      });
    }
    // Writes outside a turn hang under the call's root span; the read outside one left none.
    const outside = spans.filter((s) => s.parentSpanId === rootSpanId && s.name.startsWith('CallStore.'));
    expect(outside.map((s) => s.name).sort()).toEqual([
      'CallStore.create',
      'CallStore.create',
      'CallStore.putTurn',
      'CallStore.putTurn',
    ]);
    // What the caller and the agent said never leaves in a span. (Their words, not bare digits: random
    // span ids and timestamps may hold "4111".)
    const exported = JSON.stringify(otlp.spans);
    expect(exported).not.toContain('4111 1111');
    expect(exported).not.toContain('card number');
    expect(exported).not.toContain('noted that');
    expect(spans[0]?.resource).toMatchObject({
      'service.name': 'voice-test',
      'deployment.environment.name': 'test',
    });
    expect(otlp.requests[0]?.['x-collector-key']).toBe('k/1');
  });

  it("records the call's root span when it is finalized, and sends the webhook with its traceparent", async () => {
    const [first] = instances as [TestApp, TestApp];
    await first.container.callStore.applyStatus(SID, {
      status: 'completed',
      sequence: 5,
      duration_seconds: 30,
      at: '2025-03-10T10:00:31.000Z',
    });
    const result = await first.container.finalizer.finalizeCall(SID);
    expect(result).toMatchObject({ result: 'finalized', webhook: 'delivered' });
    await first.container.telemetry.flush();

    const { traceId, rootSpanId } = callTraceIds(SID);
    const root = otlp.spans.find((s) => s.name === 'call' && s.traceId === traceId);
    expect(root).toMatchObject({
      spanId: rootSpanId,
      attributes: { 'voice_agent.call.status': 'completed' },
    });
    expect(root?.parentSpanId).toBeUndefined();

    const delivery = otlp.spans.find((s) => s.name === 'webhook POST' && s.traceId === traceId);
    expect(delivery).toMatchObject({
      parentSpanId: rootSpanId,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        'server.address': '127.0.0.1',
      },
    });
    const hit = hooks.received.find((r) => r.body.includes(SID));
    expect(hit?.headers.traceparent).toBe(`00-${traceId}-${delivery?.spanId}-01`);
  });
});
