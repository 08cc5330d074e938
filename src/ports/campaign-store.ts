import type {
  Campaign,
  CampaignAttempt,
  CampaignContact,
  CampaignState,
  ContactState,
} from '../domain/campaign.js';
import type { Page, PageRequest } from './page.js';

/**
 * Campaigns, their contacts (durable jobs: claimed with a conditional write and a lease) and their
 * attempts. Every write is a single-item conditional write; none needs a transaction.
 */
export interface CampaignStore {
  /** Conditional create: false when the id is taken. */
  createCampaign(campaign: Campaign): Promise<boolean>;
  getCampaign(campaignId: string): Promise<Campaign | undefined>;
  /** Sets `changes` when the stored version equals `expectedVersion`; undefined when it did not. */
  updateCampaign(
    campaignId: string,
    changes: Partial<Campaign>,
    expectedVersion: number,
  ): Promise<Campaign | undefined>;
  /** Campaigns in one state, newest first (at most 100). */
  listCampaigns(state: CampaignState): Promise<Campaign[]>;

  /** Conditional create: false when the campaign already has this number. */
  putContact(contact: CampaignContact): Promise<boolean>;
  getContact(contactKey: string): Promise<CampaignContact | undefined>;
  /**
   * pending → dialing with a lease (or a dialing contact whose lease ran out), when its version is
   * still `contact.version`; `set` is written in the same update. Undefined when another got it.
   */
  claimContact(
    contact: CampaignContact,
    now: string,
    leaseUntil: string,
    set: Partial<CampaignContact>,
  ): Promise<CampaignContact | undefined>;
  /** Writes `changes` (a state change sets status too) and drops the lease, under `expectedVersion`. */
  settleContact(
    contactKey: string,
    changes: Partial<CampaignContact>,
    expectedVersion: number,
    now: string,
  ): Promise<CampaignContact | undefined>;
  /** Pending contacts due by `now` and dialing ones whose lease ran out, soonest first. */
  listDueContacts(campaignId: string, now: string, limit: number): Promise<CampaignContact[]>;
  /** Contacts in `state` whose next_attempt_at is at or before `until`, soonest first. */
  listContactsIn(
    campaignId: string,
    state: ContactState,
    until: string,
    limit: number,
  ): Promise<CampaignContact[]>;
  /** Every contact of a campaign in upload order, a page at a time. */
  listContacts(campaignId: string, page: PageRequest): Promise<Page<CampaignContact>>;

  /** Creates or completes an attempt item (both writers may come in either order). */
  recordAttempt(
    attempt: Pick<CampaignAttempt, 'contact_key' | 'attempt'> & Partial<CampaignAttempt>,
  ): Promise<void>;
  listAttempts(contactKey: string): Promise<CampaignAttempt[]>;
}

/** Who holds a pacer slot: one attempt, until a time by which its call has surely ended. */
export interface SlotHolder {
  contact_key: string;
  attempt: number;
  until_ms: number;
}

/** A campaign's pace and cap, shared by every instance: the next start time and the call slots. */
export interface Pacer {
  next_slot_ms: number;
  slots: Record<string, SlotHolder>;
}

export interface PacerStore {
  /** Creates the pacer when missing (a campaign's start); leaves an existing one as it is. */
  ensurePacer(campaignId: string): Promise<void>;
  getPacer(campaignId: string): Promise<Pacer>;
  /**
   * Takes slot `slot` and moves the next start time from `seen.next_slot_ms` to `nextSlotMs`, when
   * nobody else moved it and the slot is free (or its holder's time ran out). Undefined otherwise.
   */
  takeSlot(
    campaignId: string,
    seen: Pacer,
    slot: number,
    holder: SlotHolder,
    nextSlotMs: number,
    nowMs: number,
  ): Promise<Pacer | undefined>;
  /** Frees the slot when this attempt still holds it; false when it does not. */
  releaseSlot(
    campaignId: string,
    slot: number,
    holder: Pick<SlotHolder, 'contact_key' | 'attempt'>,
  ): Promise<boolean>;
}
