import { describe, expect, it } from 'vitest';
import { captureLogs, LOG_LEVELS } from '../../test/support/log-capture.js';
import { sampleTurn } from '../../test/contracts/call-store.contract.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import { noopTelemetry } from '../ports/telemetry.js';
import { LatencyAlarms } from './latency-alarms.js';
import { TurnInsights } from './turn-insights.js';

const call = { call_sid: 'CA00000000000000000000000000000a1a', agent_id: 'support' };
// 300 ms of the server's own before the model was asked: a slow turn at the default 250 ms.
const slow = { received: 0 as const, model_request: 300, first_token: 500, first_text_out: 505, stored: 700 };
const quick = { received: 0 as const, model_request: 3, first_token: 400, first_text_out: 402, stored: 600 };

describe('LatencyAlarms', () => {
  it('logs one warning with the timeline for a turn whose server-added time passes the threshold', () => {
    const logs = captureLogs();
    const alarms = new LatencyAlarms({ logger: logs.logger, turnMs: 250, greetingMs: 1_000 });
    expect(alarms.turn({ ...call, transport: 'relay', seq: 3, kind: 'speech', timeline: quick })).toBe(false);
    expect(alarms.turn({ ...call, transport: 'relay', seq: 4, kind: 'speech', timeline: slow })).toBe(true);
    expect(logs.records).toHaveLength(1);
    expect(logs.records[0]).toMatchObject({
      level: LOG_LEVELS.warn,
      msg: 'slow turn: the server added more than TURN_ALARM_MS',
      call_sid: call.call_sid,
      agent_id: 'support',
      transport: 'relay',
      seq: 4,
      server_added_ms: 305,
      threshold_ms: 250,
      timeline: slow,
    });
  });

  it('takes exactly the threshold as fast enough, and a greeting over GREETING_ALARM_MS as slow', () => {
    const logs = captureLogs();
    const alarms = new LatencyAlarms({ logger: logs.logger, turnMs: 250, greetingMs: 1_000 });
    const at = (ms: number) => ({ received: 0 as const, first_text_out: ms });
    expect(alarms.turn({ ...call, transport: 'gather', seq: 1, timeline: at(250) })).toBe(false);
    expect(alarms.greeting({ ...call, transport: 'gather', ms: 1_000 })).toBe(false);
    expect(alarms.greeting({ ...call, transport: 'gather', ms: 1_240.6, timeline: at(1_240) })).toBe(true);
    expect(logs.records).toEqual([
      expect.objectContaining({
        level: LOG_LEVELS.warn,
        msg: 'slow greeting: answer to greeting out took more than GREETING_ALARM_MS',
        greeting_ms: 1_241,
        threshold_ms: 1_000,
        timeline: at(1_240),
      }),
    ]);
  });
});

describe('TurnInsights', () => {
  it('feeds a stored turn to the metrics and the alarm, never the words said', async () => {
    const logs = captureLogs();
    const metrics = new PrometheusMetrics();
    const insights = new TurnInsights({
      telemetry: noopTelemetry,
      metrics,
      alarms: new LatencyAlarms({ logger: logs.logger, turnMs: 250, greetingMs: 1_000 }),
    });
    const turn = sampleTurn(call.call_sid, 2, {
      caller_text: 'my email is asha@example.com',
      model: 'ollama:llama3.1',
      model_error: 'openai:gpt-4o-mini: HTTP 503',
      timeline: { ...slow, tools: [{ name: 'book_slot', start: 320, end: 480, ok: false }] },
    });
    insights.turnDone(insights.startTurn(call, 2, 'gather'), call, turn, 'gather');
    const { body } = await metrics.render();
    expect(body).toContain('voice_agent_model_fallbacks_total{model="ollama:llama3.1"} 1');
    expect(body).toContain(
      'voice_agent_tool_seconds_sum{agent="support",transport="gather",tool="book_slot",ok="false"} 0.16',
    );
    expect(logs.records).toHaveLength(1);
    expect(JSON.stringify(logs.records)).not.toContain('asha');
  });
});
