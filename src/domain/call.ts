import type { Transport } from './agent.js';
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
  caller_phone: string;
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
  /** Finished calls with the same agent and person, loaded once when the call starts. */
  past_calls?: PastCall[];
  transferred_to?: string;
  /** ConversationRelay sessions reopened after a lost socket (bounds a reconnect loop). */
  relay_reconnects?: number;
  recording?: RecordingInfo;
  webhook_deliveries?: WebhookDelivery[];
  totals?: {
    latency_ms: number;
    model_latency_ms: number;
    input_tokens: number;
    output_tokens: number;
    cost_micro_usd: number;
  };
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
  received_at: string;
  replied_at: string;
  latency_ms: number;
  model_latency_ms?: number;
  input_tokens?: number;
  output_tokens?: number;
  cost_micro_usd?: number;
  model_error?: string;
  /** 'provider:model' that answered: the agent's model or its fallback. */
  model?: string;
}

export interface PastCall {
  call_sid: string;
  started_at: string;
  summary?: string;
  outcome?: Outcome;
  data_collected: Record<string, CollectedScalar>;
}

export function isTerminal(status: CallStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
