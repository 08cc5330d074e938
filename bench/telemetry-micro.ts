// The tracing work of one turn, in this process, without the rest of the server: what the turn
// path calls (the turn span, four store spans, its end with the stored turn's timeline, model and
// tool spans) and the batch export to a local sink (protobuf), against the same calls on the no-op.
// Process CPU time over many turns, so other work on a shared machine moves it little.
import type { Turn } from '../src/domain/call.js';
import { openTracing } from '../src/adapters/otel/index.js';
import { noopTelemetry, type Telemetry } from '../src/ports/telemetry.js';
import type { OtelTelemetry } from '../src/adapters/otel/otel-telemetry.js';
import { storeOperation } from '../src/adapters/otel/turn-span.js';
import { round } from './stats.js';

const STORE_OPERATIONS = ['get', 'listTurns', 'putTurn', 'update'].map(storeOperation);

function sampleTurn(callSid: string, seq: number): Turn {
  return {
    call_sid: callSid,
    seq,
    kind: 'speech',
    agent_text: 'Order 4412 is shipped.',
    received_at: '2026-12-07T10:00:00.000Z',
    replied_at: '2026-12-07T10:00:00.600Z',
    latency_ms: 600,
    model: 'openai:gpt-4o-mini',
    input_tokens: 900,
    output_tokens: 24,
    timeline: {
      received: 0,
      model_request: 3,
      first_token: 303,
      first_text_out: 305,
      model_done: 580,
      stored: 584,
      tools: [{ name: 'lookup_order', start: 320, end: 420, ok: true }],
    },
  };
}

// Turns come a few at a time, as calls do: the batch exporter runs between them (its queue holds
// 2048 spans; a tight loop would fill it and have the rest dropped, uncounted).
const TURNS_PER_TICK = 20;

async function runTurns(telemetry: Telemetry, turns: number): Promise<void> {
  const traced = telemetry.enabled ? (telemetry as OtelTelemetry) : undefined;
  for (let i = 0; i < turns; i += 1) {
    if (i % TURNS_PER_TICK === 0) await new Promise((resolve) => setImmediate(resolve));
    const call = { call_sid: `CA${String(i % 500).padStart(32, '0')}`, agent_id: 'bench' };
    const span = telemetry.startTurnSpan(call, i, 'relay');
    for (const operation of STORE_OPERATIONS) traced?.storeSpan(call.call_sid, operation, true)?.end();
    span.end(sampleTurn(call.call_sid, i));
  }
}

/** CPU µs per turn: the no-op and tracing on (export included), measured over `turns` turns each. */
export async function tracingCpuPerTurn(sinkUrl: string, turns = 20_000) {
  const measure = async (telemetry: Telemetry) => {
    await runTurns(telemetry, 2_000); // warm-up
    await telemetry.flush();
    const before = process.cpuUsage();
    await runTurns(telemetry, turns);
    await telemetry.flush();
    const used = process.cpuUsage(before);
    return round((used.user + used.system) / turns, 1);
  };
  const tracing = await openTracing({
    tracesUrl: `${sinkUrl}/v1/traces`,
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 10_000,
    serviceName: 'voice-agent-bench',
    resourceAttributes: {},
  });
  try {
    return { offUs: await measure(noopTelemetry), onUs: await measure(tracing.telemetry), turns };
  } finally {
    await tracing.telemetry.shutdown();
  }
}
