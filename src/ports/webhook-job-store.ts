// Durable end-of-call webhook deliveries: one job per event, so a restart, a crash after the summary
// is stored, or a receiver that is down for hours never loses the report, and a delivery that keeps
// failing ends visibly in `failed` with its reason.

export const WEBHOOK_JOB_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type WebhookJobStatus = (typeof WEBHOOK_JOB_STATUSES)[number];

export interface WebhookJob {
  /** The report's event_id (`<CallSid>:call.completed`): the receiver deduplicates on it. */
  event_id: string;
  call_sid: string;
  /** Resolved when the job is enqueued (the agent's webhook_url, else WEBHOOK_URL). */
  url: string;
  status: WebhookJobStatus;
  /** Attempts started so far. */
  attempts: number;
  /** ISO time: when a pending job is due; for a `sending` job, when its lease runs out. */
  next_attempt_at: string;
  last_error?: string;
  /** ISO time until which the instance that claimed the job owns it. */
  lease_until?: string;
  delivered_at?: string;
  created_at: string;
  updated_at: string;
  /** Optimistic-lock counter; every write bumps it. */
  version: number;
}

export type NewWebhookJob = Pick<WebhookJob, 'event_id' | 'call_sid' | 'url'>;

export interface WebhookJobStore {
  /** Conditional create, due at `now`: the new job, or undefined when one exists for this event_id. */
  enqueue(job: NewWebhookJob, now: string): Promise<WebhookJob | undefined>;
  get(eventId: string): Promise<WebhookJob | undefined>;
  /**
   * Takes the job for one attempt: succeeds only when its version is still `job.version` and it is
   * pending, or sending with an expired lease (the claiming instance died). Returns the claimed job
   * (status sending, attempts + 1, lease_until set) or undefined when another instance has it.
   */
  claim(job: WebhookJob, now: string, leaseUntil: string): Promise<WebhookJob | undefined>;
  /** The following writes apply only when the stored version equals `expectedVersion`. */
  markDelivered(eventId: string, expectedVersion: number, now: string): Promise<WebhookJob | undefined>;
  markFailed(
    eventId: string,
    error: string,
    expectedVersion: number,
    now: string,
  ): Promise<WebhookJob | undefined>;
  /** Back to pending, due at `nextAttemptAt`. */
  reschedule(
    eventId: string,
    nextAttemptAt: string,
    lastError: string,
    expectedVersion: number,
    now: string,
  ): Promise<WebhookJob | undefined>;
  /** Pending jobs due by `now`, and sending jobs whose lease ran out, oldest first. */
  listDue(now: string, limit: number): Promise<WebhookJob[]>;
}
