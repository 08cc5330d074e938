import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NewWebhookJob, WebhookJob, WebhookJobStore } from '../../ports/webhook-job-store.js';
import { DynamoJobTable } from './job-table.js';
import { INDEXES } from './tables.js';

/** End-of-call webhook deliveries keyed by event_id. See docs/decisions/0006-webhook-deliveries.md. */
export class DynamoWebhookJobStore implements WebhookJobStore {
  private readonly jobs: DynamoJobTable<WebhookJob>;

  constructor(options: { doc: DynamoDBDocumentClient; table: string }) {
    this.jobs = new DynamoJobTable<WebhookJob>({
      ...options,
      key: 'event_id',
      index: INDEXES.webhookDeliveriesByStatus,
      name: 'webhooks',
    });
  }

  async enqueue(job: NewWebhookJob, now: string): Promise<WebhookJob | undefined> {
    const item: WebhookJob = {
      ...job,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    return (await this.jobs.create(item)) ? item : undefined;
  }

  get(eventId: string): Promise<WebhookJob | undefined> {
    return this.jobs.get(eventId);
  }

  claim(job: WebhookJob, now: string, leaseUntil: string): Promise<WebhookJob | undefined> {
    return this.jobs.claim(job.event_id, job.version, 'sending', now, leaseUntil);
  }

  markDelivered(eventId: string, expectedVersion: number, now: string): Promise<WebhookJob | undefined> {
    return this.jobs.settle(eventId, { status: 'delivered', delivered_at: now }, expectedVersion, now);
  }

  markFailed(eventId: string, error: string, expectedVersion: number, now: string) {
    return this.jobs.settle(eventId, { status: 'failed', last_error: error }, expectedVersion, now);
  }

  reschedule(
    eventId: string,
    nextAttemptAt: string,
    lastError: string,
    expectedVersion: number,
    now: string,
  ): Promise<WebhookJob | undefined> {
    const changes = { status: 'pending', next_attempt_at: nextAttemptAt, last_error: lastError } as const;
    return this.jobs.settle(eventId, changes, expectedVersion, now, 'reschedule');
  }

  listDue(now: string, limit: number): Promise<WebhookJob[]> {
    return this.jobs.listDue('sending', now, limit);
  }
}
