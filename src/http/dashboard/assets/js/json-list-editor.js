// An editable list of JSON objects (an agent's tools, its MCP servers): one JSON editor per item,
// whose `data-field` path (`tools.2`) takes the server's issues for that item and everything in it
// (`tools.2.request.url: …`). An item whose JSON does not parse is named the same way on save.
import { append, h } from './h.js';
import { removeRowButton } from './rows.js';
import { field } from './ui.js';

/**
 * Returns { element, read() → array }. read() throws { message, issues } naming the item whose
 * JSON is broken. `extra(item, editor)` adds controls under an item (the tools' "Try it").
 */
export function jsonListEditor({ path, legend, addLabel, items, blank, hint, extra }) {
  const list = h('div', { class: 'rows' });
  const status = h('p', { class: 'visually-hidden', role: 'status' });

  function renumber() {
    [...list.children].forEach((row, index) => {
      row.querySelector('legend').textContent = `${legend} ${index + 1}`;
      row.querySelector('.remove').textContent = `Remove ${legend.toLowerCase()} ${index + 1}`;
      row.querySelector('[data-field]').dataset.field = `${path}.${index}`;
    });
  }

  function addItem(item, focus) {
    const index = list.children.length;
    const editor = h('textarea', {
      rows: 12,
      spellcheck: 'false',
      value: JSON.stringify(item, null, 2),
      dataset: { json: 'item' },
    });
    const wrapper = field('JSON', editor, { path: `${path}.${index}`, hint });
    wrapper.dataset.detail = '';
    const row = h(
      'fieldset',
      { class: 'row tool-editor' },
      h('legend', {}, `${legend} ${index + 1}`),
      wrapper,
      extra ? extra(editor) : null,
      removeRowButton({ row: () => row, legend, index, renumber, status, focusAfter: () => addButton }),
    );
    append(list, row);
    if (focus) editor.focus();
  }

  const addButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => addItem(blank(), true) },
    addLabel,
  );
  for (const item of items ?? []) addItem(item, false);
  const element = h('div', { class: 'rows-editor', dataset: { field: path } }, list, addButton, status);

  function read() {
    const issues = [];
    const values = [...list.querySelectorAll('textarea[data-json]')].map((editor, index) => {
      try {
        return JSON.parse(editor.value);
      } catch (error) {
        issues.push({ field: `${path}.${index}`, message: `not valid JSON: ${error.message}` });
        return undefined;
      }
    });
    if (issues.length) throw { message: 'Some JSON does not parse.', issues };
    return values;
  }
  return { element, read };
}
