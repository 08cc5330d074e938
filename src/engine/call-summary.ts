// The deterministic end-of-call summary and outcome: no model needed, same input -> same text.
// It carries none of the caller's words nor collected values (those are on the call): a stored
// summary is shown to the model on later calls, where a caller's sentence could pass for a rule.
import type { Agent } from '../domain/agent.js';
import type { Call, Outcome, Turn } from '../domain/call.js';
import type { CallSummary, Summarizer } from '../ports/summarizer.js';

const NOT_INTERESTED =
  /\b(not interested|no interest|don['’]?t (call|contact)|do not (call|contact)|stop calling|remove me|take me off|unsubscribe)\b|\bno,? thank(s| you)\b(?!\s+for)/i;
const THANKED = /\b(thanks?|thank you|cheers|bye|goodbye|that['’]?s all|that is all)\b/i;
const UNANSWERED: readonly Call['status'][] = ['no-answer', 'busy', 'canceled', 'failed'];

const MAX_FIELDS_LISTED = 6;

/** `text` on one line, cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

function callerLines(turns: readonly Turn[]): string[] {
  return [...turns]
    .sort((a, b) => a.seq - b.seq)
    .map((t) => t.caller_text?.trim() ?? '')
    .filter((text) => text.length > 0);
}

function requiredFields(agent: Pick<Agent, 'data_to_fill'> | undefined): string[] {
  return (agent?.data_to_fill ?? []).filter((f) => f.required).map((f) => f.name);
}

export function callOutcome(
  call: Call,
  turns: readonly Turn[],
  agent: Pick<Agent, 'data_to_fill'> | undefined,
): Outcome {
  const lines = callerLines(turns);
  if (call.answered_by?.startsWith('machine_')) return 'voicemail';
  if (
    lines.length === 0 &&
    (UNANSWERED.includes(call.status) || (!call.answered_at && call.status !== 'completed'))
  )
    return 'no_answer';
  if (call.transferred_to || call.ended_by === 'transfer') return 'transferred';
  const required = requiredFields(agent);
  const missing = required.filter((name) => call.data_collected[name] === undefined);
  const allCollected = required.length > 0 && missing.length === 0;
  if (!allCollected && lines.some((line) => NOT_INTERESTED.test(line))) return 'not_interested';
  if (allCollected) return 'resolved';
  if (call.ended_by === 'error') return 'failed';
  if (missing.length > 0) return 'follow_up_needed';
  const last = lines.at(-1);
  if (lines.length > 0 && (call.ended_by === 'system_complete' || (last !== undefined && THANKED.test(last))))
    return 'resolved';
  return 'follow_up_needed';
}

function collectedPart(call: Call, agent: Pick<Agent, 'data_to_fill'> | undefined): string {
  const entries = Object.entries(call.data_collected);
  const missing = requiredFields(agent).filter((name) => call.data_collected[name] === undefined);
  const parts: string[] = [];
  if (entries.length > 0) {
    const listed = entries.slice(0, MAX_FIELDS_LISTED).map(([name]) => name);
    const more = entries.length > MAX_FIELDS_LISTED ? ` and ${entries.length - MAX_FIELDS_LISTED} more` : '';
    parts.push(`Collected ${listed.join(', ')}${more}`);
  }
  if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
  return parts.join('; ');
}

const ENDINGS: Record<Outcome, string> = {
  resolved: 'resolved',
  follow_up_needed: 'needs a follow-up',
  not_interested: 'the caller was not interested',
  voicemail: 'reached voicemail',
  no_answer: 'not answered',
  transferred: 'transferred',
  failed: 'ended by an error',
};

/** A short summary and the outcome of a finished call, from its turns and collected data. */
export function summarizeCall(
  call: Call,
  turns: readonly Turn[],
  agent: Pick<Agent, 'data_to_fill'> | undefined,
): CallSummary {
  const outcome = callOutcome(call, turns, agent);
  if (outcome === 'voicemail')
    return { outcome, summary: `Reached an answering machine (${call.answered_by}).` };
  if (outcome === 'no_answer') return { outcome, summary: `The call was not answered (${call.status}).` };
  const spoke = callerLines(turns).length;
  const opening =
    spoke === 0 ? 'The caller said nothing.' : `The caller spoke ${spoke === 1 ? 'once' : `${spoke} times`}.`;
  const collected = collectedPart(call, agent);
  const ending =
    outcome === 'transferred' && call.transferred_to
      ? `transferred to ${call.transferred_to}`
      : ENDINGS[outcome];
  const second = collected ? `${collected}; ${ending}.` : `${ending}.`;
  return { outcome, summary: `${opening} ${second[0]!.toUpperCase()}${second.slice(1)}` };
}

/** summarizeCall behind the Summarizer port, the default when no model is configured. */
export const deterministicSummarizer: Summarizer = {
  summarize: async (call, turns, agent) => summarizeCall(call, turns, agent),
};
