import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoStores } from '../../../test/recordings/harness.js';
import type { NewWebhookJob } from '../../ports/webhook-job-store.js';
import type { DynamoWebhookJobStore } from './webhook-job-store.js';

let stores: Awaited<ReturnType<typeof startDynamoStores>>;
let jobs: DynamoWebhookJobStore;
beforeAll(async () => {
  stores = await startDynamoStores();
  jobs = stores.webhookJobs;
});
afterAll(() => stores.close());

let counter = 0;
const newJob = (): NewWebhookJob => {
  counter += 1;
  const callSid = `CA${counter.toString(16).padStart(32, '0')}`;
  return { event_id: `${callSid}:call.completed`, call_sid: callSid, url: 'https://hooks.example.com/calls' };
};
const T0 = '2025-03-10T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1_000).toISOString();
const dueIds = async (now: string) => (await jobs.listDue(now, 50)).map((j) => j.event_id);

describe('DynamoWebhookJobStore', () => {
  it('enqueues once per event_id, due at once', async () => {
    const job = newJob();
    const created = await jobs.enqueue(job, T0);
    expect(created).toMatchObject({
      ...job,
      status: 'pending',
      attempts: 0,
      next_attempt_at: T0,
      version: 1,
    });
    expect(await jobs.enqueue({ ...job, url: 'https://other.example.com' }, at(1))).toBeUndefined();
    expect(await jobs.get(job.event_id)).toEqual(created);
    expect(await jobs.get('missing')).toBeUndefined();
    expect(await dueIds(T0)).toContain(job.event_id);
  });

  it('lets only one claimant take a job, and takes over an expired lease', async () => {
    const job = (await jobs.enqueue(newJob(), T0))!;
    const [a, b] = await Promise.all([jobs.claim(job, at(1), at(121)), jobs.claim(job, at(1), at(121))]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const claimed = (a ?? b)!;
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1, lease_until: at(121), version: 2 });
    // Still leased: not due, and not claimable even with the current version.
    expect(await dueIds(at(100))).not.toContain(job.event_id);
    expect(await jobs.claim(claimed, at(100), at(220))).toBeUndefined();
    // The claimant died: after the lease the job is due again and another instance takes it over.
    expect(await dueIds(at(122))).toContain(job.event_id);
    const takeover = await jobs.claim(claimed, at(122), at(242));
    expect(takeover).toMatchObject({ status: 'sending', attempts: 2, version: 3 });
    // The first claimant's late write is refused by the version condition.
    expect(await jobs.markDelivered(job.event_id, claimed.version, at(123))).toBeUndefined();
    const done = await jobs.markDelivered(job.event_id, takeover!.version, at(124));
    expect(done).toMatchObject({ status: 'delivered', delivered_at: at(124), version: 4 });
    expect(done!.lease_until).toBeUndefined();
    expect(await jobs.claim(done!, at(1_000), at(1_120))).toBeUndefined();
    expect(await dueIds(at(100_000))).not.toContain(job.event_id);
  });

  it('reschedules with the reason, and ends in a visible failed state', async () => {
    const job = (await jobs.enqueue(newJob(), T0))!;
    const claimed = (await jobs.claim(job, T0, at(120)))!;
    const again = await jobs.reschedule(job.event_id, at(60), 'HTTP 503', claimed.version, at(1));
    expect(again).toMatchObject({ status: 'pending', next_attempt_at: at(60), last_error: 'HTTP 503' });
    expect(again!.lease_until).toBeUndefined();
    expect(await dueIds(at(59))).not.toContain(job.event_id);
    expect(await dueIds(at(60))).toContain(job.event_id);
    const second = (await jobs.claim(again!, at(60), at(180)))!;
    const failed = await jobs.markFailed(job.event_id, 'gave up after 2 attempts', second.version, at(61));
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, last_error: 'gave up after 2 attempts' });
    expect(await dueIds(at(100_000))).not.toContain(job.event_id);
  });

  it('respects the limit of listDue, oldest first', async () => {
    const later = newJob();
    const earlier = newJob();
    await jobs.enqueue(later, at(-20));
    await jobs.enqueue(earlier, at(-30));
    expect((await jobs.listDue(at(-10), 1)).map((j) => j.event_id)).toEqual([earlier.event_id]);
  });
});
