// One campaign: live progress (contacts by state and by last outcome, the next attempts), its
// actions, per-contact results and the CSV export. Progress refreshes every few seconds while open.
import { api, get, withQuery } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { badge, dataTable, empty, errorBox, link, loading } from '../ui.js';
import { uploadIssues } from './campaigns.js';

const REFRESH_MS = 3_000;
const ACTIONS = {
  draft: ['start', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  canceled: [],
};

function counts(title, values) {
  const entries = Object.entries(values ?? {});
  return h(
    'div',
    { class: 'card counts' },
    h('h2', {}, title),
    entries.length === 0
      ? h('p', { class: 'sub' }, 'None yet.')
      : h(
          'dl',
          { class: 'grid' },
          entries.map(([name, count]) => h('div', {}, h('dt', {}, badge(name)), h('dd', {}, String(count)))),
        ),
  );
}

export async function campaignPage(main, { params: [id], signal }) {
  const head = h('div');
  const progressArea = h('div', { 'aria-live': 'polite' }, loading('Loading progress…'));
  const results = h('div', { class: 'list' });
  const status = h('div', { role: 'status' });
  const more = h('p');
  let timer;

  async function act(action, button) {
    button.disabled = true;
    try {
      await api('POST', `/campaigns/${encodeURIComponent(id)}/${action}`);
      replace(status);
      await showProgress();
    } catch (error) {
      replace(status, errorBox(error));
    } finally {
      button.disabled = false;
    }
  }

  function header(campaign) {
    const hours = campaign.calling_hours;
    replace(
      head,
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, campaign.name),
        h(
          'div',
          { class: 'actions' },
          ACTIONS[campaign.state].map((action) => {
            const button = h(
              'button',
              { type: 'button', class: action === 'cancel' ? 'secondary' : '' },
              action[0].toUpperCase() + action.slice(1),
            );
            button.addEventListener('click', () => act(action, button));
            return button;
          }),
          h(
            'a',
            {
              class: 'button secondary',
              href: `/campaigns/${encodeURIComponent(id)}/export`,
              download: `${id}.csv`,
            },
            'Export CSV',
          ),
        ),
      ),
      h(
        'p',
        { class: 'sub' },
        badge(campaign.state),
        ` ${campaign.campaign_id} · agent ${campaign.agent_id} · ${hours.start}–${hours.end} ${hours.days.join(', ')} (local) · ${campaign.calls_per_minute}/min, ${campaign.max_concurrent} at once, ${campaign.max_attempts} attempts`,
        campaign.state_reason ? ` · ${campaign.state_reason}` : '',
      ),
    );
  }

  async function showProgress() {
    try {
      const progress = await get(`/campaigns/${encodeURIComponent(id)}/progress`, { signal });
      header(progress.campaign);
      const next =
        progress.next_attempts.length === 0
          ? h('p', { class: 'sub' }, 'No attempt is waiting.')
          : h(
              'ul',
              { class: 'next-attempts' },
              progress.next_attempts.map((n) =>
                h(
                  'li',
                  {},
                  `${dateTime(n.at)} · ${n.number}${n.name ? ` (${n.name})` : ''} · attempt ${n.attempt}`,
                ),
              ),
            );
      replace(
        progressArea,
        h(
          'div',
          { class: 'grid progress' },
          h(
            'div',
            { class: 'card counts' },
            h('h2', {}, 'Totals'),
            h('p', {}, `${progress.contacts} contacts, ${progress.attempts} calls`),
          ),
          counts('Contacts by state', progress.by_state),
          counts('Last outcome', progress.by_outcome),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'next-heading' },
          h('h2', { id: 'next-heading' }, 'Next attempts'),
          next,
        ),
      );
      if (['running', 'paused'].includes(progress.campaign.state)) timer = setTimeout(refreshAll, REFRESH_MS);
    } catch (error) {
      if (error.name !== 'AbortError') replace(progressArea, errorBox(error, showProgress));
    }
  }

  const table = dataTable('Contacts', [
    '#',
    'Number',
    'Name',
    'State',
    'Attempts',
    'Last outcome',
    'Result',
    'Call',
  ]);
  async function loadContacts(cursor) {
    try {
      const page = await get(
        withQuery(`/campaigns/${encodeURIComponent(id)}/contacts`, { limit: 50, cursor }),
        { signal },
      );
      if (!cursor && page.items.length === 0) {
        replace(results, empty('No contacts yet: upload a CSV below.'));
        return;
      }
      if (!cursor) {
        table.element.querySelector('tbody').replaceChildren();
        replace(results, table.element, more);
      }
      table.addRows(
        page.items.map((c) => [
          String(c.row),
          c.number,
          c.name ?? '—',
          badge(c.state),
          String(c.attempt_count),
          c.last_outcome ? badge(c.last_outcome) : '—',
          c.result ?? '—',
          c.call_sid ? link(`#/calls/${encodeURIComponent(c.call_sid)}`, 'Open') : '—',
        ]),
      );
      replace(
        more,
        page.cursor
          ? h(
              'button',
              { type: 'button', class: 'secondary', onclick: () => loadContacts(page.cursor) },
              'Load more',
            )
          : null,
      );
    } catch (error) {
      if (error.name !== 'AbortError')
        replace(
          results,
          errorBox(error, () => loadContacts(cursor)),
        );
    }
  }

  async function refreshAll() {
    clearTimeout(timer);
    await Promise.all([showProgress(), loadContacts()]);
  }

  const csv = h('textarea', { rows: 4, placeholder: 'number,name,timezone\n+14155550123,Asha Rao,' });
  const upload = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const { data } = await api('POST', `/campaigns/${encodeURIComponent(id)}/contacts`, {
            body: { csv: csv.value },
          });
          replace(
            status,
            h('p', { class: 'form-message' }, `Added ${data.added} contacts.`),
            uploadIssues(data),
          );
          csv.value = '';
          await refreshAll();
        } catch (error) {
          replace(status, errorBox(error));
        }
      },
    },
    h('label', {}, 'Add contacts (CSV, to a draft or paused campaign)', csv),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Upload contacts')),
  );

  replace(
    main,
    head,
    status,
    progressArea,
    h(
      'section',
      { 'aria-labelledby': 'contacts-heading' },
      h('h2', { id: 'contacts-heading' }, 'Contacts'),
      results,
    ),
    h('section', { class: 'card' }, upload),
  );
  await refreshAll();
  return () => clearTimeout(timer);
}
