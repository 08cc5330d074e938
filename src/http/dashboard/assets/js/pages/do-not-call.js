// The do-not-call list: who added each number and when; add, import a CSV, remove.
import { api, get, withQuery } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { clearErrors, dataTable, empty, errorBox, field, loading, showErrors } from '../ui.js';
import { uploadIssues } from './campaigns.js';

export async function doNotCallPage(main, { signal }) {
  const list = h('div', { class: 'list' }, loading('Loading the list…'));
  const more = h('p');
  const status = h('div', { role: 'status' });
  const number = h('input', {
    type: 'tel',
    autocomplete: 'off',
    placeholder: '+14155550100',
    inputmode: 'tel',
  });
  const reason = h('input', { type: 'text', autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        try {
          const body = {
            phone_number: number.value.trim(),
            ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
          };
          const { data } = await api('POST', '/do-not-call', { body });
          replace(status, h('p', { class: 'form-message' }, `${data.phone_number} will not be called.`));
          number.value = '';
          reason.value = '';
          await load();
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
      field('Reason (optional)', reason, { path: 'reason' }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add number')),
  );
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const importForm = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) return;
        try {
          // A JSON string body: the route takes the CSV text either way.
          const { data } = await api('POST', '/do-not-call/import', { body: await chosen.text() });
          replace(
            status,
            h('p', { class: 'form-message' }, `Added ${data.added}; ${data.already} were already listed.`),
            uploadIssues({ ...data, skipped: data.issues.length }),
          );
          await load();
        } catch (error) {
          replace(status, errorBox(error));
        }
      },
    },
    field('Import a CSV (a phone_number column, optional reason)', file),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Import')),
  );

  async function remove(entry, button) {
    button.disabled = true;
    try {
      await api('DELETE', `/do-not-call/${encodeURIComponent(entry.phone_number)}`);
      replace(status, h('p', { class: 'form-message' }, `${entry.phone_number} was removed.`));
      await load();
    } catch (error) {
      button.disabled = false;
      replace(status, errorBox(error));
    }
  }

  const table = dataTable('Do-not-call list', ['Number', 'Added by', 'Added', 'Reason', 'Action']);
  async function load(cursor) {
    try {
      const page = await get(withQuery('/do-not-call', { limit: 50, cursor }), { signal });
      if (!cursor && page.items.length === 0) {
        replace(list, empty('The list is empty.'));
        return;
      }
      if (!cursor) {
        table.element.querySelector('tbody').replaceChildren();
        replace(list, table.element, more);
      }
      table.addRows(
        page.items.map((entry) => {
          const button = h('button', { type: 'button', class: 'secondary' }, 'Remove');
          button.setAttribute('aria-label', `Remove ${entry.phone_number}`);
          button.addEventListener('click', () => remove(entry, button));
          return [entry.phone_number, entry.added_by, dateTime(entry.added_at), entry.reason ?? '—', button];
        }),
      );
      replace(
        more,
        page.cursor
          ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page.cursor) }, 'Load more')
          : null,
      );
    } catch (error) {
      if (error.name !== 'AbortError')
        replace(
          list,
          errorBox(error, () => load(cursor)),
        );
    }
  }

  replace(
    main,
    h('h1', {}, 'Do-not-call list'),
    h(
      'p',
      { class: 'sub' },
      'No campaign calls these numbers. A caller who says “stop calling me” is added here.',
    ),
    status,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'dnc-add' },
      h('h2', { id: 'dnc-add' }, 'Add a number'),
      form,
      importForm,
    ),
    h('section', { 'aria-labelledby': 'dnc-list' }, h('h2', { id: 'dnc-list' }, 'Listed numbers'), list),
  );
  await load();
}
