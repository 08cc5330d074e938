import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoStores } from '../../../test/recordings/harness.js';
import type { NewRecordingJob } from '../../ports/recording-job-store.js';
import type { DynamoRecordingJobStore } from './recording-job-store.js';

let stores: Awaited<ReturnType<typeof startDynamoStores>>;
let jobs: DynamoRecordingJobStore;
beforeAll(async () => {
  stores = await startDynamoStores();
  jobs = stores.jobs;
});
afterAll(() => stores.close());

let counter = 0;
const newJob = (): NewRecordingJob => {
  counter += 1;
  const hex = counter.toString(16).padStart(32, '0');
  return {
    recording_sid: `RE${hex}`,
    call_sid: `CA${hex}`,
    account_sid: `AC${'1'.repeat(32)}`,
    recording_url: `http://127.0.0.1:9/Recordings/RE${hex}`,
    duration_seconds: 4,
  };
};
const T0 = '2025-03-10T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1_000).toISOString();

describe('DynamoRecordingJobStore', () => {
  it('enqueues once per recording_sid', async () => {
    const job = newJob();
    expect(await jobs.enqueue(job, T0)).toBe(true);
    expect(await jobs.enqueue({ ...job, recording_url: 'http://other' }, T0)).toBe(false);
    expect(await jobs.get(job.recording_sid)).toMatchObject({
      ...job,
      status: 'pending',
      attempts: 0,
      next_attempt_at: T0,
      version: 1,
    });
    expect(await jobs.get('RE-missing')).toBeUndefined();
  });

  it('lets only one claimant take a job, and takes over an expired lease', async () => {
    const job = newJob();
    await jobs.enqueue(job, T0);
    const stored = (await jobs.get(job.recording_sid))!;
    const [a, b] = await Promise.all([
      jobs.claim(stored, at(1), at(301)),
      jobs.claim(stored, at(1), at(301)),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const claimed = (a ?? b)!;
    expect(claimed).toMatchObject({ status: 'copying', attempts: 1, lease_until: at(301), version: 2 });
    // Still leased: another instance cannot take it, even with the current version.
    expect(await jobs.claim(claimed, at(100), at(400))).toBeUndefined();
    // The claimant died; after the lease it is due again and can be taken over.
    expect((await jobs.listDue(at(302), 10)).map((j) => j.recording_sid)).toContain(job.recording_sid);
    const takeover = await jobs.claim(claimed, at(302), at(602));
    expect(takeover).toMatchObject({ status: 'copying', attempts: 2, version: 3 });
    // The first claimant's late write is refused by the version condition.
    expect(
      await jobs.markCopied(job.recording_sid, { s3_key: 'k', size_bytes: 1 }, claimed.version, at(303)),
    ).toBeUndefined();
    const done = await jobs.markCopied(
      job.recording_sid,
      { s3_key: 'k', size_bytes: 10 },
      takeover!.version,
      at(303),
    );
    expect(done).toMatchObject({ status: 'copied', s3_key: 'k', size_bytes: 10, version: 4 });
    expect(done!.lease_until).toBeUndefined();
    // Copied jobs are never claimed again.
    expect(await jobs.claim(done!, at(1_000), at(1_300))).toBeUndefined();
  });

  it('reschedules, lists due jobs by time, and records failures and absences', async () => {
    const job = newJob();
    await jobs.enqueue(job, T0);
    const claimed = (await jobs.claim((await jobs.get(job.recording_sid))!, T0, at(300)))!;
    const again = await jobs.reschedule(
      job.recording_sid,
      at(60),
      'download: HTTP 404',
      claimed.version,
      at(1),
    );
    expect(again).toMatchObject({
      status: 'pending',
      next_attempt_at: at(60),
      last_error: 'download: HTTP 404',
    });
    expect(again!.lease_until).toBeUndefined();
    expect((await jobs.listDue(at(59), 50)).map((j) => j.recording_sid)).not.toContain(job.recording_sid);
    expect((await jobs.listDue(at(60), 50)).map((j) => j.recording_sid)).toContain(job.recording_sid);

    const failed = await jobs.markFailed(job.recording_sid, 'gave up', again!.version, at(61));
    expect(failed).toMatchObject({ status: 'failed', last_error: 'gave up' });
    expect((await jobs.listDue(at(10_000), 50)).map((j) => j.recording_sid)).not.toContain(job.recording_sid);

    const absent = newJob();
    await jobs.enqueue({ ...absent, status: 'absent', last_error: 'error 16101' }, T0);
    expect(await jobs.get(absent.recording_sid)).toMatchObject({
      status: 'absent',
      last_error: 'error 16101',
    });
    expect((await jobs.listDue(at(10_000), 50)).map((j) => j.recording_sid)).not.toContain(
      absent.recording_sid,
    );
    const other = newJob();
    await jobs.enqueue(other, T0);
    const v = (await jobs.get(other.recording_sid))!.version;
    expect(await jobs.markAbsent(other.recording_sid, 'silent', v, at(1))).toMatchObject({
      status: 'absent',
    });
  });

  it('respects the limit of listDue, oldest first', async () => {
    const first = newJob();
    const second = newJob();
    await jobs.enqueue(second, at(-20));
    await jobs.enqueue(first, at(-30));
    const due = await jobs.listDue(at(-10), 1);
    expect(due.map((j) => j.recording_sid)).toEqual([first.recording_sid]);
  });
});
