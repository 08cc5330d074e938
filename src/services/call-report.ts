// The end-of-call report: what the webhook receiver gets, built from the stored call at each attempt.
import type { Agent } from '../domain/agent.js';
import type { Call, CollectedScalar, ToolCallRecord, Turn } from '../domain/call.js';

/** Stable across retries: receivers deduplicate on it; it keys the delivery job too. */
export const webhookEventId = (callSid: string) => `${callSid}:call.completed`;

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
  transcript: {
    seq: number;
    at: string;
    caller_text?: string;
    agent_text: string;
    interrupted?: boolean;
    /** The agent's own tools called on this turn (arguments with personal data masked). */
    tool_calls?: ToolCallRecord[];
  }[];
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
    event_id: webhookEventId(call.call_sid),
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
        ...(t.tool_calls?.length ? { tool_calls: t.tool_calls } : {}),
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
