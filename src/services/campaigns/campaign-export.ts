// A campaign's results as CSV: one row per contact, in upload order, with its last call's outcome,
// summary and collected data, and the contact's own variables.
import type { CampaignContact } from '../../domain/campaign.js';
import type { Call } from '../../domain/call.js';
import type { CallStore } from '../../ports/call-store.js';
import type { CampaignService } from './campaign-service.js';
import { formatCsv } from './csv.js';

const READ_PARALLELISM = 16;

export async function exportCampaignCsv(
  campaigns: CampaignService,
  calls: CallStore,
  campaignId: string,
): Promise<string> {
  await campaigns.get(campaignId);
  const contacts: CampaignContact[] = [];
  await campaigns.eachContact(campaignId, (contact) => void contacts.push(contact));
  const lastCalls = new Map<string, Call>();
  const queue = contacts.filter((c) => c.call_sid);
  await Promise.all(
    Array.from({ length: READ_PARALLELISM }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const call = await calls.get(next.call_sid!);
        if (call) lastCalls.set(next.contact_key, call);
      }
    }),
  );
  const dataFields = new Set<string>();
  const variables = new Set<string>();
  for (const contact of contacts) {
    for (const name of Object.keys(lastCalls.get(contact.contact_key)?.data_collected ?? {}))
      dataFields.add(name);
    for (const name of Object.keys(contact.variables ?? {})) variables.add(name);
  }
  const header = [
    'row',
    'number',
    'name',
    'state',
    'attempts',
    'last_outcome',
    'result',
    'time_zones',
    'call_sid',
    'call_outcome',
    'summary',
    ...[...dataFields].map((name) => `data.${name}`),
    ...[...variables].map((name) => `var.${name}`),
  ];
  const rows = contacts.map((contact) => {
    const call = lastCalls.get(contact.contact_key);
    return [
      contact.row,
      contact.number,
      contact.name,
      contact.state,
      contact.attempt_count,
      contact.last_outcome,
      contact.result,
      contact.zones.join(' '),
      contact.call_sid,
      call?.outcome,
      call?.summary,
      ...[...dataFields].map((name) => call?.data_collected[name]?.value),
      ...[...variables].map((name) => contact.variables?.[name]),
    ];
  });
  return formatCsv(header, rows);
}
