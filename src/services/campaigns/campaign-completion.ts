// A campaign's last steps: contacts still waiting when its end passes are expired, and a campaign
// with no active contact left is completed. Both are conditional writes, safe on any instance.
import { ACTIVE_CONTACT_STATES, type Campaign, type CampaignContact } from '../../domain/campaign.js';
import type { Logger } from '../../logger.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Clock } from './clock.js';

export const FAR_FUTURE = '9999-12-31T00:00:00.000Z';

export interface CompletionDeps {
  store: CampaignStore;
  clock: Clock;
  logger: Logger;
}

/** The campaign's end has passed: contacts still waiting will not be called. */
export async function expirePending(deps: CompletionDeps, campaign: Campaign): Promise<void> {
  const now = new Date(deps.clock.now()).toISOString();
  for (;;) {
    const pending = await deps.store.listContactsIn(campaign.campaign_id, 'pending', FAR_FUTURE, 100);
    if (pending.length === 0) return;
    let moved = 0;
    for (const contact of pending) {
      const done = await deps.store.settleContact(
        contact.contact_key,
        { state: 'expired', result: 'the campaign ended before this contact was reached' },
        contact.version,
        now,
      );
      if (done) moved += 1;
    }
    if (moved === 0) return;
  }
}

/**
 * Completes the campaign when no contact is active. The status index is eventually consistent,
 * so an empty answer there is confirmed by reading every contact: a contact never becomes active
 * again once final, so if every one reads final, the campaign is done. Returns the active contacts
 * that read found (the index missed them), for the caller to take up.
 */
export async function completeIfDone(deps: CompletionDeps, campaign: Campaign): Promise<CampaignContact[]> {
  const { store } = deps;
  for (const state of ['pending', 'dialing', 'in_call'] as const) {
    if ((await store.listContactsIn(campaign.campaign_id, state, FAR_FUTURE, 1)).length > 0) return [];
  }
  const active: CampaignContact[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listContacts(campaign.campaign_id, { limit: 1_000, cursor });
    active.push(...page.items.filter((c) => ACTIVE_CONTACT_STATES.includes(c.state)));
    cursor = page.cursor;
  } while (cursor);
  if (active.length > 0) {
    deps.logger.warn(
      { campaign_id: campaign.campaign_id, contacts: active.length },
      'active contacts the status index did not list',
    );
    return active;
  }
  const now = new Date(deps.clock.now()).toISOString();
  const current = await store.getCampaign(campaign.campaign_id);
  if (current?.state !== 'running') return [];
  const done = await store.updateCampaign(
    campaign.campaign_id,
    { state: 'completed', completed_at: now, updated_at: now },
    current.version,
  );
  if (done) deps.logger.info({ campaign_id: campaign.campaign_id }, 'campaign completed');
  return [];
}
