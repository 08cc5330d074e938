// Copies each Twilio recording to object storage, off the webhook's path, exactly once.
// A durable job per RecordingSid (RecordingJobStore) makes duplicates and restarts harmless; the
// object key is deterministic, so even two overlapping attempts leave one object.
// twilio-protocols.md 1(b), reliability.md 1.6 and 3.
import type { Call, RecordingInfo } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { CallStore } from '../ports/call-store.js';
import type { RecordingJob, RecordingJobStore } from '../ports/recording-job-store.js';
import type { RecordingStore } from '../ports/recording-store.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import { DuePoller } from './due-poller.js';
import { originAllowed } from './media-origin.js';

export type RecordingFormat = 'mp3' | 'wav';
export const CONTENT_TYPES: Record<RecordingFormat, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };

export interface RecordingRetryPolicy {
  /** Wait before attempt `attempt + 1`, after `attempt` attempts failed. */
  delayMs(attempt: number): number;
  maxAttempts: number;
  /** A job older than this ends in `failed` at its next transient failure. */
  maxAgeMs: number;
}

// 2 s, 4 s, 8 s … capped at 10 min; 12 attempts span about 50 minutes. A fresh recording is often
// 404 for a few seconds to minutes (reliability.md 1.6).
export const DEFAULT_RECORDING_RETRY: RecordingRetryPolicy = {
  delayMs: (attempt) => Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 600_000),
  maxAttempts: 12,
  maxAgeMs: 24 * 3_600_000,
};

export interface RecordingCopierOptions {
  jobs: RecordingJobStore;
  calls: CallStore;
  recordings: RecordingStore;
  /** Download (and optional delete) of Twilio's copy. */
  fetch: typeof globalThis.fetch;
  /** Basic auth for Twilio's media URLs: account SID and auth token. */
  credentials: { accountSid: string; authToken: string };
  format: RecordingFormat;
  /**
   * Origins a RecordingUrl may point at (https://api.twilio.com; `*` for host labels, see
   * originAllowed). The download carries our credentials and its body is served back to API users,
   * so a signed callback naming any other host is refused, whatever the mode.
   */
  mediaOrigins: readonly string[];
  /** Delete Twilio's copy once the S3 copy is verified (DELETE_TWILIO_RECORDINGS). */
  deleteFromTwilio: boolean;
  logger: Logger;
  now?: () => Date;
  retry?: RecordingRetryPolicy;
  /** How often due jobs are looked for (default 30 s). */
  pollIntervalMs?: number;
  /** How long a claimed job belongs to this instance before another may take it over (default 5 min). */
  leaseMs?: number;
  downloadTimeoutMs?: number;
  batchSize?: number;
}

export type RecordingCallbackResult = 'enqueued' | 'duplicate' | 'absent' | 'failed' | 'ignored';
export type RecordingAttemptResult = 'copied' | 'rescheduled' | 'failed' | 'skipped';

/** A failure of one attempt: transient ones are retried, the others end the job as `failed`. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const SID = { RE: /^RE[0-9a-fA-F]{32}$/, CA: /^CA[0-9a-fA-F]{32}$/, AC: /^AC[0-9a-fA-F]{32}$/ };

export function recordingKey(
  accountSid: string,
  callSid: string,
  recordingSid: string,
  format: RecordingFormat,
) {
  return `recordings/${accountSid}/${callSid}/${recordingSid}.${format}`;
}

export class RecordingCopier {
  private readonly now: () => Date;
  private readonly retry: RecordingRetryPolicy;
  private readonly poller: DuePoller;

  constructor(private readonly options: RecordingCopierOptions) {
    this.now = options.now ?? (() => new Date());
    this.retry = options.retry ?? DEFAULT_RECORDING_RETRY;
    this.poller = new DuePoller({
      runDue: () => this.runDue(),
      intervalMs: options.pollIntervalMs ?? 30_000,
      onError: (error) => options.logger.error({ err: error }, 'recording copy failed'),
    });
  }

  /**
   * Handles Twilio's recording status callback (form parameters). Stores what is needed and
   * returns at once; the download runs in the background.
   */
  async handleCallback(params: Record<string, string | undefined>): Promise<RecordingCallbackResult> {
    const status = params.RecordingStatus;
    if (status !== 'completed' && status !== 'absent' && status !== 'failed') return 'ignored';
    const recordingSid = params.RecordingSid ?? '';
    const callSid = params.CallSid ?? '';
    const accountSid = params.AccountSid ?? '';
    if (!SID.RE.test(recordingSid) || !SID.CA.test(callSid) || !SID.AC.test(accountSid))
      throw new AppError(
        'validation',
        'recording callback without valid RecordingSid, CallSid and AccountSid',
      );
    // The download sends our credentials: only for recordings of our own account.
    if (accountSid !== this.options.credentials.accountSid)
      throw new AppError('forbidden', 'recording callback for another account');
    const recordingUrl = params.RecordingUrl ?? '';
    if (status === 'completed') this.checkRecordingUrl(recordingUrl);
    const duration = Number(params.RecordingDuration);
    const durationSeconds = Number.isFinite(duration) && duration >= 0 ? duration : undefined;
    const now = this.now().toISOString();
    const base = {
      recording_sid: recordingSid,
      call_sid: callSid,
      account_sid: accountSid,
      recording_url: recordingUrl,
      duration_seconds: durationSeconds,
    };
    const log = { recording_sid: recordingSid, call_sid: callSid };

    if (status !== 'completed') {
      const reason = `Twilio reported the recording ${status}${params.ErrorCode ? ` (error ${params.ErrorCode})` : ''}`;
      const created = await this.options.jobs.enqueue({ ...base, status, last_error: reason }, now);
      if (!created) return 'duplicate';
      this.options.logger.info({ ...log, error_code: params.ErrorCode }, `recording ${status}`);
      await this.setCallRecording(callSid, {
        recording_sid: recordingSid,
        status,
        error: reason,
        duration_seconds: durationSeconds,
      });
      return status;
    }

    const created = await this.options.jobs.enqueue(base, now);
    if (!created) {
      this.options.logger.info(log, 'duplicate recording callback ignored');
      return 'duplicate';
    }
    await this.setCallRecording(callSid, {
      recording_sid: recordingSid,
      status: 'pending',
      duration_seconds: durationSeconds,
    });
    this.poller.track(
      this.options.jobs.get(recordingSid).then((job) => (job ? this.attempt(job) : 'skipped')),
    );
    return 'enqueued';
  }

  /** One download-and-upload attempt for a job, if this instance can claim it. */
  async attempt(job: RecordingJob): Promise<RecordingAttemptResult> {
    const { jobs, logger } = this.options;
    const started = this.now();
    const leaseUntil = new Date(started.getTime() + (this.options.leaseMs ?? 300_000)).toISOString();
    const claimed = await jobs.claim(job, started.toISOString(), leaseUntil);
    if (!claimed) return 'skipped';
    const log = {
      recording_sid: claimed.recording_sid,
      call_sid: claimed.call_sid,
      attempt: claimed.attempts,
    };
    try {
      const copied = await this.copy(claimed);
      const stamp = this.now().toISOString();
      const marked = await jobs.markCopied(claimed.recording_sid, copied, claimed.version, stamp);
      await this.setCallRecording(claimed.call_sid, {
        recording_sid: claimed.recording_sid,
        status: 'copied',
        s3_key: copied.s3_key,
        size_bytes: copied.size_bytes,
        duration_seconds: claimed.duration_seconds,
      });
      logger.info({ ...log, s3_key: copied.s3_key, size_bytes: copied.size_bytes }, 'recording copied');
      // Only the instance that recorded the verified copy deletes Twilio's; a lost lease means another
      // instance owns the job now.
      if (marked && this.options.deleteFromTwilio) await this.deleteTwilioCopy(claimed);
      return 'copied';
    } catch (error) {
      const failure =
        error instanceof AttemptError
          ? error
          : new AttemptError(`storage: ${error instanceof Error ? error.message : String(error)}`, true);
      return this.afterFailure(claimed, failure, log);
    }
  }

  /** Attempts every due job once; resolves the number of jobs looked at. */
  async runDue(): Promise<number> {
    const due = await this.options.jobs.listDue(this.now().toISOString(), this.options.batchSize ?? 25);
    for (const job of due) {
      await this.attempt(job).catch((error: unknown) =>
        this.options.logger.error(
          { err: error, recording_sid: job.recording_sid },
          'recording attempt failed',
        ),
      );
    }
    return due.length;
  }

  /** Runs due jobs now (start-up) and then every pollIntervalMs. */
  start(): void {
    this.poller.start();
  }

  /** Stops polling and waits for attempts in flight. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** For tests: waits for attempts in flight, then runs due jobs until none is due. */
  drain(maxRounds = 50): Promise<void> {
    return this.poller.drain(maxRounds);
  }

  private async copy(job: RecordingJob): Promise<{ s3_key: string; size_bytes: number }> {
    const { format, recordings } = this.options;
    const body = await this.download(job);
    const key = recordingKey(job.account_sid, job.call_sid, job.recording_sid, format);
    // The body is a buffer, not a stream, so SDK retries and later attempts can resend it.
    await recordings.put(key, body, CONTENT_TYPES[format]);
    const stored = await recordings.head(key);
    if (!stored) throw new AttemptError('verification: the object is missing after upload', true);
    if (stored.size_bytes !== body.byteLength)
      throw new AttemptError(
        `verification: stored ${stored.size_bytes} bytes, downloaded ${body.byteLength}`,
        true,
      );
    return { s3_key: key, size_bytes: body.byteLength };
  }

  private async download(job: RecordingJob): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.options.fetch(`${job.recording_url}.${this.options.format}`, {
        headers: { authorization: this.basicAuth() },
        signal: AbortSignal.timeout(this.options.downloadTimeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new AttemptError(`download: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AttemptError(
        `download: Twilio refused the credentials (HTTP ${response.status}); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`,
        false,
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      // 404 is normal for a fresh recording; 429 and 5xx pass. Other answers will not change.
      const transient = response.status === 404 || response.status === 429 || response.status >= 500;
      throw new AttemptError(`download: HTTP ${response.status}`, transient);
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new AttemptError(`download: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (body.byteLength === 0) throw new AttemptError('download: empty body', true);
    return body;
  }

  private async afterFailure(
    job: RecordingJob,
    failure: AttemptError,
    log: Record<string, unknown>,
  ): Promise<RecordingAttemptResult> {
    const { jobs, logger } = this.options;
    const now = this.now();
    const stamp = now.toISOString();
    const tooOld = now.getTime() - Date.parse(job.created_at) >= this.retry.maxAgeMs;
    if (failure.transient && job.attempts < this.retry.maxAttempts && !tooOld) {
      const delayMs = this.retry.delayMs(job.attempts);
      const next = new Date(now.getTime() + delayMs).toISOString();
      await jobs.reschedule(job.recording_sid, next, failure.message, job.version, stamp);
      this.poller.pollAfter(delayMs);
      logger.warn(
        { ...log, error: failure.message, next_attempt_at: next },
        'recording copy will be retried',
      );
      return 'rescheduled';
    }
    const reason = failure.transient
      ? `gave up after ${job.attempts} attempts: ${failure.message}`
      : failure.message;
    await jobs.markFailed(job.recording_sid, reason, job.version, stamp);
    await this.setCallRecording(job.call_sid, {
      recording_sid: job.recording_sid,
      status: 'failed',
      error: reason,
      duration_seconds: job.duration_seconds,
    });
    logger.error({ ...log, error: reason }, 'recording copy failed');
    return 'failed';
  }

  private async deleteTwilioCopy(job: RecordingJob): Promise<void> {
    const log = { recording_sid: job.recording_sid, call_sid: job.call_sid };
    try {
      const response = await this.options.fetch(`${job.recording_url}.json`, {
        method: 'DELETE',
        headers: { authorization: this.basicAuth() },
        signal: AbortSignal.timeout(this.options.downloadTimeoutMs ?? 60_000),
      });
      await response.body?.cancel();
      if (response.status === 204 || response.status === 404)
        this.options.logger.info(log, 'Twilio copy of the recording deleted');
      else this.options.logger.warn({ ...log, status_code: response.status }, 'Twilio copy not deleted');
    } catch (error) {
      this.options.logger.warn({ ...log, err: error }, 'Twilio copy not deleted');
    }
  }

  private checkRecordingUrl(recordingUrl: string): void {
    let origin: string;
    try {
      const url = new URL(recordingUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
      origin = url.origin;
    } catch {
      throw new AppError('validation', 'recording callback without a valid RecordingUrl');
    }
    if (!originAllowed(this.options.mediaOrigins, origin))
      throw new AppError('forbidden', 'RecordingUrl is not on an allowed Twilio host');
  }

  private basicAuth(): string {
    const { accountSid, authToken } = this.options.credentials;
    return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  }

  private async setCallRecording(callSid: string, recording: RecordingInfo): Promise<void> {
    const updated = await updateCallWithRetry(this.options.calls, callSid, (call: Call) =>
      // A later state of the same recording wins; `copied` is never overwritten by an older state.
      call.recording?.recording_sid === recording.recording_sid && call.recording.status === 'copied'
        ? undefined
        : { recording },
    );
    if (!updated && !(await this.options.calls.get(callSid)))
      this.options.logger.warn({ call_sid: callSid }, 'recording for an unknown call');
  }
}
