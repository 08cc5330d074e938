// Phone numbers: which agent answers each number; assign and unassign.
import { api, get } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { loadAllAgents } from '../agents-lookup.js';
import { clearErrors, dataTable, empty, errorBox, field, link, loading, select, showErrors } from '../ui.js';

export async function numbersPage(main, { signal }) {
  const list = h('div', { class: 'list' }, loading('Loading numbers…'));
  const agents = await loadAllAgents(signal, ['active', 'inactive']);
  const names = new Map(agents.map((a) => [a.agent_id, a.name]));

  const number = h('input', {
    type: 'tel',
    autocomplete: 'off',
    placeholder: '+14155550100',
    inputmode: 'tel',
  });
  const agentSelect = select([
    ['', 'Choose an agent'],
    ...agents.map((a) => [a.agent_id, `${a.name} (${a.agent_id})`]),
  ]);
  const label = h('input', { type: 'text', autocomplete: 'off' });
  const status = h('p', { class: 'form-message', role: 'status' });
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        if (!number.value.trim()) {
          showErrors(form, {
            issues: [{ field: 'phone_number', message: 'enter a number in E.164, e.g. +14155550100' }],
          });
          return;
        }
        try {
          const body = {
            agent_id: agentSelect.value,
            ...(label.value.trim() ? { label: label.value.trim() } : {}),
          };
          const { data } = await api('PUT', `/phone-numbers/${encodeURIComponent(number.value.trim())}`, {
            body,
          });
          status.textContent = `${data.phone_number} now goes to ${names.get(data.assigned_agent_id) ?? data.assigned_agent_id}.`;
          number.value = '';
          label.value = '';
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
      field('Phone number', number, { path: 'phone_number', hint: 'E.164, with the country code.' }),
      field('Agent', agentSelect, { path: 'agent_id' }),
      field('Label (optional)', label, { path: 'label' }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Assign number'), status),
  );

  async function unassign(item, button) {
    button.disabled = true;
    try {
      await api('DELETE', `/phone-numbers/${encodeURIComponent(item.phone_number)}`);
      status.textContent = `${item.phone_number} is unassigned.`;
      await refresh();
    } catch (error) {
      button.disabled = false;
      status.textContent = `Could not unassign: ${error.message}`;
    }
  }

  async function refresh() {
    try {
      const { items } = await get('/phone-numbers', { signal });
      if (items.length === 0) {
        replace(
          list,
          empty('No numbers are assigned yet. Calls to an unassigned number go to the default agent.'),
        );
        return;
      }
      const table = dataTable('Assigned numbers', ['Number', 'Agent', 'Label', 'Assigned', 'Action']);
      table.addRows(
        items.map((item) => {
          const button = h('button', { type: 'button', class: 'secondary' }, 'Unassign');
          button.setAttribute('aria-label', `Unassign ${item.phone_number}`);
          button.addEventListener('click', () => unassign(item, button));
          const agentName = names.get(item.assigned_agent_id) ?? item.assigned_agent_id;
          return [
            item.phone_number,
            link(`#/agents/${encodeURIComponent(item.assigned_agent_id)}`, agentName),
            item.label ?? '—',
            dateTime(item.assigned_at),
            button,
          ];
        }),
      );
      replace(list, table.element);
    } catch (error) {
      if (error.name !== 'AbortError') replace(list, errorBox(error, refresh));
    }
  }

  replace(
    main,
    h('h1', {}, 'Phone numbers'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'assign-heading' },
      h('h2', { id: 'assign-heading' }, 'Assign a number'),
      form,
    ),
    h(
      'section',
      { 'aria-labelledby': 'assigned-heading' },
      h('h2', { id: 'assigned-heading' }, 'Assigned numbers'),
      list,
    ),
  );
  await refresh();
}
