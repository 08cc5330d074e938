// What a call that could not be placed means for its contact: our own limits and outages postpone
// the same attempt, a refused number is skipped, an agent that cannot call pauses the campaign, and
// anything else is a failed attempt, retried by the campaign's rules.
import type { Campaign, CampaignContact } from '../../domain/campaign.js';
import { AppError } from '../../domain/errors.js';
import type { Logger } from '../../logger.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import { nextStep } from './attempt-outcome.js';
import type { Clock } from './clock.js';

const UNAVAILABLE_RETRY_MS = 60_000;

export interface PlacementErrorDeps {
  store: CampaignStore;
  clock: Clock;
  logger: Logger;
  /** Pauses the campaign with a reason an operator reads. */
  pause: (campaign: Campaign, reason: string) => Promise<void>;
}

export const describeError = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 300);

export async function afterPlacementError(
  deps: PlacementErrorDeps,
  campaign: Campaign,
  contact: CampaignContact,
  attempt: number,
  error: unknown,
): Promise<Partial<CampaignContact>> {
  const now = deps.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const appError = error instanceof AppError ? error : undefined;
  const field = appError?.issues[0]?.field;
  if (appError?.code === 'rate_limited') {
    // Nothing was placed: the same attempt runs again once the limit allows.
    const wait = (appError.retryAfterSeconds ?? 1) * 1_000;
    return { state: 'pending', next_attempt_at: iso(now + wait) };
  }
  if (appError?.code === 'unavailable') {
    // Our side (the store, or telephony not ready) failed before a call: not the contact's attempt.
    deps.logger.warn({ err: error, campaign_id: campaign.campaign_id }, 'campaign call postponed');
    return { state: 'pending', next_attempt_at: iso(now + UNAVAILABLE_RETRY_MS) };
  }
  if (appError?.code === 'validation' && field === 'to')
    return { state: 'skipped', result: `number refused: ${appError.issues[0]?.message}` };
  if (appError && (appError.code === 'not_found' || field === 'agent_id' || /agent/.test(appError.message))) {
    await deps.pause(campaign, `its agent cannot call: ${appError.message}`);
    return { state: 'pending', next_attempt_at: iso(now) };
  }
  deps.logger.warn(
    { err: error, campaign_id: campaign.campaign_id, attempt },
    'campaign call could not be placed',
  );
  await deps.store.recordAttempt({
    contact_key: contact.contact_key,
    attempt,
    campaign_id: campaign.campaign_id,
    number: contact.number,
    started_at: iso(now),
    ended_at: iso(now),
    outcome: 'failed',
    error: describeError(error),
  });
  const step = nextStep(campaign, { zones: contact.zones, attempt_count: attempt }, 'failed', now);
  const result = 'result' in step ? { result: `${step.result} (last: ${describeError(error)})` } : {};
  return { ...step, ...result, attempt_count: attempt, last_outcome: 'failed' };
}
