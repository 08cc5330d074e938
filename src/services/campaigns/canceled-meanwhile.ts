// A contact can be settled back to pending while its campaign is being canceled. Cancel writes the
// campaign's state before it sweeps the pending contacts, so when the settling side re-reads the
// campaign after its own write, one of the two always sees the other: either the sweep finds this
// contact pending, or this re-read finds the campaign canceled. Reading the campaign only before the
// write leaves a window in which a canceled campaign keeps a pending contact for ever.
import type { CampaignContact } from '../../domain/campaign.js';
import type { CampaignStore } from '../../ports/campaign-store.js';

export const CANCELED = { state: 'canceled' as const, result: 'the campaign was canceled' };

/**
 * settleContact, then: a contact it left pending in a campaign canceled meanwhile ends canceled.
 * Undefined when the settle lost to another writer (as settleContact).
 */
export async function settleUnlessCanceled(
  store: CampaignStore,
  contactKey: string,
  changes: Partial<CampaignContact>,
  expectedVersion: number,
  now: string,
): Promise<CampaignContact | undefined> {
  const settled = await store.settleContact(contactKey, changes, expectedVersion, now);
  if (settled?.state !== 'pending') return settled;
  const campaign = await store.getCampaign(settled.campaign_id);
  if (campaign?.state !== 'canceled') return settled;
  const canceled = await store.settleContact(contactKey, CANCELED, settled.version, now);
  // Undefined when the cancel's sweep got there first: read what it wrote.
  return canceled ?? (await store.getContact(contactKey));
}
