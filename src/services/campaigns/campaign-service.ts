// Campaigns as people drive them: create, upload contacts, start, pause, resume, cancel, and read
// progress and results. The scheduler does the calling; this only moves states and checks input.
import { randomBytes } from 'node:crypto';
import {
  campaignCreateSchema,
  contactStatus,
  type Campaign,
  type CampaignContact,
  type CampaignState,
  type ContactState,
} from '../../domain/campaign.js';
import { AppError, conflict, invalid, notFound } from '../../domain/errors.js';
import type { CampaignStore, PacerStore } from '../../ports/campaign-store.js';
import type { Page, PageRequest } from '../../ports/page.js';
import type { AgentService } from '../agent-service.js';
import { parseOrThrow } from '../validation.js';
import { CANCELED } from './canceled-meanwhile.js';
import type { Clock } from './clock.js';
import {
  checkContacts,
  MAX_CONTACTS_PER_UPLOAD,
  rowsFromCsv,
  rowsFromJson,
  type RowIssue,
} from './contact-import.js';
import { describeHours, nextCallableTime } from './local-time.js';

export interface CampaignServiceDeps {
  store: CampaignStore;
  pacer: PacerStore;
  agents: AgentService;
  clock: Clock;
  checkDestination: (number: string) => string;
  zonesOfNumber: (e164: string) => { zones: string[]; source: 'number' | 'country' } | undefined;
  /** Tells the scheduler of this instance to look now. */
  wake?: () => void;
}

export interface UploadResult {
  added: number;
  skipped: number;
  issues: RowIssue[];
}

export interface CampaignProgress {
  campaign: Campaign;
  contacts: number;
  by_state: Partial<Record<ContactState, number>>;
  by_outcome: Record<string, number>;
  attempts: number;
  next_attempts: { number: string; name?: string; at: string; attempt: number }[];
}

const STATES_ALL: CampaignState[] = ['draft', 'running', 'paused', 'completed', 'canceled'];
const UPLOAD_PARALLELISM = 16;
const iso = (ms: number) => new Date(ms).toISOString();

export class CampaignService {
  constructor(private readonly deps: CampaignServiceDeps) {}

  async create(input: unknown): Promise<Campaign> {
    const body = parseOrThrow(campaignCreateSchema, input);
    await this.deps.agents.get(body.agent_id).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') throw invalid('agent_id', 'no such agent');
      throw error;
    });
    const now = iso(this.deps.clock.now());
    const campaign: Campaign = {
      ...body,
      campaign_id: `cmp_${randomBytes(8).toString('hex')}`,
      state: 'draft',
      contact_count: 0,
      zone_sets: [],
      created_at: now,
      updated_at: now,
      version: 1,
    };
    if (!(await this.deps.store.createCampaign(campaign))) throw conflict('campaign id taken; retry');
    return campaign;
  }

  async get(campaignId: string): Promise<Campaign> {
    const campaign = await this.deps.store.getCampaign(campaignId);
    if (!campaign) throw notFound(`campaign ${campaignId}`);
    return campaign;
  }

  /** Every campaign, or those in one state, newest first. */
  async list(state?: CampaignState): Promise<Campaign[]> {
    const lists = await Promise.all(
      (state ? [state] : STATES_ALL).map((s) => this.deps.store.listCampaigns(s)),
    );
    return lists.flat().sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  /** Adds contacts (CSV text or a JSON list); bad rows are reported by row and field and skipped. */
  async upload(campaignId: string, body: { csv: string } | { contacts: unknown[] }): Promise<UploadResult> {
    const campaign = await this.get(campaignId);
    if (campaign.state !== 'draft' && campaign.state !== 'paused')
      throw conflict(`contacts are added to a draft or paused campaign; this one is ${campaign.state}`);
    const parsed = 'csv' in body ? rowsFromCsv(body.csv) : { rows: rowsFromJson(body.contacts), issues: [] };
    if (parsed.rows.length > MAX_CONTACTS_PER_UPLOAD)
      throw invalid('contacts', `at most ${MAX_CONTACTS_PER_UPLOAD} contacts per upload`);
    const checked = checkContacts(parsed.rows, {
      checkDestination: this.deps.checkDestination,
      zonesOfNumber: this.deps.zonesOfNumber,
      rule: campaign,
      defaultTimezone: campaign.default_timezone,
      nowMs: this.deps.clock.now(),
    });
    const issues = [...parsed.issues, ...checked.issues];
    const now = iso(this.deps.clock.now());
    const zoneSets = new Set(campaign.zone_sets);
    let added = 0;
    const queue = [...checked.contacts];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const row = campaign.contact_count + checked.contacts.indexOf(next) + 1;
        const contact: CampaignContact = {
          contact_key: `${campaignId}#${next.number}`,
          campaign_id: campaignId,
          number: next.number,
          row,
          ...(next.name ? { name: next.name } : {}),
          ...(next.variables ? { variables: next.variables } : {}),
          zones: next.zones,
          zone_source: next.zone_source,
          state: 'pending',
          status: contactStatus(campaignId, 'pending'),
          attempts: 0,
          attempt_count: 0,
          // A millisecond per row: contacts come due in upload order.
          next_attempt_at: iso(next.firstCallMs + row),
          created_at: now,
          updated_at: now,
          version: 1,
        };
        if (await this.deps.store.putContact(contact)) {
          added += 1;
          zoneSets.add(next.zones.join(' '));
        } else issues.push({ row: next.row, field: 'number', message: 'already in this campaign' });
      }
    };
    await Promise.all(Array.from({ length: UPLOAD_PARALLELISM }, worker));
    await this.change(campaignId, (current) => ({
      contact_count: current.contact_count + added,
      zone_sets: [...new Set([...current.zone_sets, ...zoneSets])],
    }));
    issues.sort((a, b) => a.row - b.row);
    return { added, skipped: issues.length, issues };
  }

  /** draft → running, refused with the reason when its calling hours can never be met. */
  async start(campaignId: string): Promise<Campaign> {
    const campaign = await this.get(campaignId);
    if (campaign.state !== 'draft')
      throw conflict(`only a draft campaign starts; this one is ${campaign.state}`);
    const agent = await this.deps.agents.getActive(campaign.agent_id);
    const refusal = this.whyNever(campaign);
    if (refusal)
      throw new AppError('validation', `the campaign cannot start: ${refusal}`, {
        issues: [{ field: 'calling_hours', message: refusal }],
      });
    await this.deps.pacer.ensurePacer(campaignId);
    const now = iso(this.deps.clock.now());
    const started = await this.change(campaignId, (current) => {
      if (current.state !== 'draft') throw conflict(`the campaign is already ${current.state}`);
      return { state: 'running', started_at: now, max_call_seconds: agent.max_call_seconds };
    });
    this.deps.wake?.();
    return started;
  }

  /** Why a campaign's calls can never happen, or undefined when some can. */
  private whyNever(campaign: Campaign): string | undefined {
    const now = this.deps.clock.now();
    if (campaign.contact_count === 0) return 'it has no contacts; upload some first';
    if (campaign.end_at && Date.parse(campaign.end_at) <= now)
      return `its end_at (${campaign.end_at}) has passed`;
    const hours = describeHours(campaign.calling_hours);
    const reachable = campaign.zone_sets.some(
      (set) => nextCallableTime(now, set.split(' '), campaign) !== undefined,
    );
    if (!reachable) {
      const until = campaign.end_at ? ` before ${campaign.end_at}` : '';
      const holidays = campaign.holidays.length > 0 ? ' outside its holidays' : '';
      return `its calling hours (${hours}${holidays}) never fall${until} in any of its contacts' local time`;
    }
    return undefined;
  }

  async pause(campaignId: string): Promise<Campaign> {
    const paused = await this.change(campaignId, (current) => {
      if (current.state !== 'running')
        throw conflict(`only a running campaign pauses; this one is ${current.state}`);
      return { state: 'paused', state_reason: 'paused by a person' };
    });
    this.deps.wake?.();
    return paused;
  }

  async resume(campaignId: string): Promise<Campaign> {
    const campaign = await this.get(campaignId);
    if (campaign.state !== 'paused')
      throw conflict(`only a paused campaign resumes; this one is ${campaign.state}`);
    await this.deps.agents.getActive(campaign.agent_id);
    const refusal = this.whyNever(campaign);
    if (refusal) throw invalid('calling_hours', refusal);
    const resumed = await this.change(campaignId, (current) => {
      if (current.state !== 'paused') throw conflict(`the campaign is already ${current.state}`);
      return { state: 'running', state_reason: '' };
    });
    this.deps.wake?.();
    return resumed;
  }

  /** Stops all further calls; calls in progress finish, and their contacts end as canceled. */
  async cancel(campaignId: string): Promise<Campaign> {
    const canceled = await this.change(campaignId, (current) => {
      if (current.state === 'completed' || current.state === 'canceled')
        throw conflict(`the campaign is already ${current.state}`);
      return { state: 'canceled', completed_at: iso(this.deps.clock.now()) };
    });
    const now = iso(this.deps.clock.now());
    for (;;) {
      const pending = await this.deps.store.listContactsIn(campaignId, 'pending', '9999', 100);
      let moved = 0;
      for (const contact of pending) {
        if (await this.deps.store.settleContact(contact.contact_key, CANCELED, contact.version, now))
          moved += 1;
      }
      if (moved === 0) break;
    }
    this.deps.wake?.();
    return canceled;
  }

  /** Counts by state and by last outcome, and the next attempts due. */
  async progress(campaignId: string): Promise<CampaignProgress> {
    const campaign = await this.get(campaignId);
    const byState: Partial<Record<ContactState, number>> = {};
    const byOutcome: Record<string, number> = {};
    let contacts = 0;
    let attempts = 0;
    await this.eachContact(campaignId, (contact) => {
      contacts += 1;
      attempts += contact.attempt_count;
      byState[contact.state] = (byState[contact.state] ?? 0) + 1;
      if (contact.last_outcome) byOutcome[contact.last_outcome] = (byOutcome[contact.last_outcome] ?? 0) + 1;
    });
    const next = await this.deps.store.listContactsIn(campaignId, 'pending', '9999', 10);
    return {
      campaign,
      contacts,
      by_state: byState,
      by_outcome: byOutcome,
      attempts,
      next_attempts: next.map((c) => ({
        number: c.number,
        ...(c.name ? { name: c.name } : {}),
        at: c.next_attempt_at,
        attempt: c.attempt_count + 1,
      })),
    };
  }

  async contacts(campaignId: string, page: PageRequest): Promise<Page<CampaignContact>> {
    await this.get(campaignId);
    return this.deps.store.listContacts(campaignId, page);
  }

  async contact(campaignId: string, number: string) {
    const contact = await this.deps.store.getContact(`${campaignId}#${number}`);
    if (!contact) throw notFound(`contact ${number} in campaign ${campaignId}`);
    const attempts = await this.deps.store.listAttempts(contact.contact_key);
    return { ...contact, attempts };
  }

  async eachContact(
    campaignId: string,
    visit: (contact: CampaignContact) => void | Promise<void>,
  ): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listContacts(campaignId, { limit: 1_000, cursor });
      for (const contact of page.items) await visit(contact);
      cursor = page.cursor;
    } while (cursor);
  }

  /** Read-modify-write under the campaign's version, retried when another writer got there first. */
  private async change(
    campaignId: string,
    change: (current: Campaign) => Partial<Campaign>,
  ): Promise<Campaign> {
    for (let tries = 0; tries < 5; tries += 1) {
      const current = await this.get(campaignId);
      const changes = { ...change(current), updated_at: iso(this.deps.clock.now()) };
      const updated = await this.deps.store.updateCampaign(campaignId, changes, current.version);
      if (updated) return updated;
    }
    throw new AppError('conflict', 'the campaign keeps changing; retry', { retryable: true });
  }
}
