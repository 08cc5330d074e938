// Analytics: calls per day by outcome, turn latency per agent with the model's share, extraction
// per field, transfers and cost, for a day range (the browser's days) and an agent. Figures come
// from GET /analytics; the charts from uPlot (charts.js).
import { get, withQuery } from '../api.js';
import { loadAllAgents } from '../agents-lookup.js';
import { bar } from '../bars.js';
import { dayBars, keepSized, loadCharts } from '../charts.js';
import { cost, dayBound, duration, words } from '../format.js';
import { h, replace } from '../h.js';
import { dataTable, empty, errorBox, filterForm, link, loading, select, showErrors } from '../ui.js';

const DEFAULT_DAYS = 30;
// Outcome colours, readable side by side and on white.
const OUTCOME_COLORS = {
  resolved: '#2e8b57',
  follow_up_needed: '#e0a100',
  transferred: '#2457c5',
  not_interested: '#8a8f99',
  voicemail: '#8e5cc7',
  no_answer: '#c5cad3',
  failed: '#c0392b',
  none: '#9ecbe8',
};

const localDay = (date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
const percent = (share) => (share === undefined ? '—' : `${Math.round(share * 100)} %`);

function defaultRange() {
  const today = new Date();
  const first = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DEFAULT_DAYS - 1));
  return { from: localDay(first), to: localDay(today) };
}

function tiles(report) {
  const t = report.totals;
  const items = [
    ['Calls', String(t.calls)],
    ['Transfers', t.calls ? `${t.transfers} (${percent(t.transfers / t.calls)})` : '0'],
    ['Cost', cost(t.cost_micro_usd)],
    ['Average turn', duration(t.avg_latency_ms)],
    ['p95 turn (estimated)', duration(t.p95_latency_ms)],
    ["Model's share of turn time", percent(t.model_share)],
    ['p95 server added (estimated)', duration(t.p95_server_added_ms)],
  ];
  return h(
    'dl',
    { class: 'tiles' },
    items.map(([term, value]) => h('div', { class: 'tile' }, h('dt', {}, term), h('dd', {}, value))),
  );
}

function chartCard(id, title, description) {
  const area = h('div', { class: 'chart', id: `${id}-chart`, role: 'img', 'aria-label': description });
  return {
    area,
    card: h(
      'section',
      { class: 'card', 'aria-labelledby': `${id}-heading` },
      h('h2', { id: `${id}-heading` }, title),
      h('p', { class: 'sub' }, description),
      area,
    ),
  };
}

function agentsTable(report, names) {
  const slowest = Math.max(1, ...report.agents.map((a) => a.avg_latency_ms ?? 0));
  const priciest = Math.max(1, ...report.agents.map((a) => a.cost_micro_usd));
  const table = dataTable('Turn latency and cost per agent', [
    'Agent',
    'Calls',
    'Replies',
    'Average turn',
    'p95 turn',
    'Model share',
    'p95 server added',
    'Transfers',
    'Cost',
  ]);
  table.addRows(
    report.agents.map((a) => [
      link(`#/agents/${encodeURIComponent(a.agent_id)}`, names.get(a.agent_id) ?? a.agent_id),
      String(a.calls),
      String(a.replies),
      h(
        'span',
        { class: 'with-bar' },
        bar((a.avg_latency_ms ?? 0) / slowest, [
          { share: a.model_share ?? 0, tone: 'model' },
          { share: 1 - (a.model_share ?? 0), tone: 'server' },
        ]),
        duration(a.avg_latency_ms),
      ),
      duration(a.p95_latency_ms),
      percent(a.model_share),
      duration(a.p95_server_added_ms),
      String(a.transfers),
      h('span', { class: 'with-bar' }, bar(a.cost_micro_usd / priciest), cost(a.cost_micro_usd)),
    ]),
  );
  return table.element;
}

function fieldsTable(report, names) {
  const table = dataTable('Extraction: the share of calls that gave each field', [
    'Agent',
    'Field',
    'Collected',
    'Rate',
  ]);
  table.addRows(
    report.fields.map((f) => [
      names.get(f.agent_id) ?? f.agent_id,
      h('code', {}, f.field),
      `${f.collected} of ${f.calls}`,
      h('span', { class: 'with-bar' }, bar(f.rate, [{ share: 1, tone: 'good' }]), percent(f.rate)),
    ]),
  );
  return table.element;
}

async function drawCharts(report, outcomeArea, costArea, signal) {
  const uPlot = await loadCharts();
  if (signal.aborted) return undefined;
  const days = report.days.map((d) => d.day);
  const outcomes = Object.keys(OUTCOME_COLORS).filter((o) => report.days.some((d) => d.outcomes[o] > 0));
  const charts = [
    {
      container: outcomeArea,
      chart: dayBars(uPlot, outcomeArea, {
        days,
        stacked: true,
        format: (v) => String(Math.round(v)),
        series: (outcomes.length ? outcomes : ['resolved']).map((o) => ({
          label: o === 'none' ? 'in progress' : words(o),
          color: OUTCOME_COLORS[o],
          values: report.days.map((d) => d.outcomes[o] ?? 0),
        })),
      }),
    },
    {
      container: costArea,
      chart: dayBars(uPlot, costArea, {
        days,
        format: (v) => `$${(v / 1_000_000).toFixed(v > 0 && v < 10_000 ? 4 : 2)}`,
        series: [{ label: 'Cost', color: '#2457c5', values: report.days.map((d) => d.cost_micro_usd) }],
      }),
    },
  ];
  return keepSized(charts);
}

export async function analyticsPage(main, { query, signal }) {
  const range = defaultRange();
  const filters = {
    from: query.get('from') || range.from,
    to: query.get('to') || range.to,
    agent_id: query.get('agent_id') ?? '',
  };
  replace(main, h('h1', {}, 'Analytics'), loading());
  const agents = await loadAllAgents(signal);
  const names = new Map(agents.map((a) => [a.agent_id, a.name]));
  const c = {
    from: h('input', { type: 'date', value: filters.from }),
    to: h('input', { type: 'date', value: filters.to }),
    agent_id: select([['', 'All agents'], ...agents.map((a) => [a.agent_id, a.name])], {
      value: filters.agent_id,
    }),
  };
  const form = filterForm(
    '/analytics',
    c,
    [
      ['from', 'From day'],
      ['to', 'To day'],
      ['agent_id', 'Agent'],
    ],
    { submitText: 'Show', clearText: 'Last 30 days' },
  );
  const body = h('div', {}, loading('Counting calls…'));
  replace(main, h('h1', {}, 'Analytics'), form, body);

  let report;
  try {
    report = await get(
      withQuery('/analytics', {
        from: dayBound(filters.from, 'start'),
        to: dayBound(filters.to, 'end'),
        agent_id: filters.agent_id,
        tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      }),
      { signal },
    );
  } catch (error) {
    if (error.name === 'AbortError') return undefined;
    if (error.status === 400 && error.issues.length) {
      showErrors(form, error);
      replace(body);
      return undefined;
    }
    replace(
      body,
      errorBox(error, () => analyticsPage(main, { query, signal })),
    );
    return undefined;
  }
  if (report.calls === 0) {
    replace(body, empty('No calls in this range.'));
    return undefined;
  }
  const outcomes = chartCard(
    'outcomes',
    'Calls per day by outcome',
    'Calls started each day, stacked by outcome.',
  );
  const costs = chartCard('cost', 'Cost per day', 'Model cost of the calls started each day, in US dollars.');
  replace(
    body,
    report.truncated
      ? h(
          'p',
          { class: 'state state-empty', role: 'status' },
          'Only the newest 5000 calls of this range are counted.',
        )
      : null,
    tiles(report),
    outcomes.card,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'agents-heading' },
      h('h2', { id: 'agents-heading' }, 'Turn latency and cost per agent'),
      h(
        'p',
        { class: 'sub' },
        'Bars show the average turn, the dark part the time spent waiting for the model. ' +
          "p95 is estimated from each call's own p50 and p95. Server added: input in to reply out " +
          '(on Gather, to the TwiML answered), less the wait for the model.',
      ),
      agentsTable(report, names),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'fields-heading' },
      h('h2', { id: 'fields-heading' }, 'Extraction per field'),
      h('p', { class: 'sub' }, 'Of the calls in which the caller spoke, the share that gave each field.'),
      report.fields.length ? fieldsTable(report, names) : empty('These agents collect no fields.'),
    ),
    costs.card,
  );
  try {
    return await drawCharts(report, outcomes.area, costs.area, signal);
  } catch (error) {
    replace(outcomes.area, errorBox(error));
    replace(costs.area, errorBox(error));
    return undefined;
  }
}
