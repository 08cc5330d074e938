import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleAgent } from '../../test/contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../../test/contracts/call-store.contract.js';
import { silentLogger, startDynamoStores } from '../../test/recordings/harness.js';
import { startWebhookReceiver } from '../../test/recordings/webhook-receiver.js';
import { createGuardedFetch } from '../adapters/net/url-guard.js';
import type { Call } from '../domain/call.js';
import {
  buildCallReport,
  signWebhook,
  verifyWebhookSignature,
  WebhookNotifier,
  type WebhookNotifierOptions,
} from './webhook-notifier.js';

const SECRET = 'whsec-test-secret';
let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
beforeAll(async () => {
  dynamo = await startDynamoStores();
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

function notifier(overrides: Partial<WebhookNotifierOptions> = {}) {
  const waits: number[] = [];
  const instance = new WebhookNotifier({
    calls: dynamo.calls,
    post: createGuardedFetch({ allowPrivate: true }),
    secret: SECRET,
    logger: silentLogger,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
  return { instance, waits };
}

const agent = sampleAgent('agent-1');
const turns = [sampleTurn('x', 1, { interrupted: true }), sampleTurn('x', 0)];

describe('WebhookNotifier', () => {
  it('delivers a signed report a receiver can verify', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const call = await storedCall();
      const { instance } = notifier({ defaultUrl: receiver.url });
      expect(await instance.notify(call, turns, agent)).toBe('delivered');
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
      expect((await dynamo.calls.get(call.call_sid))!.webhook_deliveries).toEqual([
        { attempt: 1, at: expect.any(String), ok: true, status_code: 200 },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('retries a receiver that answers 500, logging every attempt on the call', async () => {
    const receiver = await startWebhookReceiver({ failFirst: 2, failStatus: 500 });
    try {
      const call = await storedCall();
      const { instance, waits } = notifier({ defaultUrl: receiver.url });
      expect(await instance.notify(call, [], agent)).toBe('delivered');
      expect(waits).toEqual([2_000, 5_000]);
      expect(receiver.received).toHaveLength(3);
      // The body is the same on every attempt, so receivers can deduplicate.
      expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
      const deliveries = (await dynamo.calls.get(call.call_sid))!.webhook_deliveries!;
      expect(deliveries.map((d) => [d.attempt, d.ok, d.status_code])).toEqual([
        [1, false, 500],
        [2, false, 500],
        [3, true, 200],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the bound when the receiver is down, and retries 429', async () => {
    const receiver = await startWebhookReceiver();
    const url = receiver.url;
    await receiver.close();
    const call = await storedCall();
    const { instance, waits } = notifier({ defaultUrl: url, retryDelaysMs: [1, 2, 3, 4] });
    expect(await instance.notify(call, [], agent)).toBe('failed');
    expect(waits).toEqual([1, 2, 3, 4]);
    const deliveries = (await dynamo.calls.get(call.call_sid))!.webhook_deliveries!;
    expect(deliveries).toHaveLength(5);
    expect(deliveries.every((d) => !d.ok && d.error?.startsWith('network:'))).toBe(true);

    const busy = await startWebhookReceiver({ failFirst: 1, failStatus: 429 });
    try {
      const other = await storedCall();
      expect(await notifier({ defaultUrl: busy.url }).instance.notify(other, [], agent)).toBe('delivered');
      expect(busy.received).toHaveLength(2);
    } finally {
      await busy.close();
    }
  });

  it('does not retry a 4xx, and treats a redirect as a failure without following it', async () => {
    for (const status of [400, 302]) {
      const receiver = await startWebhookReceiver({ status });
      try {
        const call = await storedCall();
        const { instance, waits } = notifier({ defaultUrl: receiver.url });
        expect(await instance.notify(call, [], agent)).toBe('failed');
        expect(waits).toEqual([]);
        expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/calls']);
        const [delivery] = (await dynamo.calls.get(call.call_sid))!.webhook_deliveries!;
        expect(delivery).toMatchObject({ ok: false, status_code: status });
      } finally {
        await receiver.close();
      }
    }
  });

  it('records a refused private URL as a failed delivery and sends nothing', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const call = await storedCall();
      const { instance } = notifier({
        defaultUrl: receiver.url,
        post: createGuardedFetch({ allowPrivate: false }),
      });
      expect(await instance.notify(call, [], agent)).toBe('failed');
      expect(receiver.received).toHaveLength(0);
      const deliveries = (await dynamo.calls.get(call.call_sid))!.webhook_deliveries!;
      expect(deliveries).toEqual([
        { attempt: 1, at: expect.any(String), ok: false, error: expect.stringMatching(/refused.*loopback/) },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("prefers the agent's webhook_url, and skips when no URL is set", async () => {
    const global = await startWebhookReceiver();
    const own = await startWebhookReceiver();
    try {
      const call = await storedCall();
      const { instance } = notifier({ defaultUrl: global.url });
      await instance.notify(call, [], sampleAgent('agent-1', { webhook_url: own.url }));
      expect([global.received.length, own.received.length]).toEqual([0, 1]);
      expect(await notifier().instance.notify(call, [], agent)).toBe('skipped');
    } finally {
      await Promise.all([global.close(), own.close()]);
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
