// Campaigns (one item each), their contacts (durable jobs on DynamoJobTable) and attempts.
// See docs/decisions/0022-campaign-scheduler.md.
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  contactStatus,
  type Campaign,
  type CampaignAttempt,
  type CampaignContact,
  type CampaignState,
  type ContactState,
} from '../../domain/campaign.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from './cursor.js';
import { guard, isConditionalFailure } from './errors.js';
import { ExpressionBuilder, setClauses } from './expressions.js';
import { DynamoJobTable } from './job-table.js';
import { putIfAbsent } from './put-if-absent.js';
import { INDEXES } from './tables.js';

const MAX_CAMPAIGNS_LISTED = 100;
const MAX_CONTACTS_PAGE = 1_000;

const campaignOf = (contactKey: string) => contactKey.slice(0, contactKey.indexOf('#'));

export interface DynamoCampaignStoreOptions {
  doc: DynamoDBDocumentClient;
  cursorSecret: string | Uint8Array;
  campaignsTable: string;
  contactsTable: string;
  attemptsTable: string;
}

export class DynamoCampaignStore implements CampaignStore {
  private readonly contacts: DynamoJobTable<CampaignContact>;

  constructor(private readonly options: DynamoCampaignStoreOptions) {
    this.contacts = new DynamoJobTable<CampaignContact>({
      doc: options.doc,
      table: options.contactsTable,
      key: 'contact_key',
      index: INDEXES.contactsByStatus,
      name: 'campaign-contacts',
    });
  }

  createCampaign(campaign: Campaign): Promise<boolean> {
    const { doc, campaignsTable } = this.options;
    return putIfAbsent(doc, campaignsTable, campaign, 'campaign_id', 'campaigns.create');
  }

  async getCampaign(campaignId: string): Promise<Campaign | undefined> {
    const { doc, campaignsTable } = this.options;
    const result = await guard('campaigns.get', () =>
      doc.send(
        new GetCommand({ TableName: campaignsTable, Key: { campaign_id: campaignId }, ConsistentRead: true }),
      ),
    );
    const item = result.Item as Campaign | undefined;
    // The pacer shares the table under `<id>#pacer` and has no state.
    return item?.state ? item : undefined;
  }

  async updateCampaign(
    campaignId: string,
    changes: Partial<Campaign>,
    expectedVersion: number,
  ): Promise<Campaign | undefined> {
    const { doc, campaignsTable } = this.options;
    const e = new ExpressionBuilder();
    const version = e.name('version');
    const set = [...setClauses(changes, e), `${version} = ${version} + ${e.value(1)}`];
    try {
      const result = await guard('campaigns.update', () =>
        doc.send(
          new UpdateCommand({
            TableName: campaignsTable,
            Key: { campaign_id: campaignId },
            UpdateExpression: `SET ${set.join(', ')}`,
            ConditionExpression: `attribute_exists(${e.name('campaign_id')}) AND ${version} = ${e.value(expectedVersion)}`,
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result.Attributes as Campaign;
    } catch (error) {
      if (isConditionalFailure((error as { cause?: unknown }).cause)) return undefined;
      throw error;
    }
  }

  async listCampaigns(state: CampaignState): Promise<Campaign[]> {
    const { doc, campaignsTable } = this.options;
    const e = new ExpressionBuilder();
    const result = await guard('campaigns.list', () =>
      doc.send(
        new QueryCommand({
          TableName: campaignsTable,
          IndexName: INDEXES.campaignsByState,
          KeyConditionExpression: `${e.name('state')} = ${e.value(state)}`,
          ...e.attributes(),
          ScanIndexForward: false,
          Limit: MAX_CAMPAIGNS_LISTED,
        }),
      ),
    );
    return (result.Items ?? []) as Campaign[];
  }

  putContact(contact: CampaignContact): Promise<boolean> {
    return this.contacts.create(contact);
  }

  getContact(contactKey: string): Promise<CampaignContact | undefined> {
    return this.contacts.get(contactKey);
  }

  claimContact(contact: CampaignContact, now: string, leaseUntil: string, set: Partial<CampaignContact>) {
    const campaignId = contact.campaign_id;
    return this.contacts.claim(
      contact.contact_key,
      contact.version,
      contactStatus(campaignId, 'dialing'),
      now,
      leaseUntil,
      { pending: contactStatus(campaignId, 'pending'), set: { ...set, state: 'dialing' } },
    );
  }

  settleContact(contactKey: string, changes: Partial<CampaignContact>, expectedVersion: number, now: string) {
    const withStatus = changes.state
      ? { ...changes, status: contactStatus(campaignOf(contactKey), changes.state) }
      : changes;
    return this.contacts.settle(contactKey, withStatus, expectedVersion, now, changes.state ?? 'settle');
  }

  listDueContacts(campaignId: string, now: string, limit: number): Promise<CampaignContact[]> {
    return this.contacts.listDue(
      contactStatus(campaignId, 'dialing'),
      now,
      limit,
      contactStatus(campaignId, 'pending'),
    );
  }

  listContactsIn(campaignId: string, state: ContactState, until: string, limit: number) {
    return this.contacts.listIn(contactStatus(campaignId, state), until, limit);
  }

  async listContacts(campaignId: string, page: PageRequest): Promise<Page<CampaignContact>> {
    const { doc, contactsTable, cursorSecret } = this.options;
    const scope = `campaign-contacts:${campaignId}`;
    const start = page.cursor ? decodeCursor(cursorSecret, scope, page.cursor).k : undefined;
    const e = new ExpressionBuilder();
    const result = await guard('campaign-contacts.list', () =>
      doc.send(
        new QueryCommand({
          TableName: contactsTable,
          IndexName: INDEXES.contactsByCampaign,
          KeyConditionExpression: `${e.name('campaign_id')} = ${e.value(campaignId)}`,
          ...e.attributes(),
          // Routes clamp what people ask for; the export reads bigger pages.
          Limit: Math.min(Math.max(page.limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_CONTACTS_PAGE),
          ...(start ? { ExclusiveStartKey: start as Record<string, unknown> } : {}),
        }),
      ),
    );
    return {
      items: (result.Items ?? []) as CampaignContact[],
      ...(result.LastEvaluatedKey
        ? { cursor: encodeCursor(cursorSecret, scope, { k: result.LastEvaluatedKey }) }
        : {}),
    };
  }

  async recordAttempt(
    attempt: Pick<CampaignAttempt, 'contact_key' | 'attempt'> & Partial<CampaignAttempt>,
  ): Promise<void> {
    const { doc, attemptsTable } = this.options;
    const { contact_key: contactKey, attempt: number, ...fields } = attempt;
    const e = new ExpressionBuilder();
    const set = setClauses(fields, e);
    if (set.length === 0) return;
    await guard('campaign-attempts.record', () =>
      doc.send(
        new UpdateCommand({
          TableName: attemptsTable,
          Key: { contact_key: contactKey, attempt: number },
          UpdateExpression: `SET ${set.join(', ')}`,
          ...e.attributes(),
        }),
      ),
    );
  }

  async listAttempts(contactKey: string): Promise<CampaignAttempt[]> {
    const { doc, attemptsTable } = this.options;
    const e = new ExpressionBuilder();
    const result = await guard('campaign-attempts.list', () =>
      doc.send(
        new QueryCommand({
          TableName: attemptsTable,
          KeyConditionExpression: `${e.name('contact_key')} = ${e.value(contactKey)}`,
          ...e.attributes(),
          ConsistentRead: true,
        }),
      ),
    );
    return (result.Items ?? []) as CampaignAttempt[];
  }
}
