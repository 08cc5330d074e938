// Calls, newest first: filters by agent, status, number and day range (days in the browser's time
// zone, sent as date-times), all applied by the API, with its cursor to load older calls.
import { get, withQuery } from '../api.js';
import { dateTime, dayBound, seconds, words } from '../format.js';
import { h, replace } from '../h.js';
import { loadAllAgents } from '../agents-lookup.js';
import { loadMeta } from '../meta.js';
import { badge, dataTable, empty, errorBox, filterForm, link, loading, select, showErrors } from '../ui.js';

export async function callsPage(main, { query, signal }) {
  const filters = {
    agent_id: query.get('agent_id') ?? '',
    status: query.get('status') ?? '',
    recipient: query.get('recipient') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
  replace(main, h('h1', {}, 'Calls'), loading());
  const [agents, meta] = await Promise.all([loadAllAgents(signal), loadMeta(signal)]);
  const names = new Map(agents.map((a) => [a.agent_id, a.name]));

  const c = {
    agent_id: select([['', 'All agents'], ...agents.map((a) => [a.agent_id, a.name])], {
      value: filters.agent_id,
    }),
    status: select([['', 'Any status'], ...meta.enums.call_statuses], { value: filters.status }),
    recipient: h('input', {
      type: 'tel',
      value: filters.recipient,
      placeholder: '+14155550100',
      autocomplete: 'off',
    }),
    from: h('input', { type: 'date', value: filters.from }),
    to: h('input', { type: 'date', value: filters.to }),
  };
  const form = filterForm(
    '/calls',
    c,
    [
      ['agent_id', 'Agent'],
      ['status', 'Status'],
      ['recipient', 'Number'],
      ['from', 'From day'],
      ['to', 'To day'],
    ],
    { submitText: 'Filter', clearText: 'Clear filters' },
  );

  const list = h('div', { class: 'list' }, loading('Loading calls…'));
  const more = h('div', { class: 'more' });
  const table = dataTable('Calls, newest first', [
    'Started',
    'Agent',
    'Kind',
    'With',
    'Status',
    'Duration',
    'Outcome',
  ]);
  replace(main, h('h1', {}, 'Calls'), form, list);

  const row = (call) => [
    link(`#/calls/${encodeURIComponent(call.call_sid)}`, dateTime(call.started_at)),
    names.get(call.agent_id) ?? call.agent_id,
    call.direction === 'web' ? badge('web call', 'info') : call.direction,
    call.direction === 'web' ? '—' : call.recipient_phone,
    badge(call.status),
    seconds(call.duration_seconds),
    words(call.outcome),
  ];

  let shown = 0;
  const olderButton = (cursor) =>
    h('button', { type: 'button', class: 'secondary', onclick: () => load(cursor) }, 'Load older calls');
  async function load(cursor) {
    replace(more, loading());
    try {
      const page = await get(
        withQuery('/calls', {
          agent_id: filters.agent_id,
          status: filters.status,
          recipient: filters.recipient,
          from: dayBound(filters.from, 'start'),
          to: dayBound(filters.to, 'end'),
          limit: 25,
          cursor,
        }),
        { signal },
      );
      shown += page.items.length;
      if (shown > 0 && !table.element.isConnected) replace(list, table.element, more);
      table.addRows(page.items.map(row));
      if (shown === 0) {
        const filtered = Object.values(filters).some(Boolean);
        // A range reaching years back can end a page before its oldest month: nothing yet, more to read.
        replace(more, page.cursor ? olderButton(page.cursor) : null);
        replace(
          list,
          page.cursor
            ? [h('p', { class: 'state state-empty' }, 'No calls found yet in this range.'), more]
            : empty(
                filtered
                  ? 'No calls match these filters.'
                  : 'No calls yet. Start one from an agent page with "Talk to this agent".',
              ),
        );
        return;
      }
      replace(more, page.cursor ? olderButton(page.cursor) : null);
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (error.status === 400 && error.issues.length) {
        showErrors(form, error);
        replace(list);
        return;
      }
      replace(
        shown ? more : list,
        errorBox(error, () => load(cursor)),
      );
    }
  }
  await load();
}
