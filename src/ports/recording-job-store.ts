// Durable recording copy jobs: one per RecordingSid, so a duplicated callback or a restart never
// copies a recording twice and a copy that keeps failing ends visibly in `failed`.

export const RECORDING_JOB_STATUSES = ['pending', 'copying', 'copied', 'absent', 'failed'] as const;
export type RecordingJobStatus = (typeof RECORDING_JOB_STATUSES)[number];

export interface RecordingJob {
  recording_sid: string;
  call_sid: string;
  account_sid: string;
  /** Twilio's RecordingUrl, without extension. */
  recording_url: string;
  status: RecordingJobStatus;
  /** Download attempts started so far. */
  attempts: number;
  /** ISO time: when a pending job is due; for a `copying` job, when its lease runs out. */
  next_attempt_at: string;
  last_error?: string;
  s3_key?: string;
  size_bytes?: number;
  duration_seconds?: number;
  /** ISO time until which the instance that claimed the job owns it. */
  lease_until?: string;
  created_at: string;
  updated_at: string;
  /** Optimistic-lock counter; every write bumps it. */
  version: number;
}

export type NewRecordingJob = Pick<
  RecordingJob,
  'recording_sid' | 'call_sid' | 'account_sid' | 'recording_url' | 'duration_seconds'
> & { status?: 'pending' | 'absent' | 'failed'; last_error?: string };

export interface RecordingJobStore {
  /** Conditional create: false when a job for this recording_sid already exists. */
  enqueue(job: NewRecordingJob, now: string): Promise<boolean>;
  get(recordingSid: string): Promise<RecordingJob | undefined>;
  /**
   * Takes the job for one attempt: succeeds only when its version is still `job.version` and it is
   * pending, or copying with an expired lease (the claiming instance died). Returns the claimed job
   * (status copying, attempts + 1, lease_until set) or undefined when another instance has it.
   */
  claim(job: RecordingJob, now: string, leaseUntil: string): Promise<RecordingJob | undefined>;
  /** The following writes apply only when the stored version equals `expectedVersion`. */
  markCopied(
    recordingSid: string,
    result: { s3_key: string; size_bytes: number },
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined>;
  markFailed(
    recordingSid: string,
    error: string,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined>;
  markAbsent(
    recordingSid: string,
    error: string,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined>;
  /** Back to pending, due at `nextAttemptAt`. */
  reschedule(
    recordingSid: string,
    nextAttemptAt: string,
    lastError: string,
    expectedVersion: number,
    now: string,
  ): Promise<RecordingJob | undefined>;
  /** Pending jobs due by `now`, and copying jobs whose lease ran out, oldest first. */
  listDue(now: string, limit: number): Promise<RecordingJob[]>;
}
