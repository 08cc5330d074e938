// How an attempt's end moves its contact on: the call's outcome (or, when its end never came, a
// failure once the call cannot still be running) decides the next step, once, under the contact's
// version, and frees the attempt's pacer slot.
import { isTerminal, type Call } from '../../domain/call.js';
import type { Campaign, CampaignContact } from '../../domain/campaign.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import type { CallStore } from '../../ports/call-store.js';
import type { DoNotCallStore } from '../../ports/do-not-call-store.js';
import { attemptOutcome, nextStep, type NextStep } from './attempt-outcome.js';
import { CANCELED, settleUnlessCanceled } from './canceled-meanwhile.js';
import type { Clock } from './clock.js';

// A slot is held for the call's whole possible life: ringing (Twilio gives up after 60 s), the
// agent's limit (Twilio's timeLimit is max_call_seconds + 60) and a margin for the status callback.
const SLOT_MARGIN_MS = 3 * 60_000;

export function slotHoldMs(campaign: Campaign): number {
  return ((campaign.max_call_seconds ?? 600) + 120) * 1_000 + SLOT_MARGIN_MS;
}

export interface AttemptSettlerDeps {
  store: CampaignStore;
  calls: CallStore;
  doNotCall: DoNotCallStore;
  clock: Clock;
  /** How long before an in-call contact's call is looked up again. */
  watchdogMs: number;
  releaseSlot: (
    campaignId: string,
    slot: number | undefined,
    holder: { contact_key: string; attempt: number },
  ) => Promise<void>;
  /** The contact is pending again at its next_attempt_at. */
  retryScheduled: (campaignId: string, changes: Partial<CampaignContact>) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class AttemptSettler {
  constructor(private readonly deps: AttemptSettlerDeps) {}

  /** The attempt's call ended: its outcome moves the contact on, once, and frees its slot. */
  async settleAttempt(call: Call): Promise<void> {
    const { store, clock } = this.deps;
    const link = call.campaign!;
    const outcome = attemptOutcome(call);
    let slot: number | undefined;
    for (let tries = 0; tries < 3; tries += 1) {
      const contact = await store.getContact(link.contact_key);
      const current =
        contact &&
        contact.dial_attempt === link.attempt &&
        (contact.state === 'dialing' || contact.state === 'in_call');
      if (!current) break;
      const campaign = await store.getCampaign(link.campaign_id);
      if (!campaign) break;
      const now = clock.now();
      const listed = await this.deps.doNotCall.get(contact.number);
      const step: NextStep = listed
        ? { state: 'do_not_call', result: 'on the do-not-call list' }
        : campaign.state === 'canceled'
          ? CANCELED
          : nextStep(campaign, { zones: contact.zones, attempt_count: link.attempt }, outcome, now);
      const settled = await settleUnlessCanceled(
        store,
        contact.contact_key,
        { ...step, attempt_count: link.attempt, last_outcome: outcome, call_sid: call.call_sid },
        contact.version,
        iso(now),
      );
      if (settled) {
        slot = contact.slot;
        this.deps.retryScheduled(link.campaign_id, settled);
        break;
      }
    }
    await store.recordAttempt({
      contact_key: link.contact_key,
      attempt: link.attempt,
      campaign_id: link.campaign_id,
      call_sid: call.call_sid,
      ended_at: iso(clock.now()),
      outcome,
      call_status: call.status,
      ...(call.answered_by ? { answered_by: call.answered_by } : {}),
    });
    await this.deps.releaseSlot(link.campaign_id, slot, {
      contact_key: link.contact_key,
      attempt: link.attempt,
    });
  }

  /** An in-call contact whose end has not come: settle it from its call, or look again later. */
  async checkInCall(campaign: Campaign, contact: CampaignContact): Promise<void> {
    const now = this.deps.clock.now();
    const call = contact.call_sid ? await this.deps.calls.get(contact.call_sid) : undefined;
    if (call?.campaign && isTerminal(call.status)) return this.settleAttempt(call);
    const startedMs = Date.parse(call?.started_at ?? contact.updated_at);
    if (now - startedMs < slotHoldMs(campaign)) {
      await this.deps.store.settleContact(
        contact.contact_key,
        { next_attempt_at: iso(now + this.deps.watchdogMs) },
        contact.version,
        iso(now),
      );
      return;
    }
    // The call cannot still be running and its final status never came: the attempt failed.
    const step = nextStep(
      campaign,
      { zones: contact.zones, attempt_count: contact.attempt_count },
      'failed',
      now,
    );
    const settled = await settleUnlessCanceled(
      this.deps.store,
      contact.contact_key,
      { ...step, last_outcome: 'failed' },
      contact.version,
      iso(now),
    );
    if (settled) {
      await this.deps.releaseSlot(campaign.campaign_id, contact.slot, {
        contact_key: contact.contact_key,
        attempt: contact.dial_attempt ?? contact.attempt_count,
      });
    }
  }
}
