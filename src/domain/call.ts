import type { MemoryPolicy, Transport } from './agent.js';
import type { CampaignLink } from './campaign.js';

// Twilio's CallStatus values (twilio-node call.ts), plus 'initiated' from status callbacks.
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const TERMINAL_STATUSES: readonly CallStatus[] = [
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
];

export const ENDED_BY = [
  'user',
  'system_complete',
  'system_timeout',
  'system_silence',
  'error',
  'transfer',
] as const;
export type EndedBy = (typeof ENDED_BY)[number];

export const OUTCOMES = [
  'resolved',
  'follow_up_needed',
  'not_interested',
  'voicemail',
  'no_answer',
  'transferred',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type CallDirection = 'inbound' | 'outbound' | 'web';
export type CollectedScalar = string | number | boolean;

export interface CollectedValue {
  value: CollectedScalar;
  /** The turn sequence number whose caller text gave this value. */
  turn: number;
}

export interface RecordingInfo {
  recording_sid: string;
  status: 'pending' | 'copied' | 'absent' | 'failed';
  s3_key?: string;
  size_bytes?: number;
  duration_seconds?: number;
  error?: string;
}

export interface WebhookDelivery {
  attempt: number;
  at: string;
  status_code?: number;
  error?: string;
  ok: boolean;
  /** When the next attempt is due; a failed attempt without it was the last one. */
  retry_at?: string;
}

export interface Call {
  call_sid: string;
  agent_id: string;
  direction: CallDirection;
  transport: Transport | 'web';
  /** The person the agent talks to: the callee of an outbound call, the caller of an inbound one. */
  recipient_phone: string;
  /** Our side of the call: the Twilio number. */
  agent_phone: string;
  /** `${recipient_phone}#${started_at}`: AgentRecipientIndex sort key, so past calls with one person sort by time. */
  agent_recipient_key: string;
  status: CallStatus;
  /** Highest status-callback SequenceNumber applied; older callbacks never overwrite newer state. */
  status_sequence: number;
  started_at: string;
  answered_at?: string;
  ended_at?: string;
  duration_seconds?: number;
  answered_by?: string;
  ended_by?: EndedBy;
  outcome?: Outcome;
  summary?: string;
  data_collected: Record<string, CollectedValue>;
  /** Number of turns stored (the greeting is turn 0). */
  turn_count: number;
  metadata?: Record<string, string>;
  /** A campaign's attempt: which campaign, contact and attempt this call is. */
  campaign?: CampaignLink;
  /** The campaign contact's variables, for {{name}} placeholders in the agent's texts. */
  variables?: Record<string, string>;
  /**
   * What the agent may recall of finished calls with the same agent and person, loaded once when
   * the call starts, and only as `memory` says.
   */
  past_calls?: PastCallGist[];
  /** Whether past calls were recalled for this call, and why; set once when the call starts. */
  memory?: MemoryDecision;
  transferred_to?: string;
  /** The call left its realtime model for its fallback transport, and why (the model failed or was lost). */
  transport_switch?: { from: 'realtime'; reason: string };
  /** ConversationRelay sessions reopened after a lost socket (bounds a reconnect loop). */
  relay_reconnects?: number;
  recording?: RecordingInfo;
  webhook_deliveries?: WebhookDelivery[];
  totals?: {
    latency_ms: number;
    model_latency_ms: number;
    input_tokens: number;
    output_tokens: number;
    /** Input tokens the model providers served from their prompt caches (part of input_tokens). */
    cached_input_tokens?: number;
    cost_micro_usd: number;
    /** Calls of the agent's own tools (HTTP and MCP); absent on calls counted before tools existed. */
    tool_calls?: number;
    /** Time the caller waited on those tools, summed over turns. */
    tool_latency_ms?: number;
    /** A realtime model's audio: the caller's heard by it, and its own (absent on other transports). */
    audio_in_ms?: number;
    audio_out_ms?: number;
  };
  /**
   * Percentiles over the call's replies (turns after the greeting), in ms: the whole turn
   * (latency_ms), the time the server added to it (serverAddedMs of its timeline) and the model's
   * first token. Recounted with the totals; a figure no turn carried is left out.
   */
  latency_p50_ms?: number;
  latency_p95_ms?: number;
  server_added_p50_ms?: number;
  server_added_p95_ms?: number;
  model_first_token_p50_ms?: number;
  model_first_token_p95_ms?: number;
  /** Optimistic-lock counter for conversation state updates. */
  version: number;
}

export type TurnKind = 'greeting' | 'speech' | 'silence' | 'low_confidence' | 'dtmf' | 'timeout' | 'error';

export interface Turn {
  call_sid: string;
  /** 0 is the greeting; each caller input that gets a reply is the next number. */
  seq: number;
  kind: TurnKind;
  caller_text?: string;
  confidence?: number;
  agent_text: string;
  /** The caller interrupted; agent_text holds only what was heard. */
  interrupted?: boolean;
  /** The call ends after this turn's reply. */
  ends_call?: EndedBy;
  extracted?: Record<string, CollectedScalar>;
  /** Id of the agent transfer target the call was handed to. */
  transfer_to?: string;
  /** The caller asked never to be called again; their number went on the do-not-call list. */
  do_not_call?: boolean;
  /** Digit fields (phone, number) whose value failed validation this turn: names only, never values. */
  failed_fields?: string[];
  /** The reply asks the caller to key this field in on the keypad: the next input is taken as keyed. */
  keypad_field?: string;
  received_at: string;
  replied_at: string;
  latency_ms: number;
  model_latency_ms?: number;
  input_tokens?: number;
  output_tokens?: number;
  /** Input tokens the provider served from its prompt cache (billed lower; part of input_tokens). */
  cached_input_tokens?: number;
  cost_micro_usd?: number;
  /** A realtime model's audio this turn: the caller's it heard, and its own it sent. */
  audio_in_ms?: number;
  audio_out_ms?: number;
  model_error?: string;
  /** 'provider:model' that answered: the agent's model or its fallback. */
  model?: string;
  /** The agent's own tools (HTTP, MCP) the model called this turn, in order. */
  tool_calls?: ToolCallRecord[];
  /** Where the turn's time went, on one clock. */
  timeline?: TurnTimeline;
}

/**
 * How a tool call went: `ok` (an answer the model used), `rejected` (the endpoint refused it with a
 * 4xx, which the model heard), `invalid_arguments` (refused before any request; the model heard
 * why), `failed` (no usable answer: timeout, 5xx, too large, not JSON, refused address…).
 */
export const TOOL_CALL_STATUSES = ['ok', 'rejected', 'invalid_arguments', 'failed'] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

/** One call of an agent's tool, as kept on its turn: never secrets, personal data masked. */
export interface ToolCallRecord {
  name: string;
  source: 'http' | 'mcp';
  /** The model's arguments; personal data (emails, phone and card numbers, mask_arguments) masked. */
  arguments: Record<string, unknown>;
  status: ToolCallStatus;
  /** Why it did not succeed, in words fit for logs and the dashboard. */
  error?: string;
  http_status?: number;
  latency_ms: number;
  /** Bytes of the answer read (at most the tool's max_response_bytes). */
  response_bytes?: number;
}

/**
 * The moments of one turn in whole ms after its input was received (a Gather webhook's arrival, a
 * relay `prompt` with last=true, a web message), measured on one monotonic clock. A moment that did
 * not happen (no model on a scripted turn) is absent. Holds no words, only names and numbers.
 *
 * A turn is stored before the caller hears it, so what happens after its store (a Gather or web
 * answer going out, Twilio's reports of the reply playing) cannot be in its own write: those late
 * moments ride on the call's next write that happens anyway (the next turn's put), or one write of
 * their own when the call ends or no next turn comes here (engine/late-moments.ts), and the turns
 * read back carry them (CallStore.listTurns).
 */
export interface TurnTimeline {
  received: 0;
  /** The request went to the model. */
  model_request?: number;
  /** The model's first text or tool call. */
  first_token?: number;
  /**
   * Relay: the first text frame sent to Twilio; Gather: the TwiML holding the reply answered (sent
   * by Fastify); web: the reply sent. Gather and web answer only once the turn is stored, so for them
   * this is a late moment.
   */
  first_text_out?: number;
  /** The model's last token (the whole reply is known). */
  model_done?: number;
  /** The turn went to the store (its conditional put was sent; the caller hears only stored turns). */
  stored?: number;
  tools?: TimelineSpan[];
  /**
   * What Twilio reported about this turn (ConversationRelay `info` events such as tokensPlayed), by
   * name only, at most MAX_TWILIO_MOMENTS; most come after the store, as late moments.
   */
  twilio?: TimelineMoment[];
}

export interface TimelineSpan {
  /** The tool's name as the agent defines it. */
  name: string;
  start: number;
  end: number;
  ok?: boolean;
}

export interface TimelineMoment {
  name: string;
  at: number;
}

/** A finished call with the same agent and person, as the store returns it. */
export interface PastCall {
  call_sid: string;
  started_at: string;
  direction: CallDirection;
  /** How far that call's number could be trusted (absent on calls stored before it was recorded). */
  identity?: CallerIdentity;
  summary?: string;
  outcome?: Outcome;
  data_collected: Record<string, CollectedScalar>;
}

/**
 * How far the person's number on a call can be trusted: `outbound`, we dialled it; `attested`,
 * Twilio verified full STIR/SHAKEN attestation (StirVerstat TN-Validation-Passed-A); `unattested`,
 * a valid number nobody vouched for; `withheld`, a withheld, placeholder or invalid number.
 */
export type CallerIdentity = 'outbound' | 'attested' | 'unattested' | 'withheld';

/** The agent's memory policy, the number's identity, and whether past calls were recalled. */
export interface MemoryDecision {
  policy: MemoryPolicy;
  identity: CallerIdentity;
  used: boolean;
}

/**
 * What the agent may know of an earlier call: when, how it ended, a summary with no quotation,
 * no collected value and nothing that reads as an instruction, and the names of the details given.
 */
export interface PastCallGist {
  call_sid: string;
  started_at: string;
  outcome?: Outcome;
  summary?: string;
  /** Names of the fields collected on that call (never their values). */
  gave: string[];
}

export function isTerminal(status: CallStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
