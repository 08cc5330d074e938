// An editable list of rows (data_to_fill, few_shot, transfer_targets): each row is a fieldset of
// labelled controls whose `data-field` paths (`data_to_fill.2.name`) match the API's issue paths.
import { append, h } from './h.js';
import { field } from './ui.js';

/**
 * "Remove <legend> N": takes its row out, renumbers the rest, says so to screen readers and moves
 * focus to `focusAfter()` (the list's add button).
 */
export function removeRowButton({ row, legend, index, renumber, status, focusAfter }) {
  return h(
    'button',
    {
      type: 'button',
      class: 'remove link-button',
      onclick: () => {
        row().remove();
        renumber();
        status.textContent = `${legend} removed.`;
        focusAfter().focus();
      },
    },
    `Remove ${legend.toLowerCase()} ${index + 1}`,
  );
}

/**
 * columns: [{ key, label, make(value) → control, read(control) → value or undefined, hint? }].
 * Returns { element, read() → array of row objects }.
 */
export function rowsEditor({ path, legend, addLabel, items, columns, blank }) {
  const rows = h('div', { class: 'rows' });
  const errorSlot = h('p', { class: 'field-error', hidden: true });
  const status = h('p', { class: 'visually-hidden', role: 'status' });

  function renumber() {
    [...rows.children].forEach((row, index) => {
      row.querySelector('legend').textContent = `${legend} ${index + 1}`;
      row.querySelector('.remove').textContent = `Remove ${legend.toLowerCase()} ${index + 1}`;
      for (const wrapper of row.querySelectorAll('[data-field]')) {
        wrapper.dataset.field = wrapper.dataset.field.replace(/\.\d+\./, `.${index}.`);
      }
    });
  }

  function addRow(item, focus) {
    const index = rows.children.length;
    const controls = columns.map((column) => {
      const control = column.make(item[column.key]);
      control.dataset.key = column.key;
      return [column, control];
    });
    const row = h(
      'fieldset',
      { class: 'row' },
      h('legend', {}, `${legend} ${index + 1}`),
      h(
        'div',
        { class: 'row-fields' },
        controls.map(([column, control]) =>
          field(column.label, control, { path: `${path}.${index}.${column.key}`, hint: column.hint }),
        ),
      ),
      removeRowButton({ row: () => row, legend, index, renumber, status, focusAfter: () => addButton }),
    );
    append(rows, row);
    if (focus) row.querySelector('input, select, textarea')?.focus();
  }

  const addButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => addRow(blank(), true) },
    addLabel,
  );
  for (const item of items ?? []) addRow(item, false);

  const element = h(
    'div',
    { class: 'rows-editor', dataset: { field: path } },
    rows,
    errorSlot,
    addButton,
    status,
  );

  function read() {
    return [...rows.children].map((row) => {
      const item = {};
      for (const column of columns) {
        const value = column.read(row.querySelector(`[data-key="${column.key}"]`));
        if (value !== undefined) item[column.key] = value;
      }
      return item;
    });
  }
  return { element, read };
}
