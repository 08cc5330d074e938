import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleAgent } from '../../test/contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../../test/contracts/call-store.contract.js';
import { silentLogger, startDynamoStores } from '../../test/recordings/harness.js';
import { startWebhookReceiver } from '../../test/recordings/webhook-receiver.js';
import { createGuardedFetch } from '../adapters/net/url-guard.js';
import type { Call } from '../domain/call.js';
import {
  buildCallReport,
  DEFAULT_WEBHOOK_RETRY,
  signWebhook,
  verifyWebhookSignature,
  webhookEventId,
  WebhookNotifier,
  type WebhookNotifierOptions,
} from './webhook-notifier.js';

const SECRET = 'whsec-test-secret';
const HOUR = 3_600_000;
let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
beforeAll(async () => {
  dynamo = await startDynamoStores();
  await dynamo.agents.create(sampleAgent('agent-1'));
});
afterAll(() => dynamo.close());

let n = 0;
async function storedCall(overrides: Partial<Call> = {}): Promise<Call> {
  n += 1;
  const call = sampleCall(`CA${n.toString(16).padStart(32, '0')}`, {
    status: 'completed',
    ended_at: '2025-03-10T10:03:00.000Z',
    duration_seconds: 180,
    ended_by: 'system_complete',
    outcome: 'resolved',
    summary: 'The caller said: "hi". Resolved.',
    data_collected: { confirmed: { value: true, turn: 1 } },
    recording: {
      recording_sid: `RE${'1'.repeat(32)}`,
      status: 'copied',
      s3_key: 'recordings/x.mp3',
      size_bytes: 10,
      duration_seconds: 170,
    },
    ...overrides,
  });
  await dynamo.calls.create(call);
  return call;
}

// A clock the tests move forward, so retries come due without waiting.
let clock = Date.now();
function notifier(overrides: Partial<WebhookNotifierOptions> = {}) {
  return new WebhookNotifier({
    calls: dynamo.calls,
    agents: dynamo.agents,
    jobs: dynamo.webhookJobs,
    post: createGuardedFetch({ allowPrivate: true }),
    secret: SECRET,
    logger: silentLogger,
    now: () => new Date(clock),
    ...overrides,
  });
}

const agent = sampleAgent('agent-1');
const deliveriesOf = async (call: Call) => (await dynamo.calls.get(call.call_sid))!.webhook_deliveries!;
const jobOf = (call: Call) => dynamo.webhookJobs.get(webhookEventId(call.call_sid));

/** Moves the clock past the next retry and runs what is due, until the job is settled. */
async function runUntilSettled(instance: WebhookNotifier, call: Call, maxRounds = 30): Promise<void> {
  for (let round = 0; round < maxRounds; round += 1) {
    const job = await jobOf(call);
    if (job?.status === 'delivered' || job?.status === 'failed') return;
    clock = Math.max(clock, Date.parse(job!.next_attempt_at));
    await instance.runDue();
  }
}

describe('WebhookNotifier', () => {
  it('delivers a signed report a receiver can verify, through a durable job', async () => {
    const receiver = await startWebhookReceiver();
    try {
      clock = Date.now();
      const call = await storedCall();
      await dynamo.calls.putTurn(sampleTurn(call.call_sid, 1, { interrupted: true }));
      await dynamo.calls.putTurn(sampleTurn(call.call_sid, 0));
      expect(await notifier({ defaultUrl: receiver.url }).notify(call, agent)).toBe('delivered');
      expect(receiver.received).toHaveLength(1);
      const [hit] = receiver.received;
      const header = hit!.headers['x-voice-agent-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(SECRET, header, hit!.body, 300)).toBe(true);
      expect(verifyWebhookSignature(SECRET, header, hit!.body.replace('resolved', 'failed'), 300)).toBe(
        false,
      );
      expect(verifyWebhookSignature('other-secret', header, hit!.body, 300)).toBe(false);
      const report = JSON.parse(hit!.body);
      expect(report).toMatchObject({
        event: 'call.completed',
        event_id: `${call.call_sid}:call.completed`,
        call: {
          call_sid: call.call_sid,
          outcome: 'resolved',
          ended_by: 'system_complete',
          duration_seconds: 180,
        },
        agent: { agent_id: 'agent-1', name: 'Clinic reminder' },
        data_collected: { confirmed: true },
        recording: {
          s3_key: 'recordings/x.mp3',
          duration_seconds: 170,
          url: `/calls/${call.call_sid}/recording`,
        },
      });
      expect(report.transcript.map((t: { seq: number }) => t.seq)).toEqual([0, 1]);
      expect(report.transcript[1].interrupted).toBe(true);
      expect(await deliveriesOf(call)).toEqual([
        { attempt: 1, at: expect.any(String), ok: true, status_code: 200 },
      ]);
      expect(await jobOf(call)).toMatchObject({ status: 'delivered', attempts: 1, url: receiver.url });
      // The same report again (a second finalizer) finds the job and sends nothing.
      expect(await notifier({ defaultUrl: receiver.url }).notify(call, agent)).toBe('duplicate');
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('keeps retrying a receiver that is down for several attempts, then delivers once when it is back', async () => {
    const first = await startWebhookReceiver();
    const { url } = first;
    await first.close();
    const call = await storedCall();
    const instance = notifier({ defaultUrl: url });
    expect(await instance.notify(call, agent)).toBe('scheduled');
    for (let attempt = 2; attempt <= 4; attempt += 1) {
      clock = Date.parse((await jobOf(call))!.next_attempt_at);
      expect(await instance.runDue()).toBeGreaterThanOrEqual(1);
    }
    const down = await deliveriesOf(call);
    expect(down.map((d) => [d.attempt, d.ok])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
    ]);
    expect(down.every((d) => d.error?.startsWith('network:') && d.retry_at)).toBe(true);
    // Exponential backoff: 10 s, 20 s, 40 s, 80 s after attempts 1 to 4.
    expect(down.map((d) => Date.parse(d.retry_at!) - Date.parse(d.at))).toEqual([
      10_000, 20_000, 40_000, 80_000,
    ]);
    expect(await jobOf(call)).toMatchObject({
      status: 'pending',
      attempts: 4,
      last_error: expect.stringMatching(/^network:/),
    });

    const back = await startWebhookReceiver({
      port: Number(new URL(url).port),
      failFirst: 1,
      failStatus: 503,
    });
    try {
      await runUntilSettled(instance, call);
      expect(await jobOf(call)).toMatchObject({ status: 'delivered', attempts: 6 });
      expect(back.received.map((r) => JSON.parse(r.body).event_id)).toEqual([
        webhookEventId(call.call_sid),
        webhookEventId(call.call_sid),
      ]);
      expect((await deliveriesOf(call)).slice(-2).map((d) => [d.attempt, d.ok, d.status_code])).toEqual([
        [5, false, 503],
        [6, true, 200],
      ]);
      // Nothing is due any more: no second delivery.
      clock += 48 * HOUR;
      await instance.runDue();
      expect(back.received).toHaveLength(2);
    } finally {
      await back.close();
    }
  });

  it('gives up after the attempt bound or a day, visibly, and retries 429', async () => {
    const receiver = await startWebhookReceiver();
    const url = receiver.url;
    await receiver.close();
    const call = await storedCall();
    const instance = notifier({ defaultUrl: url, retry: { ...DEFAULT_WEBHOOK_RETRY, maxAttempts: 3 } });
    await instance.notify(call, agent);
    await runUntilSettled(instance, call);
    expect(await jobOf(call)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: expect.stringMatching(/^gave up after 3 attempts: network:/),
    });
    const deliveries = await deliveriesOf(call);
    expect(deliveries).toHaveLength(3);
    expect(deliveries.at(-1)!.retry_at).toBeUndefined();

    // The default policy stops at 24 hours even below its attempt bound.
    const old = await storedCall();
    const defaults = notifier({ defaultUrl: url });
    await defaults.notify(old, agent);
    clock += 25 * HOUR;
    await defaults.runDue();
    expect(await jobOf(old)).toMatchObject({ status: 'failed', attempts: 2 });
    const total = Array.from({ length: 19 }, (_, i) => DEFAULT_WEBHOOK_RETRY.delayMs(i + 1)).reduce(
      (a, b) => a + b,
    );
    expect(total).toBeGreaterThan(20 * HOUR);
    expect(total).toBeLessThan(24 * HOUR);

    const busy = await startWebhookReceiver({ failFirst: 1, failStatus: 429 });
    try {
      const other = await storedCall();
      const busyNotifier = notifier({ defaultUrl: busy.url });
      expect(await busyNotifier.notify(other, agent)).toBe('scheduled');
      await runUntilSettled(busyNotifier, other);
      expect(busy.received).toHaveLength(2);
      expect((await jobOf(other))?.status).toBe('delivered');
    } finally {
      await busy.close();
    }
  });

  it('does not retry a 4xx, and treats a redirect as a failure without following it', async () => {
    for (const status of [400, 302]) {
      const receiver = await startWebhookReceiver({ status });
      try {
        const call = await storedCall();
        expect(await notifier({ defaultUrl: receiver.url }).notify(call, agent)).toBe('failed');
        expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/calls']);
        const [delivery] = await deliveriesOf(call);
        expect(delivery).toMatchObject({ ok: false, status_code: status });
        expect(await jobOf(call)).toMatchObject({
          status: 'failed',
          last_error: expect.stringMatching(`HTTP ${status}`),
        });
      } finally {
        await receiver.close();
      }
    }
  });

  it('records a refused private URL as a failed delivery and sends nothing', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const call = await storedCall();
      const instance = notifier({
        defaultUrl: receiver.url,
        post: createGuardedFetch({ allowPrivate: false }),
      });
      expect(await instance.notify(call, agent)).toBe('failed');
      expect(receiver.received).toHaveLength(0);
      expect(await deliveriesOf(call)).toEqual([
        { attempt: 1, at: expect.any(String), ok: false, error: expect.stringMatching(/refused.*loopback/) },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("prefers the agent's webhook_url, and enqueues nothing when no URL is set", async () => {
    const global = await startWebhookReceiver();
    const own = await startWebhookReceiver();
    try {
      const call = await storedCall();
      await notifier({ defaultUrl: global.url }).notify(
        call,
        sampleAgent('agent-1', { webhook_url: own.url }),
      );
      expect([global.received.length, own.received.length]).toEqual([0, 1]);
      const silent = await storedCall();
      expect(await notifier().notify(silent, agent)).toBe('skipped');
      expect(await notifier().enqueue(silent, agent)).toBeUndefined();
      expect(await jobOf(silent)).toBeUndefined();
    } finally {
      await Promise.all([global.close(), own.close()]);
    }
  });

  it('delivers each report once when two instances poll the same jobs', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const [a, b] = [notifier({ defaultUrl: receiver.url }), notifier({ defaultUrl: receiver.url })];
      const calls = await Promise.all([1, 2, 3, 4, 5].map(() => storedCall()));
      // Enqueued and never attempted: the instance that stored them crashed.
      for (const call of calls) await a.enqueue(call, agent);
      await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      for (const call of calls) {
        expect(receiver.received.filter((r) => r.body.includes(call.call_sid))).toHaveLength(1);
        expect(await jobOf(call)).toMatchObject({ status: 'delivered', attempts: 1 });
      }
      expect(receiver.received).toHaveLength(5);
    } finally {
      await receiver.close();
    }
  });

  it('takes over a delivery whose instance died mid-attempt once its lease runs out', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const call = await storedCall();
      const instance = notifier({ defaultUrl: receiver.url });
      const job = (await instance.enqueue(call, agent))!;
      await dynamo.webhookJobs.claim(
        job,
        new Date(clock).toISOString(),
        new Date(clock + 120_000).toISOString(),
      );
      expect(await instance.runDue()).toBe(0);
      clock += 121_000;
      expect(await instance.runDue()).toBe(1);
      expect(receiver.received).toHaveLength(1);
      expect(await jobOf(call)).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      await receiver.close();
    }
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"event":"call.completed"}';
  it('accepts a fresh signature and refuses an old one', () => {
    const header = signWebhook(SECRET, body, 1_700_000_000);
    expect(verifyWebhookSignature(SECRET, header, body, 300, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, body, 300, 1_700_000_400)).toBe(false);
  });

  it('accepts any of several v1 values (secret rotation) and refuses malformed headers', () => {
    const signed = signWebhook(SECRET, body, 1_700_000_000);
    const rotated = `${signWebhook('old', body, 1_700_000_000)},${signed.split(',')[1]}`;
    expect(verifyWebhookSignature(SECRET, rotated, body, 300, 1_700_000_000)).toBe(true);
    for (const header of [undefined, '', 't=1700000000', 'v1=abc', 't=x,v1=' + 'a'.repeat(64)])
      expect(verifyWebhookSignature(SECRET, header, body, 300, 1_700_000_000)).toBe(false);
  });
});

describe('buildCallReport', () => {
  it('links the recording by its admin path and leaves absent recordings out', () => {
    const call = sampleCall('CA9', { recording: { recording_sid: 'RE9', status: 'copied', s3_key: 'k' } });
    expect(buildCallReport(call, [], undefined, 'https://agents.example.com/').recording?.url).toBe(
      'https://agents.example.com/calls/CA9/recording',
    );
    const absent = sampleCall('CA9', { recording: { recording_sid: 'RE9', status: 'absent' } });
    expect(buildCallReport(absent, [], undefined).recording).toBeNull();
  });
});
