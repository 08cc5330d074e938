import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall, sampleTurn } from '../../../test/contracts/call-store.contract.js';
import { DynamoWebhookJobStore } from '../../adapters/dynamodb/webhook-job-store.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../testing.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
  });
  afterAll(() => t.close());

  const scrape = (authorization?: string) =>
    t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

  it('needs METRICS_TOKEN or the admin key as the bearer', async () => {
    const none = await scrape();
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await scrape('Bearer not-the-metrics-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'unauthorized' });
    for (const key of [METRICS_TOKEN, TEST_ADMIN_KEY]) {
      const response = await scrape(`Bearer ${key}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    }
  });

  it('shows turn, tool and greeting histograms by agent and transport after a turn is reported', async () => {
    const call = { call_sid: 'CA0000000000000000000000000000m1', agent_id: 'customer-support-001' };
    const observer = t.container.turnObserver;
    const span = observer.startTurn(call, 1, 'relay');
    observer.turnDone(
      span,
      call,
      sampleTurn(call.call_sid, 1, {
        model: 'openai:gpt-4o-mini',
        timeline: {
          received: 0,
          model_request: 3,
          first_token: 303,
          first_text_out: 310,
          model_done: 500,
          stored: 504,
          tools: [{ name: 'lookup_order', start: 20, end: 120, ok: true }],
        },
      }),
      'relay',
    );
    observer.greetingDone(call, 'relay', 40);
    const { body } = await scrape(`Bearer ${METRICS_TOKEN}`);
    const labels = 'agent="customer-support-001",transport="relay"';
    // 3 ms before the request and 7 ms from first token to first text out.
    expect(body).toContain(`voice_agent_turn_server_added_seconds_bucket{le="0.01",${labels}} 1`);
    expect(body).toContain(`voice_agent_turn_server_added_seconds_bucket{le="0.005",${labels}} 0`);
    expect(body).toContain(`voice_agent_model_first_token_seconds_sum{${labels}} 0.3`);
    expect(body).toContain(`voice_agent_tool_seconds_count{${labels},tool="lookup_order",ok="true"} 1`);
    expect(body).toContain(`voice_agent_greeting_seconds_bucket{le="0.05",${labels}} 1`);
    expect(body).toContain(`voice_agent_turns_total{${labels}} 1`);
  });

  it('counts active calls, job backlogs, relay sockets and event-loop delay at scrape time', async () => {
    const fresh = await createTestApp({ METRICS_TOKEN });
    try {
      const { container } = fresh;
      await container.callStore.create(
        sampleCall('CA00000000000000000000000000000a01', { status: 'in-progress' }),
      );
      await container.callStore.create(
        sampleCall('CA00000000000000000000000000000a02', { status: 'completed' }),
      );
      const jobs = new DynamoWebhookJobStore({
        doc: container.dynamo.doc,
        table: container.config.tables.webhookDeliveries,
      });
      const now = new Date().toISOString();
      await jobs.enqueue(
        { event_id: 'CAx:call.completed', call_sid: 'CAx', url: 'https://hooks.example/x' },
        now,
      );
      const { body } = await fresh.app
        .inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        .then((r) => ({ body: r.body }));
      expect(body).toContain('voice_agent_active_calls 1\n');
      expect(body).toContain('voice_agent_webhook_jobs{status="pending"} 1\n');
      expect(body).toContain('voice_agent_webhook_jobs{status="sending"} 0\n');
      expect(body).toContain('voice_agent_recording_jobs{status="pending"} 0\n');
      expect(body).toContain('voice_agent_relay_sockets 0\n');
      expect(body).toMatch(/voice_agent_event_loop_delay_seconds\{quantile="0\.99"\} \d/);
      expect(body).toContain('voice_agent_calls_ended_total');
    } finally {
      await fresh.close();
    }
  });
});
