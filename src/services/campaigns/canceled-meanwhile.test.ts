import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../adapters/dynamodb/campaign-store.js';
import { startTestDynamo, type TestDynamo } from '../../adapters/dynamodb/test-support.js';
import { contactStatus, type Campaign, type CampaignContact } from '../../domain/campaign.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import { settleUnlessCanceled } from './canceled-meanwhile.js';

const NOW = '2026-03-05T12:00:00.000Z';

describe('a contact settled pending while its campaign is canceled', () => {
  let dynamo: TestDynamo;
  let store: DynamoCampaignStore;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const tables = await dynamo.freshTables();
    store = new DynamoCampaignStore({
      doc: dynamo.doc,
      cursorSecret: 'test-secret',
      campaignsTable: tables.campaigns,
      contactsTable: tables.campaignContacts,
      attemptsTable: tables.campaignAttempts,
    });
  });
  afterAll(() => dynamo.close());

  async function campaignWithContact(id: string): Promise<CampaignContact> {
    const campaign = {
      campaign_id: id,
      name: id,
      agent_id: 'customer-support-001',
      state: 'running',
      contact_count: 1,
      zone_sets: ['America/New_York'],
      created_at: NOW,
      updated_at: NOW,
      version: 1,
    } as unknown as Campaign;
    expect(await store.createCampaign(campaign)).toBe(true);
    const contact: CampaignContact = {
      contact_key: `${id}#+14155550123`,
      campaign_id: id,
      number: '+14155550123',
      row: 1,
      zones: ['America/New_York'],
      zone_source: 'number',
      state: 'dialing',
      status: contactStatus(id, 'dialing'),
      attempts: 1,
      attempt_count: 0,
      dial_attempt: 1,
      next_attempt_at: NOW,
      created_at: NOW,
      updated_at: NOW,
      version: 1,
    } as CampaignContact;
    expect(await store.putContact(contact)).toBe(true);
    return contact;
  }

  const retry = { state: 'pending' as const, next_attempt_at: '2026-03-05T13:00:00.000Z' };

  it('ends canceled when the cancel came between the attempt reading the campaign and its write', async () => {
    const contact = await campaignWithContact('cmp_0000000000000001');
    // The cancel's sweep ran while the contact was still dialing, so it found nothing pending.
    expect(await store.updateCampaign(contact.campaign_id, { state: 'canceled' }, 1)).toBeDefined();
    const final = await settleUnlessCanceled(store, contact.contact_key, retry, contact.version, NOW);
    expect(final).toMatchObject({ state: 'canceled', result: 'the campaign was canceled' });
    expect((await store.getContact(contact.contact_key))?.state).toBe('canceled');
  });

  it('reports what the sweep wrote when the sweep got there first', async () => {
    const contact = await campaignWithContact('cmp_0000000000000002');
    expect(await store.updateCampaign(contact.campaign_id, { state: 'canceled' }, 1)).toBeDefined();
    // The real store, with the cancel's sweep writing the contact between the settle and its re-check.
    const sweptMeanwhile: CampaignStore = Object.create(store) as CampaignStore;
    sweptMeanwhile.getCampaign = async (campaignId) => {
      const pending = await store.getContact(contact.contact_key);
      await store.settleContact(contact.contact_key, { state: 'canceled' }, pending!.version, NOW);
      return store.getCampaign(campaignId);
    };
    const final = await settleUnlessCanceled(
      sweptMeanwhile,
      contact.contact_key,
      retry,
      contact.version,
      NOW,
    );
    expect(final?.state).toBe('canceled');
  });

  it('stays pending in a campaign that is still running', async () => {
    const contact = await campaignWithContact('cmp_0000000000000003');
    const settled = await settleUnlessCanceled(store, contact.contact_key, retry, contact.version, NOW);
    expect(settled?.state).toBe('pending');
    expect(await store.getContact(contact.contact_key)).toEqual(settled);
  });
});
