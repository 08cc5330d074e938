// Agents: a list by status, newest first, with a cursor to load more.
import { get, withQuery } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { badge, dataTable, empty, errorBox, field, link, loading, select } from '../ui.js';

const STATUSES = ['active', 'inactive', 'archived'];

export function agentsPage(main, { query, signal }) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : 'active';
  const statusSelect = select(STATUSES, { value: status, name: 'status' });
  statusSelect.addEventListener('change', () => {
    location.hash = `#/agents?status=${statusSelect.value}`;
  });
  const list = h('div', { class: 'list' });
  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Agents'),
      h('a', { class: 'button', href: '#/agents/new' }, 'New agent'),
    ),
    h('div', { class: 'filters' }, field('Show', statusSelect)),
    list,
  );

  const table = dataTable(`${status} agents`, ['Name', 'Language', 'Voice', 'Status', 'Updated']);
  const more = h('p');

  async function load(cursor) {
    replace(more, loading());
    try {
      const page = await get(withQuery('/agents', { status, limit: 20, cursor }), { signal });
      if (!cursor && page.items.length === 0) {
        replace(
          list,
          empty(`No ${status} agents.`, status === 'active' ? link('#/agents/new', 'Create an agent') : null),
        );
        return;
      }
      if (!cursor) replace(list, table.element, more);
      table.addRows(
        page.items.map((agent) => [
          [
            link(`#/agents/${encodeURIComponent(agent.agent_id)}`, agent.name),
            h('div', { class: 'sub' }, agent.agent_id),
          ],
          agent.language,
          agent.voice,
          badge(agent.status),
          dateTime(agent.updated_at),
        ]),
      );
      replace(
        more,
        page.cursor
          ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page.cursor) }, 'Load more')
          : null,
      );
    } catch (error) {
      if (error.name === 'AbortError') return;
      replace(
        cursor ? more : list,
        errorBox(error, () => load(cursor)),
      );
    }
  }
  replace(list, loading('Loading agents…'));
  load();
}
