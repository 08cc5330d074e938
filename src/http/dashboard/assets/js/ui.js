// Shared pieces: the loading, empty and error looks; labelled form controls whose error message
// sits next to them; status badges; list filters kept in the hash.
import { withQuery } from './api.js';
import { h, replace, uid } from './h.js';

export const loading = (what = 'Loading…') => h('p', { class: 'state state-loading', role: 'status' }, what);

export const empty = (message, ...actions) =>
  h(
    'div',
    { class: 'state state-empty' },
    h('p', {}, message),
    actions.length ? h('p', {}, ...actions) : null,
  );

export function errorBox(error, retry) {
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', {}, h('strong', {}, 'Something went wrong. '), error?.message ?? String(error)),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null,
  );
}

/** Runs `load` and shows the loading look, then what `show` builds, or an error with a retry. */
export async function loadInto(container, load, show) {
  replace(container, loading());
  container.setAttribute('aria-busy', 'true');
  try {
    const data = await load();
    replace(container, show(data));
  } catch (error) {
    if (error?.name === 'AbortError') return;
    replace(
      container,
      errorBox(error, () => loadInto(container, load, show)),
    );
  } finally {
    container.removeAttribute('aria-busy');
  }
}

const BADGE_TONES = {
  active: 'good',
  completed: 'good',
  resolved: 'good',
  'in-progress': 'live',
  ringing: 'live',
  queued: 'live',
  initiated: 'live',
  inactive: 'muted',
  archived: 'muted',
  failed: 'bad',
  busy: 'bad',
  'no-answer': 'bad',
  canceled: 'muted',
  passed: 'good',
  skipped: 'muted',
  draft: 'plain',
  running: 'live',
  paused: 'warn',
  pending: 'plain',
  dialing: 'live',
  in_call: 'live',
  reached: 'good',
  answered: 'good',
  exhausted: 'bad',
  expired: 'muted',
  do_not_call: 'muted',
  no_answer: 'bad',
  voicemail: 'info',
  hung_up_early: 'warn',
};

export const badge = (text, tone = BADGE_TONES[text] ?? 'plain') =>
  h('span', { class: `badge badge-${tone}` }, String(text).replaceAll('_', ' '));

/**
 * A labelled control with a slot for its error. `path` is the API field path (`data_to_fill.0.name`)
 * the server names in a 400's `issues[].field`.
 */
export function field(label, control, { path, hint } = {}) {
  const id = control.id || uid('f');
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const wrapper = h(
    'div',
    {
      class: control.type === 'checkbox' ? 'field field-check' : 'field',
      dataset: path ? { field: path } : {},
    },
    control.type === 'checkbox'
      ? [control, h('label', { for: id }, label)]
      : [h('label', { for: id }, label), control],
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    error,
  );
  return wrapper;
}

/** Clears every field error inside `form`, and its summary. */
export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  const summary = form.querySelector('.form-summary');
  if (summary) replace(summary);
}

/**
 * Shows each issue next to its field: the exact path, else its nearest named parent
 * (`data_to_fill.0.options` → `data_to_fill.0`); the rest, and the message, in the summary.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const unplaced = [];
  let first;
  for (const issue of error.issues ?? []) {
    const parts = String(issue.field).split('.');
    let wrapper;
    let matched = '';
    while (parts.length > 0 && !wrapper) {
      matched = parts.join('.');
      wrapper = form.querySelector(`[data-field="${CSS.escape(matched)}"]`);
      parts.pop();
    }
    const slot = wrapper?.querySelector(':scope > .field-error');
    if (!slot) {
      unplaced.push(issue);
      continue;
    }
    // A JSON editor (data-detail) holds a whole object: its messages name the field inside it.
    const inside = wrapper.dataset.detail !== undefined && issue.field !== matched;
    const message = inside ? `${issue.field.slice(matched.length + 1)}: ${issue.message}` : issue.message;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    slot.hidden = false;
    const control = wrapper.querySelector('input, select, textarea');
    control?.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  const summary = form.querySelector('.form-summary');
  if (summary) {
    replace(
      summary,
      h('p', {}, error.issues?.length ? 'Please fix the fields marked below.' : error.message),
      unplaced.length
        ? h(
            'ul',
            {},
            unplaced.map((i) => h('li', {}, `${i.field}: ${i.message}`)),
          )
        : null,
    );
  }
  (first ?? summary)?.focus();
}

export function select(options, { value, name, id } = {}) {
  return h(
    'select',
    { name, id },
    options.map((option) => {
      const [optionValue, text] = Array.isArray(option) ? option : [option, option];
      return h('option', { value: optionValue, selected: optionValue === value }, text);
    }),
  );
}

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

/**
 * A table that becomes a stack of labelled cards on narrow screens (each cell carries its column
 * name in data-label). Returns { element, addRows(rows) }, a row being an array of cells.
 */
export function dataTable(caption, headers) {
  const body = h('tbody');
  const element = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'stack' },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      body,
    ),
  );
  const addRows = (rows) => {
    for (const cells of rows) {
      body.append(
        h(
          'tr',
          {},
          cells.map((cell, i) => h('td', { dataset: { label: headers[i] } }, cell)),
        ),
      );
    }
  };
  return { element, addRows };
}

/**
 * A list page's filters: `controls` by query key, shown in the order of `labels` ([key, label]).
 * Submitting puts their values in the hash query of `path` (`/calls`), which reloads the page.
 */
export function filterForm(path, controls, labels, { submitText, clearText }) {
  return h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        const next = Object.fromEntries(
          Object.entries(controls).map(([key, control]) => [key, control.value.trim()]),
        );
        location.hash = withQuery(`#${path}`, next);
      },
    },
    h('div', { class: 'form-summary', role: 'alert', tabindex: '-1' }),
    h(
      'div',
      { class: 'field-row' },
      labels.map(([key, label]) => field(label, controls[key], { path: key })),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, submitText), link(`#${path}`, clearText)),
  );
}
