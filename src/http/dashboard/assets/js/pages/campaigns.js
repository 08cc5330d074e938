// Campaigns: the list, newest first, and a form that creates a draft with its contacts (CSV).
import { api, get } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { loadAllAgents } from '../agents-lookup.js';
import {
  badge,
  clearErrors,
  dataTable,
  empty,
  errorBox,
  field,
  link,
  loading,
  select,
  showErrors,
} from '../ui.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The per-row problems of an upload, as a list a person can fix the file from. */
export function uploadIssues(result) {
  if (!result.issues.length) return null;
  return h(
    'div',
    { class: 'state state-error', role: 'status' },
    h('p', {}, `${result.skipped} row${result.skipped === 1 ? ' was' : 's were'} skipped:`),
    h(
      'ul',
      { class: 'issues' },
      result.issues.map((issue) => h('li', {}, `Row ${issue.row}, ${issue.field}: ${issue.message}`)),
    ),
  );
}

export async function campaignsPage(main, { signal }) {
  const list = h('div', { class: 'list' }, loading('Loading campaigns…'));
  const agents = await loadAllAgents(signal, ['active']);
  const names = new Map(agents.map((a) => [a.agent_id, a.name]));

  const c = {
    name: h('input', { type: 'text', autocomplete: 'off' }),
    agent_id: select([
      ['', 'Choose an agent'],
      ...agents.map((a) => [a.agent_id, `${a.name} (${a.agent_id})`]),
    ]),
    start: h('input', { type: 'time', value: '09:00' }),
    end: h('input', { type: 'time', value: '20:00' }),
    pace: h('input', { type: 'number', min: 1, max: 1000, value: 10 }),
    concurrent: h('input', { type: 'number', min: 1, max: 100, value: 5 }),
    attempts: h('input', { type: 'number', min: 1, max: 10, value: 3 }),
    timezone: h('input', { type: 'text', autocomplete: 'off', placeholder: 'America/Chicago' }),
    contacts: h('textarea', {
      rows: 5,
      placeholder: 'number,name,timezone,appointment\n+14155550123,Asha Rao,,Tuesday 10 am',
    }),
    file: h('input', { type: 'file', accept: '.csv,text/csv' }),
  };
  const days = DAYS.map((day) =>
    h('input', { type: 'checkbox', value: day, checked: !['sat', 'sun'].includes(day) }),
  );
  const status = h('div', { role: 'status' });
  c.file.addEventListener('change', async () => {
    const file = c.file.files?.[0];
    if (file) c.contacts.value = await file.text();
  });

  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        replace(status);
        const body = {
          name: c.name.value.trim(),
          agent_id: c.agent_id.value,
          calling_hours: {
            start: c.start.value,
            end: c.end.value === '00:00' ? '24:00' : c.end.value,
            days: days.filter((d) => d.checked).map((d) => d.value),
          },
          calls_per_minute: Number(c.pace.value),
          max_concurrent: Number(c.concurrent.value),
          max_attempts: Number(c.attempts.value),
          ...(c.timezone.value.trim() ? { default_timezone: c.timezone.value.trim() } : {}),
        };
        try {
          const { data: campaign } = await api('POST', '/campaigns', { body });
          let result;
          if (c.contacts.value.trim()) {
            const path = `/campaigns/${campaign.campaign_id}/contacts`;
            result = (await api('POST', path, { body: { csv: c.contacts.value } })).data;
          }
          replace(
            status,
            h(
              'p',
              { class: 'form-message' },
              'Created ',
              link(`#/campaigns/${campaign.campaign_id}`, campaign.name),
              result ? ` with ${result.added} contact${result.added === 1 ? '' : 's'}.` : '.',
            ),
            result ? uploadIssues(result) : null,
          );
          await refresh();
        } catch (error) {
          showErrors(form, error);
        }
      },
    },
    h('div', { class: 'form-summary', role: 'alert', tabindex: '-1' }),
    h(
      'div',
      { class: 'field-row' },
      field('Name', c.name, { path: 'name' }),
      field('Agent', c.agent_id, { path: 'agent_id' }),
    ),
    h(
      'div',
      { class: 'field-row' },
      field('Calls from', c.start, { path: 'calling_hours.start', hint: "In each contact's own time." }),
      field('Calls until', c.end, { path: 'calling_hours.end' }),
      field('Calls per minute', c.pace, { path: 'calls_per_minute' }),
      field('At once, at most', c.concurrent, { path: 'max_concurrent' }),
      field('Attempts per contact', c.attempts, { path: 'max_attempts' }),
    ),
    h(
      'fieldset',
      { 'data-field': 'calling_hours.days' },
      h('legend', {}, 'Calling days'),
      h(
        'div',
        { class: 'days' },
        days.map((box) => h('label', { class: 'check' }, box, ` ${box.value}`)),
      ),
    ),
    field('Time zone for contacts whose zone is unknown (optional)', c.timezone, {
      path: 'default_timezone',
    }),
    field('Contacts (CSV: number, name, timezone, and any variables)', c.contacts, {
      path: 'contacts',
      hint: 'Variables fill the agent’s greeting and prompt, e.g. {{first_name}}.',
    }),
    field('…or a CSV file', c.file),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create campaign')),
  );

  async function refresh() {
    try {
      const { items } = await get('/campaigns', { signal });
      if (items.length === 0) {
        replace(list, empty('No campaigns yet.'));
        return;
      }
      const table = dataTable('Campaigns', ['Name', 'Agent', 'State', 'Contacts', 'Created']);
      table.addRows(
        items.map((campaign) => [
          [
            link(`#/campaigns/${encodeURIComponent(campaign.campaign_id)}`, campaign.name),
            h('div', { class: 'sub' }, campaign.campaign_id),
          ],
          names.get(campaign.agent_id) ?? campaign.agent_id,
          badge(campaign.state),
          String(campaign.contact_count),
          dateTime(campaign.created_at),
        ]),
      );
      replace(list, table.element);
    } catch (error) {
      if (error.name !== 'AbortError') replace(list, errorBox(error, refresh));
    }
  }

  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Campaigns'), link('#/do-not-call', 'Do-not-call list')),
    h(
      'section',
      { 'aria-labelledby': 'campaigns-heading' },
      h('h2', { id: 'campaigns-heading' }, 'All campaigns'),
      list,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-campaign-heading' },
      h('h2', { id: 'new-campaign-heading' }, 'New campaign'),
      form,
      status,
    ),
  );
  await refresh();
}
