// What an attempt's call came to, and what follows for its contact: done, or a retry after the
// campaign's delay for that outcome, inside the contact's calling hours.
import type { Call } from '../../domain/call.js';
import type { AttemptOutcome, Campaign, CampaignContact, ContactState } from '../../domain/campaign.js';
import { nextCallableTime } from './local-time.js';

/** The outcome of a call that reached a final status. */
export function attemptOutcome(
  call: Pick<Call, 'status' | 'answered_by' | 'turn_count' | 'ended_by'>,
): AttemptOutcome {
  if (call.status === 'busy') return 'busy';
  if (call.status === 'no-answer') return 'no_answer';
  if (call.status === 'failed' || call.status === 'canceled') return 'failed';
  if (call.answered_by && /^(machine|fax)/.test(call.answered_by)) return 'voicemail';
  // Answered, but the person never said a word after the greeting: they hung up on it.
  if (call.turn_count <= 1 && (call.ended_by === undefined || call.ended_by === 'user'))
    return 'hung_up_early';
  return 'answered';
}

export type NextStep =
  | { state: 'pending'; next_attempt_at: string }
  | { state: Exclude<ContactState, 'pending' | 'dialing' | 'in_call'>; result: string };

/** After an attempt: the contact's next state. */
export function nextStep(
  campaign: Campaign,
  contact: Pick<CampaignContact, 'zones' | 'attempt_count'>,
  outcome: AttemptOutcome,
  nowMs: number,
): NextStep {
  if (outcome === 'answered') return { state: 'reached', result: 'answered' };
  const delay = campaign.retry_minutes[outcome];
  if (delay === null) return { state: 'exhausted', result: `${outcome}; not retried on ${outcome}` };
  if (contact.attempt_count >= campaign.max_attempts)
    return { state: 'exhausted', result: `${outcome} on all ${campaign.max_attempts} attempts` };
  const next = nextCallableTime(nowMs + delay * 60_000, contact.zones, campaign);
  if (next === undefined)
    return { state: 'expired', result: `${outcome}; no calling hours left for a retry` };
  return { state: 'pending', next_attempt_at: new Date(next).toISOString() };
}
