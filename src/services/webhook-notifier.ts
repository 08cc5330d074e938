// The end-of-call report to the user's own systems: signed JSON, retried with backoff, every
// attempt logged on the call. The transport (`post`) is injected: the container passes the SSRF
// guard's pinned, redirect-free fetch (adapters/net/url-guard.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from '../domain/agent.js';
import type { Call, CollectedScalar, Turn, WebhookDelivery } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { CallStore } from '../ports/call-store.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

export { signWebhook, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

export type WebhookPost = (
  url: string,
  request: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number }>;

export interface WebhookNotifierOptions {
  calls: CallStore;
  post: WebhookPost;
  /** WEBHOOK_URL: used when the agent has no webhook_url. */
  defaultUrl?: string;
  /** WEBHOOK_SECRET, or the signing secret persisted under DATA_DIR. */
  secret: string;
  logger: Logger;
  /** Waits between attempts; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  /** Prefix for the recording link, e.g. PUBLIC_URL; the bare path when absent. */
  publicUrl?: string;
  timeoutMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<unknown>;
}

// 5 attempts over about a minute.
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 40_000] as const;
// Bounds the delivery log on the call item (400 KB item limit).
const MAX_DELIVERIES_KEPT = 20;

export interface CallReport {
  event: 'call.completed';
  /** Stable across retries: receivers deduplicate on it. */
  event_id: string;
  call: Pick<
    Call,
    | 'call_sid'
    | 'agent_id'
    | 'direction'
    | 'status'
    | 'started_at'
    | 'answered_at'
    | 'ended_at'
    | 'duration_seconds'
    | 'ended_by'
    | 'outcome'
    | 'summary'
    | 'answered_by'
    | 'transferred_to'
    | 'recipient_phone'
    | 'metadata'
  >;
  agent: { agent_id: string; name?: string };
  transcript: { seq: number; at: string; caller_text?: string; agent_text: string; interrupted?: boolean }[];
  data_collected: Record<string, CollectedScalar>;
  recording: { status: string; s3_key?: string; duration_seconds?: number; url?: string } | null;
  totals: Call['totals'] | null;
}

/** The JSON report of a finished call. The recording link is the admin API path, never a presigned URL. */
export function buildCallReport(
  call: Call,
  turns: readonly Turn[],
  agent: Agent | undefined,
  publicUrl = '',
): CallReport {
  const recording = call.recording;
  return {
    event: 'call.completed',
    event_id: `${call.call_sid}:call.completed`,
    call: {
      call_sid: call.call_sid,
      agent_id: call.agent_id,
      direction: call.direction,
      status: call.status,
      started_at: call.started_at,
      answered_at: call.answered_at,
      ended_at: call.ended_at,
      duration_seconds: call.duration_seconds,
      ended_by: call.ended_by,
      outcome: call.outcome,
      summary: call.summary,
      answered_by: call.answered_by,
      transferred_to: call.transferred_to,
      recipient_phone: call.recipient_phone,
      metadata: call.metadata,
    },
    agent: { agent_id: call.agent_id, name: agent?.name },
    transcript: [...turns]
      .sort((a, b) => a.seq - b.seq)
      .map((t) => ({
        seq: t.seq,
        at: t.received_at,
        caller_text: t.caller_text,
        agent_text: t.agent_text,
        ...(t.interrupted ? { interrupted: true } : {}),
      })),
    data_collected: Object.fromEntries(Object.entries(call.data_collected).map(([k, v]) => [k, v.value])),
    recording:
      recording && recording.status !== 'absent'
        ? {
            status: recording.status,
            s3_key: recording.s3_key,
            duration_seconds: recording.duration_seconds,
            url: `${publicUrl.replace(/\/+$/, '')}/calls/${encodeURIComponent(call.call_sid)}/recording`,
          }
        : null,
    totals: call.totals ?? null,
  };
}

export type WebhookResult = 'delivered' | 'failed' | 'skipped';

export class WebhookNotifier {
  constructor(private readonly options: WebhookNotifierOptions) {}

  /** The URL for a call of `agent`, or undefined when none is configured. */
  urlFor(agent: Agent | undefined): string | undefined {
    return agent?.webhook_url ?? this.options.defaultUrl;
  }

  /** Sends the report, retrying transient failures; never throws for delivery problems. */
  async notify(call: Call, turns: readonly Turn[], agent: Agent | undefined): Promise<WebhookResult> {
    const url = this.urlFor(agent);
    if (!url) return 'skipped';
    const { logger } = this.options;
    const body = JSON.stringify(buildCallReport(call, turns, agent, this.options.publicUrl));
    const delays = this.options.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    const wait = this.options.sleep ?? sleep;
    const log = { call_sid: call.call_sid, agent_id: call.agent_id };
    for (let attempt = 1; attempt <= delays.length + 1; attempt += 1) {
      const outcome = await this.send(url, body);
      await this.record(call.call_sid, { attempt, at: this.now().toISOString(), ...outcome.delivery });
      if (outcome.delivery.ok) {
        logger.info({ ...log, attempt, status_code: outcome.delivery.status_code }, 'webhook delivered');
        return 'delivered';
      }
      logger.warn(
        { ...log, attempt, status_code: outcome.delivery.status_code, error: outcome.delivery.error },
        'webhook attempt failed',
      );
      if (!outcome.retry || attempt > delays.length) break;
      await wait(delays[attempt - 1]!);
    }
    logger.error(log, 'webhook not delivered');
    return 'failed';
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async send(
    url: string,
    body: string,
  ): Promise<{ delivery: Omit<WebhookDelivery, 'attempt' | 'at'>; retry: boolean }> {
    const timestamp = Math.floor(this.now().getTime() / 1_000);
    try {
      const { status } = await this.options.post(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'voice-agent-webhook/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.options.secret, body, timestamp),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
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
