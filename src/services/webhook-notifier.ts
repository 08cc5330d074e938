// The end-of-call report to the user's own systems: signed JSON, delivered through a durable job per
// call (WebhookJobStore) that survives restarts and crashes, retried with backoff for up to a day,
// every attempt logged on the call. The transport (`post`) is injected: the container passes the
// SSRF guard's pinned, redirect-free fetch (adapters/net/url-guard.ts).
// See docs/decisions/0006-webhook-deliveries.md.
import type { Agent } from '../domain/agent.js';
import type { Call, WebhookDelivery } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CallStore } from '../ports/call-store.js';
import type { Telemetry, TraceHeaders } from '../ports/telemetry.js';
import type { WebhookJob, WebhookJobStore } from '../ports/webhook-job-store.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import { buildCallReport, webhookEventId } from './call-report.js';
import { DuePoller } from './due-poller.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

export { signWebhook, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';
export { buildCallReport, webhookEventId, type CallReport } from './call-report.js';

export type WebhookPost = (
  url: string,
  request: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number }>;

export interface WebhookRetryPolicy {
  /** Wait before attempt `attempt + 1`, after `attempt` attempts failed. */
  delayMs(attempt: number): number;
  maxAttempts: number;
  /** A job older than this ends in `failed` at its next failure. */
  maxAgeMs: number;
}

// 10 s, 20 s, 40 s … capped at 2 h: 20 attempts span about 21 hours, so a receiver that is down
// for most of a day still gets the report; nothing is tried after 24 h.
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  delayMs: (attempt) => Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 2 * 3_600_000),
  maxAttempts: 20,
  maxAgeMs: 24 * 3_600_000,
};

export interface WebhookNotifierOptions {
  calls: CallStore;
  agents: AgentStore;
  jobs: WebhookJobStore;
  post: WebhookPost;
  /** WEBHOOK_URL: used when the agent has no webhook_url. */
  defaultUrl?: string;
  /** WEBHOOK_SECRET, or the signing secret persisted under DATA_DIR. */
  secret: string;
  logger: Logger;
  retry?: WebhookRetryPolicy;
  /** Prefix for the recording link, e.g. PUBLIC_URL; the bare path when absent. */
  publicUrl?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** How often due deliveries are looked for (default 30 s). */
  pollIntervalMs?: number;
  /** How long a claimed delivery belongs to this instance (default 2 min, well past timeoutMs). */
  leaseMs?: number;
  batchSize?: number;
  /** Each attempt is a span in the call's trace, and its `traceparent` goes with the request. */
  telemetry?: Telemetry;
}

// Bounds the delivery log on the call item (400 KB item limit).
const MAX_DELIVERIES_KEPT = 20;
const DEFAULT_TIMEOUT_MS = 10_000;

/** delivered / failed: the first attempt's end; scheduled: it failed and will be retried. */
export type WebhookResult = 'delivered' | 'scheduled' | 'failed' | 'skipped' | 'duplicate';
export type WebhookAttemptResult = 'delivered' | 'scheduled' | 'failed' | 'skipped';

type SendOutcome = { delivery: Omit<WebhookDelivery, 'attempt' | 'at'>; retry: boolean };

export class WebhookNotifier {
  private readonly retry: WebhookRetryPolicy;
  private readonly poller: DuePoller;

  constructor(private readonly options: WebhookNotifierOptions) {
    this.retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
    this.poller = new DuePoller({
      runDue: () => this.runDue(),
      intervalMs: options.pollIntervalMs ?? 30_000,
      onError: (error) => options.logger.error({ err: error }, 'webhook poll failed'),
    });
  }

  /** The URL for a call of `agent`, or undefined when none is configured. */
  urlFor(agent: Agent | undefined): string | undefined {
    return agent?.webhook_url ?? this.options.defaultUrl;
  }

  /** Stores the delivery job for a finalized call; undefined when no URL is set or it exists. */
  async enqueue(call: Call, agent: Agent | undefined): Promise<WebhookJob | undefined> {
    const url = this.urlFor(agent);
    if (!url) return undefined;
    const job = { event_id: webhookEventId(call.call_sid), call_sid: call.call_sid, url };
    return this.options.jobs.enqueue(job, this.now().toISOString());
  }

  /** Enqueues the report, then makes the first attempt at once. Throws only when the store does. */
  async notify(call: Call, agent: Agent | undefined): Promise<WebhookResult> {
    if (!this.urlFor(agent)) return 'skipped';
    const job = await this.enqueue(call, agent);
    if (!job) return 'duplicate';
    return this.attempt(job);
  }

  /** One attempt for a job, if this instance can claim it. */
  async attempt(job: WebhookJob): Promise<WebhookAttemptResult> {
    const { jobs, logger } = this.options;
    const started = this.now();
    const leaseUntil = new Date(started.getTime() + (this.options.leaseMs ?? 120_000)).toISOString();
    const claimed = await jobs.claim(job, started.toISOString(), leaseUntil);
    if (!claimed) return 'skipped';
    const log = { call_sid: claimed.call_sid, event_id: claimed.event_id, attempt: claimed.attempts };
    const span = this.options.telemetry?.startCallSpan(claimed.call_sid, 'webhook POST', {
      'http.request.method': 'POST',
      'server.address': hostOf(claimed.url),
      'voice_agent.webhook.attempt': claimed.attempts,
    });
    let outcome: SendOutcome;
    try {
      const body = await this.body(claimed);
      outcome = body
        ? await this.send(claimed.url, body, span?.traceHeaders())
        : { delivery: { ok: false, error: 'the call no longer exists' }, retry: false };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = { delivery: { ok: false, error: `storage: ${message}` }, retry: true };
    }
    span?.end(
      { 'http.response.status_code': outcome.delivery.status_code },
      outcome.delivery.ok ? undefined : (outcome.delivery.error ?? `HTTP ${outcome.delivery.status_code}`),
    );
    const stamp = this.now().toISOString();
    const delivery = { attempt: claimed.attempts, at: stamp, ...outcome.delivery };
    if (outcome.delivery.ok) {
      // Marked first: a failure to log the attempt on the call must not send the report again.
      // A lost lease (another instance took over) leaves the job to that instance's version.
      await jobs.markDelivered(claimed.event_id, claimed.version, stamp);
      await this.record(claimed.call_sid, delivery).catch((error: unknown) =>
        logger.warn({ ...log, err: error }, 'webhook delivered; recording the attempt on the call failed'),
      );
      logger.info({ ...log, status_code: delivery.status_code }, 'webhook delivered');
      return 'delivered';
    }
    const error = delivery.error ?? `HTTP ${delivery.status_code}`;
    const tooOld = Date.parse(stamp) - Date.parse(claimed.created_at) >= this.retry.maxAgeMs;
    if (outcome.retry && claimed.attempts < this.retry.maxAttempts && !tooOld) {
      const delayMs = this.retry.delayMs(claimed.attempts);
      const next = new Date(Date.parse(stamp) + delayMs).toISOString();
      await this.record(claimed.call_sid, { ...delivery, retry_at: next });
      await jobs.reschedule(claimed.event_id, next, error, claimed.version, stamp);
      this.poller.pollAfter(delayMs);
      logger.warn(
        { ...log, status_code: delivery.status_code, error, retry_at: next },
        'webhook attempt failed',
      );
      return 'scheduled';
    }
    const reason = outcome.retry ? `gave up after ${claimed.attempts} attempts: ${error}` : error;
    await this.record(claimed.call_sid, delivery);
    await jobs.markFailed(claimed.event_id, reason, claimed.version, stamp);
    logger.error({ ...log, status_code: delivery.status_code, error: reason }, 'webhook not delivered');
    return 'failed';
  }

  /** Attempts every due delivery once; resolves the number of jobs looked at. */
  async runDue(): Promise<number> {
    const due = await this.options.jobs.listDue(this.now().toISOString(), this.options.batchSize ?? 25);
    for (const job of due) {
      await this.attempt(job).catch((error: unknown) =>
        this.options.logger.error({ err: error, event_id: job.event_id }, 'webhook attempt failed'),
      );
    }
    return due.length;
  }

  /** Runs due deliveries now (start-up: those an earlier run left) and then every pollIntervalMs. */
  start(): void {
    this.poller.start();
  }

  /** Stops polling and waits for attempts in flight. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** For tests: waits for attempts in flight, then runs due deliveries until none is due. */
  drain(): Promise<void> {
    return this.poller.drain();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The report as it stands now (the recording may have been copied since the call ended). */
  private async body(job: WebhookJob): Promise<string | undefined> {
    const { calls, agents, publicUrl } = this.options;
    const call = await calls.get(job.call_sid);
    if (!call) return undefined;
    const [turns, agent] = await Promise.all([calls.listTurns(job.call_sid), agents.get(call.agent_id)]);
    return JSON.stringify(buildCallReport(call, turns, agent, publicUrl));
  }

  private async send(url: string, body: string, trace: TraceHeaders = {}): Promise<SendOutcome> {
    const timestamp = Math.floor(this.now().getTime() / 1_000);
    try {
      const { status } = await this.options.post(url, {
        method: 'POST',
        headers: {
          ...trace,
          'content-type': 'application/json',
          'user-agent': 'voice-agent-webhook/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.options.secret, body, timestamp),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      if (status >= 200 && status < 300) return { delivery: { ok: true, status_code: status }, retry: false };
      const error =
        status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
      return { delivery: { ok: false, status_code: status, error }, retry: status === 429 || status >= 500 };
    } catch (error) {
      // The URL guard refuses private targets and bad URLs: retrying will not change that.
      if (error instanceof AppError && error.code === 'validation')
        return { delivery: { ok: false, error: error.message }, retry: false };
      const message = error instanceof Error ? error.message : String(error);
      return { delivery: { ok: false, error: `network: ${message}` }, retry: true };
    }
  }

  private async record(callSid: string, delivery: WebhookDelivery): Promise<void> {
    try {
      await updateCallWithRetry(this.options.calls, callSid, (call) => ({
        webhook_deliveries: [...(call.webhook_deliveries ?? []), delivery].slice(-MAX_DELIVERIES_KEPT),
      }));
    } catch (error) {
      this.options.logger.error({ err: error, call_sid: callSid }, 'webhook attempt not recorded');
    }
  }
}

/** The URL's host, for the span (never its path or query, which may carry a token). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'invalid';
  }
}
