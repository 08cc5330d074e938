import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Agent, Transport } from '../domain/agent.js';
import type { Call, CallDirection } from '../domain/call.js';
import type { CampaignLink } from '../domain/campaign.js';
import { AppError, invalid } from '../domain/errors.js';
import { fallbackTransportOf } from '../domain/realtime-settings.js';
import type { CallStore } from '../ports/call-store.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { Telephony } from '../ports/telephony.js';
import type { AgentService } from './agent-service.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import { callbackUrl } from './callback-url.js';
import type { PhoneNumberService } from './phone-number-service.js';
import type { RateLimiter } from './rate-limiter.js';
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

// Toll fraud: only number types that reach a person at a normal price may be called (an allowlist,
// so a type libphonenumber adds later, or none at all, is refused). Personal numbers (UK 070,
// NANP 500) are a known revenue-share route; premium rate, shared cost, UAN, pager, voicemail and
// toll-free ranges reach services, not the people an agent calls. VoIP ranges (UK 056) are priced
// like geographic numbers and many people have one. getType() needs libphonenumber's 'max'
// metadata, which the engine's phone extraction loads anyway. docs/decisions/0012-toll-fraud-guards.md
const CALLABLE_TYPES = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP']);
const REFUSED_TYPE_NAMES: Record<string, string> = {
  PREMIUM_RATE: 'premium-rate',
  SHARED_COST: 'shared-cost',
  PERSONAL_NUMBER: 'personal (revenue-share)',
  TOLL_FREE: 'toll-free',
  UAN: 'universal access (UAN)',
  PAGER: 'pager',
  VOICEMAIL: 'voicemail-access',
};
const IDEMPOTENCY_TTL_SECONDS = 24 * 3_600;
// Twilio's 429 (20429) is "never processed and always safe to retry".
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_MS = 2_000;
// A duplicate of a request still running waits this long for its result (Twilio answers a create
// within its REST timeout), polling the key.
const IDEMPOTENCY_WAIT_MS = 12_000;
const IDEMPOTENCY_POLL_MS = 100;

/** Stored under a key whose call create timed out after Twilio may have accepted it. */
interface UnknownOutcome {
  outcome_unknown: true;
  at: string;
}

function replay(response: unknown): OutboundCallResult {
  if ((response as Partial<UnknownOutcome> | null)?.outcome_unknown) {
    throw new AppError(
      'upstream',
      'an earlier request with this Idempotency-Key lost its answer from Twilio, which may have created the call; ' +
        'it is not placed again: check GET /calls?recipient=… before placing it under a new key',
    );
  }
  return response as OutboundCallResult;
}

/** The same request whatever the order of its keys. */
function fingerprintOf(request: OutboundCallInput): string {
  const sorted = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = sorted({
    ...request,
    ...(request.metadata ? { metadata: sorted(request.metadata) } : {}),
  });
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Whether a failed create may still have placed the call: Twilio never answered (a timeout or a
 * connection lost mid-request). Refusals, rate limits and unreachable hosts placed nothing.
 */
function twilioMayHaveActed(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  if (error.code !== 'upstream' || error.retryable) return false;
  const status = (error.cause as { status?: unknown } | undefined)?.status;
  return typeof status !== 'number';
}

/** `error` with every issue about `from` named `to` instead (the message leads with the field). */
function renameField(error: unknown, from: string, to: string): unknown {
  if (!(error instanceof AppError) || !error.issues.some((issue) => issue.field === from)) return error;
  const issues = error.issues.map((issue) => (issue.field === from ? { ...issue, field: to } : issue));
  return new AppError(error.code, error.message.replace(new RegExp(`^${from}:`), `${to}:`), {
    issues,
    retryable: error.retryable,
    cause: error.cause,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

export interface CallServiceOptions {
  publicUrl: string;
  defaultFrom?: string;
  allowedCountries: string[];
  record: boolean;
  machineDetection: 'off' | 'Enable' | 'DetectMessageEnd';
  defaultTransport: 'gather' | 'relay';
  /**
   * Whether a realtime agent's model can be reached now (its provider has a key, its circuit is
   * closed); absent, never: a realtime agent's calls then go on over its fallback transport.
   */
  realtimeAvailable?: (agent: Agent) => boolean;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** A campaign's attempt: the link stored on its call, and the contact's variables. */
export interface CampaignCall {
  link: CampaignLink;
  variables?: Record<string, string>;
  /** Answering-machine detection for this call, whatever ANSWERING_MACHINE_DETECTION says. */
  machineDetection?: boolean;
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

  /**
   * `POST /calls`. With an Idempotency-Key, a retried request returns the first one's result; a
   * concurrent duplicate waits for the first to finish and returns the same result.
   */
  async startOutbound(input: unknown, idempotencyKey?: string): Promise<OutboundCallResult> {
    return this.placeOnce(parseOrThrow(outboundCallSchema, input), idempotencyKey);
  }

  /**
   * A campaign's attempt: an ordinary outbound call (the same guards, recording and end-of-call
   * report) whose item links it to its campaign and contact. The key makes a retried placement of
   * the same attempt (after a crash) return the first one's call instead of placing another.
   */
  startCampaignCall(
    request: OutboundCallInput,
    campaign: CampaignCall,
    idempotencyKey: string,
  ): Promise<OutboundCallResult> {
    return this.placeOnce(parseOrThrow(outboundCallSchema, request), idempotencyKey, campaign);
  }

  private async placeOnce(
    request: OutboundCallInput,
    idempotencyKey: string | undefined,
    campaign?: CampaignCall,
  ): Promise<OutboundCallResult> {
    if (!idempotencyKey) return this.placeCall(request, undefined, campaign);
    if (idempotencyKey.length > 200) throw invalid('Idempotency-Key', 'at most 200 characters');
    const key = `calls:${idempotencyKey}`;
    const fingerprint = fingerprintOf(request);
    const waitUntil = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const claim = await this.deps.idempotency.claim(key, fingerprint, IDEMPOTENCY_TTL_SECONDS);
      if (claim.state === 'claimed') break;
      if (claim.fingerprint !== fingerprint) {
        throw new AppError('conflict', 'this Idempotency-Key was used with a different request body');
      }
      if (claim.state === 'done') return replay(claim.response);
      if (Date.now() >= waitUntil) {
        throw new AppError(
          'conflict',
          'a request with this Idempotency-Key is still in progress; retry shortly',
          {
            retryable: true,
          },
        );
      }
      await this.sleep(IDEMPOTENCY_POLL_MS);
    }
    let settled = false;
    try {
      // The key is settled as soon as Twilio answers, so a failure storing the call item afterwards
      // cannot lead a retry to place a second call (the answer webhook creates the item anyway).
      return await this.placeCall(
        request,
        async (result) => {
          await this.deps.idempotency.complete(key, result);
          settled = true;
        },
        campaign,
      );
    } catch (error) {
      if (settled) throw error;
      if (twilioMayHaveActed(error)) {
        // Ambiguous (reliability.md F12): never place this call again under the same key.
        const unknown: UnknownOutcome = { outcome_unknown: true, at: this.now().toISOString() };
        await this.deps.idempotency.complete(key, unknown).catch(() => undefined);
      } else {
        await this.deps.idempotency.release(key);
      }
      throw error;
    }
  }

  /** The seed's `POST /make-call`: `to_number` is `to` under its old name, and problems name it so. */
  async makeCall(input: unknown): Promise<OutboundCallResult> {
    const body = parseOrThrow(legacyMakeCallSchema, input);
    try {
      return await this.startOutbound({ agent_id: body.agent_id, to: body.to_number });
    } catch (error) {
      throw renameField(error, 'to', 'to_number');
    }
  }

  private async placeCall(
    request: OutboundCallInput,
    onCreated?: (result: OutboundCallResult) => Promise<void>,
    campaign?: CampaignCall,
  ): Promise<OutboundCallResult> {
    const to = this.checkDestination(request.to);
    const from = await this.checkCaller(request.from);
    const agent = await this.deps.agents.getActive(request.agent_id);
    this.deps.rateLimiter.take('calls');
    const { callSid, status } = await this.createWithRetry(agent, to, from, campaign?.machineDetection);
    const result = { call_sid: callSid, status, agent_id: agent.agent_id };
    await onCreated?.(result);
    const call = this.newCall({
      callSid,
      agent,
      direction: 'outbound',
      recipient: to,
      ourNumber: from,
      status: 'queued',
      metadata: request.metadata,
      ...(campaign ? { campaign: campaign.link, variables: campaign.variables } : {}),
    });
    // The answer webhook may have created the item first (it knows the agent from its URL); a
    // campaign's link is then added to it.
    if (!(await this.deps.calls.create(call)) && campaign) {
      const link = {
        campaign: campaign.link,
        ...(campaign.variables ? { variables: campaign.variables } : {}),
      };
      await updateCallWithRetry(this.deps.calls, callSid, (current) => (current.campaign ? undefined : link));
    }
    return result;
  }

  private async createWithRetry(agent: Agent, to: string, from: string, detectMachine?: boolean) {
    const base = this.options.publicUrl;
    const configured = this.options.machineDetection === 'off' ? undefined : this.options.machineDetection;
    const machineDetection =
      detectMachine === undefined
        ? configured
        : detectMachine
          ? (configured ?? 'DetectMessageEnd')
          : undefined;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.deps.telephony.createCall({
          to,
          from,
          answerUrl: callbackUrl(base, '/twilio/voice', { agent_id: agent.agent_id }),
          statusCallbackUrl: callbackUrl(base, '/twilio/status'),
          record: this.options.record,
          recordingStatusCallbackUrl: this.options.record
            ? callbackUrl(base, '/twilio/recording')
            : undefined,
          machineDetection,
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

  /**
   * The number a call comes from: TWILIO_PHONE_NUMBER or a number assigned to an agent, so nobody
   * places calls from a caller ID we do not own (spoofing), else a 400 naming `from`.
   */
  async checkCaller(raw: string | undefined): Promise<string> {
    const ours = this.options.defaultFrom;
    if (raw === undefined) {
      if (!ours) throw invalid('from', 'no caller number: pass "from" or set TWILIO_PHONE_NUMBER');
      return ours;
    }
    const text = raw.normalize('NFKC').trim();
    const parsed = /^\+[1-9]\d{6,14}$/.test(text) ? parsePhoneNumberFromString(text) : undefined;
    if (!parsed?.isValid()) throw invalid('from', 'an E.164 number such as +14155550100');
    const number = parsed.number;
    if (number === ours || (await this.deps.phoneNumbers.isAssigned(number))) return number;
    throw invalid('from', 'not one of our numbers (TWILIO_PHONE_NUMBER or a number assigned to an agent)');
  }

  /** E.164, valid, a type that reaches a person, in an allowed country; else a 400 naming `to`. */
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
    if (!type || !CALLABLE_TYPES.has(type)) {
      const name = type ? (REFUSED_TYPE_NAMES[type] ?? type.toLowerCase()) : 'unknown-type';
      throw invalid('to', `${name} numbers are refused: only fixed-line, mobile and VoIP numbers are called`);
    }
    return parsed.number;
  }

  /**
   * The call item for a call Twilio tells us about: an inbound call routed through PhoneNumbers
   * (else the default agent), or an outbound call whose item we have not stored yet. An inbound
   * call's item exists only when Twilio asks again about the same call (a retried webhook), so it is
   * created first and read only when the create finds it there: one request fewer on every call's
   * answer. A call we place usually has its item already, so it is read first.
   */
  async ensureCall(params: {
    callSid: string;
    from: string;
    to: string;
    direction: string;
    agentIdHint?: string;
    transportHint?: Transport;
  }): Promise<{ call: Call; agent: Agent; created: boolean }> {
    const outbound = params.direction.startsWith('outbound');
    if (outbound) {
      const existing = await this.deps.calls.get(params.callSid);
      if (existing) return this.existingCall(existing);
    }
    let agent: Agent;
    try {
      agent =
        outbound && params.agentIdHint
          ? await this.deps.agents.get(params.agentIdHint)
          : await this.deps.phoneNumbers.resolveAgentForNumber(params.to);
    } catch (error) {
      // The number lost its agent since the call began: a retried webhook still finds its call.
      const existing = outbound ? undefined : await this.deps.calls.get(params.callSid);
      if (existing) return this.existingCall(existing);
      throw error;
    }
    const call = this.newCall({
      callSid: params.callSid,
      agent,
      direction: outbound ? 'outbound' : 'inbound',
      recipient: outbound ? params.to : params.from,
      ourNumber: outbound ? params.from : params.to,
      status: 'in-progress',
      transport: params.transportHint,
    });
    if (await this.deps.calls.create(call)) return { call, agent, created: true };
    const existing = await this.deps.calls.get(params.callSid);
    if (!existing)
      throw new AppError('unavailable', 'call item vanished after a conflicting create', { retryable: true });
    return this.existingCall(existing, agent);
  }

  /** A call item already stored, with its own agent (`known` when it is that one). */
  private async existingCall(
    call: Call,
    known?: Agent,
  ): Promise<{ call: Call; agent: Agent; created: boolean }> {
    const agent = known?.agent_id === call.agent_id ? known : await this.deps.agents.get(call.agent_id);
    return { call, agent, created: false };
  }

  /**
   * How the answer of `call` starts its recording, when it must: an inbound call with RECORD_CALLS
   * on. Calls we place asked for theirs at creation (`Record`), and web calls are not Twilio's.
   */
  recordingStartFor(call: Call): { statusCallbackUrl: string } | undefined {
    if (!this.options.record || call.direction !== 'inbound') return undefined;
    return { statusCallbackUrl: `${this.options.publicUrl}/twilio/recording` };
  }

  /**
   * The transport a new call is answered with. A realtime agent whose model cannot be reached now
   * is answered over its fallback transport at once, without a stream.
   */
  private transportFor(agent: Agent, hint?: Transport): Transport {
    const chosen = hint ?? agent.transport ?? this.options.defaultTransport;
    if (chosen !== 'realtime' || this.options.realtimeAvailable?.(agent)) return chosen;
    return fallbackTransportOf(agent, this.options.defaultTransport);
  }

  newCall(input: {
    callSid: string;
    agent: Agent;
    direction: CallDirection;
    recipient: string;
    ourNumber: string;
    status: Call['status'];
    metadata?: Record<string, string>;
    transport?: Transport;
    campaign?: CampaignLink;
    variables?: Record<string, string>;
  }): Call {
    const startedAt = this.now().toISOString();
    return {
      call_sid: input.callSid,
      agent_id: input.agent.agent_id,
      direction: input.direction,
      transport: input.direction === 'web' ? 'web' : this.transportFor(input.agent, input.transport),
      recipient_phone: input.recipient,
      agent_phone: input.ourNumber,
      agent_recipient_key: `${input.recipient}#${startedAt}`,
      status: input.status,
      status_sequence: -1,
      started_at: startedAt,
      data_collected: {},
      turn_count: 0,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      ...(input.campaign ? { campaign: input.campaign } : {}),
      ...(input.variables ? { variables: input.variables } : {}),
      version: 1,
    };
  }
}
