import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NewRecordingJob, RecordingJob, RecordingJobStore } from '../../ports/recording-job-store.js';
import { DynamoJobTable } from './job-table.js';
import { INDEXES } from './tables.js';

/**
 * Recording copy jobs keyed by recording_sid. Every transition is a single-item conditional update
 * on `version` (dynalite has no transactions), so two instances never run the same attempt.
 * StatusIndex (status, next_attempt_at) finds due jobs without a scan.
 */
export class DynamoRecordingJobStore implements RecordingJobStore {
  private readonly jobs: DynamoJobTable<RecordingJob>;

  constructor(options: { doc: DynamoDBDocumentClient; table: string }) {
    this.jobs = new DynamoJobTable<RecordingJob>({
      ...options,
      key: 'recording_sid',
      index: INDEXES.recordingsByStatus,
      name: 'recordings',
    });
  }

  enqueue(job: NewRecordingJob, now: string): Promise<boolean> {
    return this.jobs.create({
      ...job,
      status: job.status ?? 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
      version: 1,
    });
  }

  get(recordingSid: string): Promise<RecordingJob | undefined> {
    return this.jobs.get(recordingSid);
  }

  claim(job: RecordingJob, now: string, leaseUntil: string): Promise<RecordingJob | undefined> {
    return this.jobs.claim(job.recording_sid, job.version, 'copying', now, leaseUntil);
  }

  markCopied(
    recordingSid: string,
    result: { s3_key: string; size_bytes: number },
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined> {
    return this.jobs.settle(recordingSid, { ...result, status: 'copied' }, expectedVersion, now);
  }

  markFailed(recordingSid: string, error: string, expectedVersion: number, now: string) {
    return this.jobs.settle(recordingSid, { status: 'failed', last_error: error }, expectedVersion, now);
  }

  markAbsent(recordingSid: string, error: string, expectedVersion: number, now: string) {
    return this.jobs.settle(recordingSid, { status: 'absent', last_error: error }, expectedVersion, now);
  }

  reschedule(
    recordingSid: string,
    nextAttemptAt: string,
    lastError: string,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined> {
    const changes = { status: 'pending', next_attempt_at: nextAttemptAt, last_error: lastError } as const;
    return this.jobs.settle(recordingSid, changes, expectedVersion, now, 'reschedule');
  }

  listDue(now: string, limit: number): Promise<RecordingJob[]> {
    return this.jobs.listDue('copying', now, limit);
  }
}
