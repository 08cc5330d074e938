import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Agent } from '../domain/agent.js';
import type { Call, CallDirection } from '../domain/call.js';
import { AppError, invalid } from '../domain/errors.js';
import type { CallStore } from '../ports/call-store.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { Telephony } from '../ports/telephony.js';
import type { AgentService } from './agent-service.js';
import type { PhoneNumberService } from './phone-number-service.js';
import type { RateLimiter } from './rate-limiter.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import { parseOrThrow } from './validation.js';

export const outboundCallSchema = z
  .object({
    agent_id: z.string().min(1).max(64),
    to: z.string().min(1).max(32),
    from: z.string().min(1).max(32).optional(),
    metadata: z
      .record(z.string().max(64), z.string().max(500))
      .refine((m) => Object.keys(m).length <= 20, 'at most 20 keys')
      .optional(),
  })
  .strict();
export type OutboundCallInput = z.infer<typeof outboundCallSchema>;

/** The seed's `POST /make-call` body. */
export const legacyMakeCallSchema = z
  .object({ agent_id: z.string().min(1).max(64), to_number: z.string().min(1).max(32) })
  .strict();

// Number types that cost the caller's account far more than a normal call (toll fraud).
const REFUSED_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST', 'UAN', 'VOICEMAIL', 'PAGER']);
const IDEMPOTENCY_TTL_SECONDS = 24 * 3_600;
// Twilio's 429 (20429) is "never processed and always safe to retry".
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_MS = 2_000;

export interface CallServiceOptions {
  publicUrl: string;
  defaultFrom?: string;
  allowedCountries: string[];
  record: boolean;
  machineDetection: 'off' | 'Enable' | 'DetectMessageEnd';
  defaultTransport: 'gather' | 'relay';
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface OutboundCallResult {
  call_sid: string;
  status: string;
  agent_id: string;
}

/**
 * Starting calls: outbound through the Telephony port with toll-fraud guards and idempotency, and
 * the call item for inbound calls. Each call item is created once (conditional put on call_sid).
 */
export class CallService {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly deps: {
      calls: CallStore;
      agents: AgentService;
      phoneNumbers: PhoneNumberService;
      telephony: Telephony;
      idempotency: IdempotencyStore;
      rateLimiter: RateLimiter;
    },
    private readonly options: CallServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `POST /calls`. With an Idempotency-Key, a retried request returns the first one's result. */
  async startOutbound(input: unknown, idempotencyKey?: string): Promise<OutboundCallResult> {
    const request = parseOrThrow(outboundCallSchema, input);
    if (!idempotencyKey) return this.placeCall(request);
    if (idempotencyKey.length > 200) throw invalid('Idempotency-Key', 'at most 200 characters');
    const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const claim = await this.deps.idempotency.claim(
      `calls:${idempotencyKey}`,
      fingerprint,
      IDEMPOTENCY_TTL_SECONDS,
    );
    if (claim.state !== 'claimed') {
      if (claim.fingerprint !== fingerprint) {
        throw new AppError('conflict', 'this Idempotency-Key was used with a different request body');
      }
      if (claim.state === 'done') return claim.response as OutboundCallResult;
      throw new AppError(
        'conflict',
        'a request with this Idempotency-Key is still in progress; retry shortly',
        {
          retryable: true,
        },
      );
    }
    try {
      const result = await this.placeCall(request);
      await this.deps.idempotency.complete(`calls:${idempotencyKey}`, result);
      return result;
    } catch (error) {
      // Only a request Twilio surely did not act on may run again under the same key.
      if (error instanceof AppError && ['validation', 'not_found', 'rate_limited'].includes(error.code)) {
        await this.deps.idempotency.release(`calls:${idempotencyKey}`);
      }
      throw error;
    }
  }

  private async placeCall(request: OutboundCallInput): Promise<OutboundCallResult> {
    const to = this.checkDestination(request.to);
    const from = request.from ?? this.options.defaultFrom;
    if (!from) throw invalid('from', 'no caller number: pass "from" or set TWILIO_PHONE_NUMBER');
    const agent = await this.deps.agents.getActive(request.agent_id);
    this.deps.rateLimiter.take('calls');
    const { callSid, status } = await this.createWithRetry(agent, to, from);
    const call = this.newCall({
      callSid,
      agent,
      direction: 'outbound',
      recipient: to,
      ourNumber: from,
      status: 'queued',
      metadata: request.metadata,
    });
    // The answer webhook may have created the item first (it knows the agent from its URL).
    await this.deps.calls.create(call);
    return { call_sid: callSid, status, agent_id: agent.agent_id };
  }

  private async createWithRetry(agent: Agent, to: string, from: string) {
    const base = this.options.publicUrl;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.deps.telephony.createCall({
          to,
          from,
          answerUrl: `${base}/twilio/voice?agent_id=${encodeURIComponent(agent.agent_id)}`,
          statusCallbackUrl: `${base}/twilio/status`,
          record: this.options.record,
          recordingStatusCallbackUrl: this.options.record ? `${base}/twilio/recording` : undefined,
          machineDetection:
            this.options.machineDetection === 'off' ? undefined : this.options.machineDetection,
          timeLimitSeconds: agent.max_call_seconds + 60,
        });
      } catch (error) {
        const wait =
          (error instanceof AppError && error.retryAfterSeconds ? error.retryAfterSeconds : 0.25) * 1_000;
        const retry =
          error instanceof AppError &&
          error.code === 'rate_limited' &&
          attempt < RATE_LIMIT_RETRIES &&
          wait <= RATE_LIMIT_MAX_WAIT_MS;
        if (!retry) throw error;
        await this.sleep(wait * 2 ** attempt);
      }
    }
  }

  /** E.164, valid, not premium-rate, in an allowed country; else a 400 naming `to`. */
  checkDestination(raw: string): string {
    const text = raw.normalize('NFKC').trim();
    if (!/^\+[1-9]\d{6,14}$/.test(text)) throw invalid('to', 'an E.164 number such as +14155550100');
    const parsed = parsePhoneNumberFromString(text);
    if (!parsed?.isValid()) throw invalid('to', 'not a valid phone number');
    const country = parsed.country ?? '';
    if (!this.options.allowedCountries.includes(country)) {
      throw invalid(
        'to',
        `calls to ${country || 'this destination'} are not allowed (ALLOWED_DESTINATION_COUNTRIES)`,
      );
    }
    const type = parsed.getType();
    if (type && REFUSED_TYPES.has(type))
      throw invalid('to', 'premium-rate and shared-cost numbers are refused');
    return parsed.number;
  }

  /**
   * The call item for a call Twilio tells us about: an inbound call routed through PhoneNumbers
   * (else the default agent), or an outbound call whose item we have not stored yet.
   */
  async ensureCall(params: {
    callSid: string;
    from: string;
    to: string;
    direction: string;
    agentIdHint?: string;
  }): Promise<{ call: Call; agent: Agent }> {
    const existing = await this.deps.calls.get(params.callSid);
    if (existing) return { call: existing, agent: await this.deps.agents.get(existing.agent_id) };
    const outbound = params.direction.startsWith('outbound');
    const agent =
      outbound && params.agentIdHint
        ? await this.deps.agents.get(params.agentIdHint)
        : await this.deps.phoneNumbers.resolveAgentForNumber(params.to);
    const call = this.newCall({
      callSid: params.callSid,
      agent,
      direction: outbound ? 'outbound' : 'inbound',
      recipient: outbound ? params.to : params.from,
      ourNumber: outbound ? params.from : params.to,
      status: 'in-progress',
    });
    if (await this.deps.calls.create(call)) return { call, agent };
    const raced = await this.deps.calls.get(params.callSid);
    if (!raced)
      throw new AppError('unavailable', 'call item vanished after a conflicting create', { retryable: true });
    return { call: raced, agent };
  }

  /** After a terminal status: a call nobody ended in the conversation was ended by the caller. */
  async recordEnd(callSid: string, status: Call['status']): Promise<Call | undefined> {
    return updateCallWithRetry(this.deps.calls, callSid, (call) => {
      if (call.ended_by || !['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(status))
        return undefined;
      if (status === 'completed') return { ended_by: call.turn_count > 0 ? 'user' : 'system_complete' };
      return { ended_by: 'system_complete', outcome: status === 'failed' ? 'failed' : 'no_answer' };
    });
  }

  newCall(input: {
    callSid: string;
    agent: Agent;
    direction: CallDirection;
    recipient: string;
    ourNumber: string;
    status: Call['status'];
    metadata?: Record<string, string>;
  }): Call {
    const startedAt = this.now().toISOString();
    return {
      call_sid: input.callSid,
      agent_id: input.agent.agent_id,
      direction: input.direction,
      transport: input.direction === 'web' ? 'web' : (input.agent.transport ?? this.options.defaultTransport),
      recipient_phone: input.recipient,
      caller_phone: input.ourNumber,
      agent_recipient_key: `${input.recipient}#${startedAt}`,
      status: input.status,
      status_sequence: -1,
      started_at: startedAt,
      data_collected: {},
      turn_count: 0,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      version: 1,
    };
  }
}
