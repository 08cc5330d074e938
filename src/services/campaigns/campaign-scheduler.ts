// Runs every running campaign: claims due contacts (a conditional write with a lease, on the
// durable job table), takes a pacer slot (pace and cap, shared by every instance), checks the
// do-not-call list and the contact's local hours, and places the attempt as an ordinary outbound
// call. A call's end (its status callback, on whichever instance gets it) decides the contact's
// next step. Nothing lives only in memory: a restart, or another instance, carries on from the
// items. See docs/decisions/0022-campaign-scheduler.md.
import type { Campaign, CampaignContact } from '../../domain/campaign.js';
import type { Logger } from '../../logger.js';
import type { CampaignStore, Pacer, PacerStore } from '../../ports/campaign-store.js';
import type { CallStore } from '../../ports/call-store.js';
import type { DoNotCallStore } from '../../ports/do-not-call-store.js';
import type { CampaignCall, OutboundCallInput, OutboundCallResult } from '../call-service.js';
import { AttemptSettler, slotHoldMs } from './attempt-settler.js';
import { completeIfDone, expirePending, FAR_FUTURE } from './campaign-completion.js';
import { settleUnlessCanceled } from './canceled-meanwhile.js';
import type { Clock } from './clock.js';
import { isCallableAt, nextCallableTime } from './local-time.js';
import { planSlot } from './pace.js';
import { afterPlacementError, type PlacementErrorDeps } from './placement-error.js';

export interface SchedulerOptions {
  /** How often running campaigns are looked at when nothing is due sooner (other instances' work). */
  pollMs: number;
  /** Contacts read per due query. */
  batch: number;
  /** How long a claim may take to place its call before another instance may claim it again. */
  dialLeaseMs: number;
  /** How often a call whose end never arrived is looked up. */
  watchdogMs: number;
}

const DEFAULT_OPTIONS: SchedulerOptions = {
  pollMs: 5_000,
  batch: 50,
  dialLeaseMs: 60_000,
  watchdogMs: 120_000,
};

export interface CampaignSchedulerDeps {
  store: CampaignStore;
  pacer: PacerStore;
  doNotCall: DoNotCallStore;
  calls: CallStore;
  placeCall: (
    request: OutboundCallInput,
    campaign: CampaignCall,
    idempotencyKey: string,
  ) => Promise<OutboundCallResult>;
  clock: Clock;
  logger: Logger;
  options?: Partial<SchedulerOptions>;
}

interface CampaignCache {
  due: CampaignContact[];
  dueAt: number;
  watchdogAt: number;
  /** No contact is due before this (as last read; this instance's own retries reset it). */
  quietUntil: number;
  /** Every slot was taken: a freed slot should wake the scheduler at once. */
  waitingForSlot: boolean;
  pacer?: Pacer;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class CampaignScheduler {
  private readonly options: SchedulerOptions;
  private readonly cache = new Map<string, CampaignCache>();
  private readonly inflight = new Set<Promise<unknown>>();
  private running: Campaign[] = [];
  private runningAt = -Infinity;
  private timer: unknown;
  private timerAt = Infinity;
  private started = false;
  private ticking = false;
  private again = false;

  private readonly placementDeps: PlacementErrorDeps;
  private readonly settler: AttemptSettler;

  constructor(private readonly deps: CampaignSchedulerDeps) {
    this.options = { ...DEFAULT_OPTIONS, ...deps.options };
    this.placementDeps = { ...deps, pause: (campaign, reason) => this.pause(campaign, reason) };
    this.settler = new AttemptSettler({
      ...deps,
      watchdogMs: this.options.watchdogMs,
      releaseSlot: (campaignId, slot, holder) => this.releaseSlot(campaignId, slot, holder),
      retryScheduled: (campaignId, changes) => this.retryScheduled(campaignId, changes),
    });
  }

  start(): void {
    this.started = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await this.settled();
  }

  /**
   * Looks at the campaigns now: a slot freed, or (`refresh`) a campaign of this instance started or
   * resumed. Other instances' changes are seen within pollMs.
   */
  wake(options: { refresh?: boolean } = {}): void {
    if (options.refresh) this.runningAt = -Infinity;
    this.scheduleAt(this.deps.clock.now());
  }

  /** Waits until no attempt or end-of-call work is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** A call ended (terminal status): its attempt's outcome decides the contact's next step. */
  onCallEnded(callSid: string): void {
    this.track(
      (async () => {
        const call = await this.deps.calls.get(callSid);
        if (call?.campaign) await this.settler.settleAttempt(call);
      })(),
    );
  }

  /** One look at every running campaign; resolves when its calls are started (not ended). */
  async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    const now = this.deps.clock.now();
    let wakeAt = now + this.options.pollMs;
    try {
      // The running list is read once per poll, not once per call started.
      if (now - this.runningAt >= this.options.pollMs) {
        this.running = await this.deps.store.listCampaigns('running');
        this.runningAt = now;
      }
      const campaigns = this.running;
      for (const id of this.cache.keys())
        if (!campaigns.some((c) => c.campaign_id === id)) this.cache.delete(id);
      for (const campaign of campaigns) {
        try {
          wakeAt = Math.min(wakeAt, await this.runCampaign(campaign));
        } catch (error) {
          this.deps.logger.error({ err: error, campaign_id: campaign.campaign_id }, 'campaign round failed');
        }
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'listing running campaigns failed');
    } finally {
      this.ticking = false;
    }
    if (this.again) {
      this.again = false;
      wakeAt = this.deps.clock.now();
    }
    this.scheduleAt(Math.max(wakeAt, this.deps.clock.now()));
  }

  private scheduleAt(ms: number): void {
    if (!this.started || ms >= this.timerAt) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timerAt = ms;
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.track(this.tick());
      },
      Math.max(0, ms - this.deps.clock.now()),
    );
  }

  private track(work: Promise<unknown>): void {
    const settled = work
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'campaign work failed'))
      .finally(() => this.inflight.delete(settled));
    this.inflight.add(settled);
  }

  private cacheOf(campaignId: string): CampaignCache {
    let cache = this.cache.get(campaignId);
    if (!cache) {
      cache = {
        due: [],
        dueAt: -Infinity,
        watchdogAt: -Infinity,
        quietUntil: -Infinity,
        waitingForSlot: false,
      };
      this.cache.set(campaignId, cache);
    }
    return cache;
  }

  /** Starts what is due of one campaign; returns when to look at it again. */
  private async runCampaign(campaign: Campaign): Promise<number> {
    const { store, clock } = this.deps;
    const id = campaign.campaign_id;
    const now = clock.now();
    if (campaign.start_at && now < Date.parse(campaign.start_at)) return Date.parse(campaign.start_at);
    const cache = this.cacheOf(id);
    if (now >= cache.watchdogAt) {
      cache.watchdogAt = now + this.options.pollMs;
      for (const contact of await store.listContactsIn(id, 'in_call', iso(now), this.options.batch))
        await this.settler.checkInCall(campaign, contact);
    }
    if (campaign.end_at && now >= Date.parse(campaign.end_at)) {
      await expirePending(this.deps, campaign);
      await completeIfDone(this.deps, campaign);
      return now + this.options.pollMs;
    }
    if (cache.due.length === 0 && now < cache.quietUntil) return cache.quietUntil;
    if (cache.due.length === 0 || now - cache.dueAt >= this.options.pollMs) {
      cache.due = await store.listDueContacts(id, iso(now), this.options.batch);
      cache.dueAt = now;
    }
    if (cache.due.length === 0) {
      const [next] = await store.listContactsIn(id, 'pending', FAR_FUTURE, 1);
      if (!next) {
        // The index said nothing is waiting; the full read may still find due contacts it missed.
        const missed = await completeIfDone(this.deps, campaign);
        for (const contact of missed.filter((c) => c.state === 'in_call'))
          await this.settler.checkInCall(campaign, contact);
        cache.due = missed.filter((c) => c.state !== 'in_call' && Date.parse(c.next_attempt_at) <= now);
        if (cache.due.length > 0) return now;
      }
      // Other instances' retries are seen within a poll.
      const nextMs = next ? Date.parse(next.next_attempt_at) : Infinity;
      cache.quietUntil = Math.min(nextMs, now + this.options.pollMs);
      return cache.quietUntil;
    }
    cache.pacer ??= await this.deps.pacer.getPacer(id);
    while (cache.due.length > 0) {
      const contact = cache.due[0]!;
      if (!isCallableAt(now, contact.zones, campaign)) {
        cache.due.shift();
        await this.postpone(campaign, contact, now);
        continue;
      }
      const plan = planSlot(cache.pacer, campaign, now, this.options.pollMs);
      if ('waitUntilMs' in plan) {
        cache.waitingForSlot = plan.busy === true;
        return plan.waitUntilMs;
      }
      const attempt = contact.state === 'dialing' ? (contact.dial_attempt ?? 1) : contact.attempt_count + 1;
      const holder = { contact_key: contact.contact_key, attempt, until_ms: now + slotHoldMs(campaign) };
      const taken = await this.deps.pacer.takeSlot(id, cache.pacer, plan.slot, holder, plan.nextSlotMs, now);
      if (!taken) {
        // Another instance moved the pacer: read it and plan again.
        cache.pacer = await this.deps.pacer.getPacer(id);
        continue;
      }
      cache.pacer = taken;
      cache.due.shift();
      const claimed = await store.claimContact(contact, iso(now), iso(now + this.options.dialLeaseMs), {
        dial_attempt: attempt,
        slot: plan.slot,
      });
      if (!claimed) {
        await this.releaseSlot(id, plan.slot, holder);
        continue;
      }
      this.track(this.dial(campaign, claimed));
    }
    return cache.pacer.next_slot_ms;
  }

  /** A due contact outside its hours now: due again when they next hold. */
  private async postpone(campaign: Campaign, contact: CampaignContact, now: number): Promise<void> {
    const next = nextCallableTime(now, contact.zones, campaign);
    const changes: Partial<CampaignContact> =
      next === undefined
        ? { state: 'expired', result: 'no calling hours left before the campaign ends' }
        : { state: 'pending', next_attempt_at: iso(next) };
    await settleUnlessCanceled(this.deps.store, contact.contact_key, changes, contact.version, iso(now));
  }

  private async releaseSlot(
    campaignId: string,
    slot: number | undefined,
    holder: { contact_key: string; attempt: number },
  ) {
    if (slot === undefined) return;
    await this.deps.pacer.releaseSlot(campaignId, slot, holder);
    const cache = this.cache.get(campaignId);
    if (cache?.pacer) delete cache.pacer.slots[String(slot)];
    if (cache?.waitingForSlot) {
      cache.waitingForSlot = false;
      this.wake();
    }
  }

  /** A contact of this campaign is pending again: look for due contacts at its time. */
  private retryScheduled(campaignId: string, changes: Partial<CampaignContact>): void {
    const cache = this.cache.get(campaignId);
    if (!cache || changes.state !== 'pending' || !changes.next_attempt_at) return;
    const at = Date.parse(changes.next_attempt_at);
    if (at < cache.quietUntil) {
      cache.quietUntil = at;
      this.scheduleAt(at);
    }
  }

  /** Places a claimed contact's attempt. */
  private async dial(campaign: Campaign, contact: CampaignContact): Promise<void> {
    const { store, clock } = this.deps;
    const attempt = contact.dial_attempt ?? contact.attempt_count + 1;
    const holder = { contact_key: contact.contact_key, attempt };
    const settle = async (changes: Partial<CampaignContact>) => {
      const now = iso(clock.now());
      // Canceled while this attempt was being placed: the contact is not called again.
      const settled = await settleUnlessCanceled(store, contact.contact_key, changes, contact.version, now);
      if (settled) this.retryScheduled(campaign.campaign_id, settled);
      await this.releaseSlot(campaign.campaign_id, contact.slot, holder);
    };
    const listed = await this.deps.doNotCall.get(contact.number);
    if (listed) return settle({ state: 'do_not_call', result: 'on the do-not-call list' });
    let placed: OutboundCallResult;
    try {
      placed = await this.deps.placeCall(
        {
          agent_id: campaign.agent_id,
          to: contact.number,
          ...(campaign.from ? { from: campaign.from } : {}),
        },
        {
          link: { campaign_id: campaign.campaign_id, contact_key: contact.contact_key, attempt },
          ...(contact.variables ? { variables: contact.variables } : {}),
          machineDetection: campaign.machine_detection,
        },
        `campaign:${campaign.campaign_id}:${contact.number}:${attempt}`,
      );
    } catch (error) {
      return settle(await afterPlacementError(this.placementDeps, campaign, contact, attempt, error));
    }
    const now = clock.now();
    await store.recordAttempt({
      contact_key: contact.contact_key,
      attempt,
      campaign_id: campaign.campaign_id,
      number: contact.number,
      call_sid: placed.call_sid,
      started_at: iso(now),
    });
    // Undefined when the call already ended and its outcome moved the contact on: nothing to do.
    await store.settleContact(
      contact.contact_key,
      {
        state: 'in_call',
        call_sid: placed.call_sid,
        attempt_count: attempt,
        next_attempt_at: iso(now + this.options.watchdogMs),
      },
      contact.version,
      iso(now),
    );
  }

  private async pause(campaign: Campaign, reason: string): Promise<void> {
    const current = await this.deps.store.getCampaign(campaign.campaign_id);
    if (current?.state !== 'running') return;
    await this.deps.store.updateCampaign(
      campaign.campaign_id,
      { state: 'paused', state_reason: reason, updated_at: iso(this.deps.clock.now()) },
      current.version,
    );
    this.deps.logger.warn({ campaign_id: campaign.campaign_id, reason }, 'campaign paused');
  }
}
