// One call: what was said (who, when, confidence, interruptions), what was collected and from
// which turn, how it ended, the recording, latency and cost, webhook deliveries. A call in
// progress reloads itself every few seconds.
import { get } from '../api.js';
import { cost, dateTime, ms, seconds, time, words } from '../format.js';
import { h, replace } from '../h.js';
import { badge, dataTable, empty, errorBox, link, loading } from '../ui.js';
import { waterfall } from '../waterfall.js';

const REFRESH_MS = 3_000;
const TERMINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

const definitions = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );

// How far the person's number was trusted (domain/call.ts CallerIdentity).
const IDENTITY_WORDS = {
  outbound: 'we dialled the number',
  attested: 'number verified by the network',
  unattested: 'number not verified',
  withheld: 'number withheld or not a number',
};

/** Whether the call recalled earlier calls with this person, and why. */
function memoryText(call) {
  const { used, identity, policy } = call.memory;
  const why = `${IDENTITY_WORDS[identity] ?? identity}; memory ${policy}`;
  return used ? `${(call.past_calls ?? []).length} recalled (${why})` : `none recalled (${why})`;
}

function focusTurn(seq) {
  const turn = document.getElementById(`turn-${seq}`);
  turn?.scrollIntoView({ block: 'center' });
  turn?.focus();
}

function collectedTable(entries) {
  const table = dataTable('Data collected', ['Field', 'Value', 'From']);
  table.addRows(
    entries.map(([name, item]) => [
      h('strong', {}, name),
      String(item.value),
      h(
        'button',
        { type: 'button', class: 'link-button', onclick: () => focusTurn(item.turn) },
        `turn ${item.turn}`,
      ),
    ]),
  );
  return table.element;
}

function collectedSection(call) {
  const entries = Object.entries(call.data_collected ?? {});
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'collected-heading' },
    h('h2', { id: 'collected-heading' }, 'Data collected'),
    entries.length === 0 ? empty('Nothing collected on this call.') : collectedTable(entries),
  );
}

/**
 * "1200 in (1024 from the prompt cache) / 18 out": the cached part of the input, which the provider
 * bills lower, is already in the cost shown next to it.
 */
function tokens(input, output, cached) {
  const fromCache = cached ? ` (${cached} from the prompt cache)` : '';
  return `${input} in${fromCache} / ${output ?? 0} out`;
}

// A web call's lines are typed (stored with confidence 1), and the greeting answers nobody, so
// neither a confidence nor a reply latency would mean anything there.
function turnItem(turn, call) {
  const usage = [
    turn.latency_ms !== undefined && turn.kind !== 'greeting' ? `latency ${ms(turn.latency_ms)}` : null,
    turn.model_latency_ms !== undefined ? `model ${ms(turn.model_latency_ms)}` : null,
    turn.input_tokens !== undefined
      ? `${tokens(turn.input_tokens, turn.output_tokens, turn.cached_input_tokens)} tokens`
      : null,
    turn.cost_micro_usd !== undefined ? `cost ${cost(turn.cost_micro_usd)}` : null,
  ].filter(Boolean);
  const extracted = Object.entries(turn.extracted ?? {});
  return h(
    'li',
    { class: 'turn', id: `turn-${turn.seq}`, tabindex: '-1' },
    h(
      'p',
      { class: 'turn-head' },
      h('span', { class: 'seq' }, `Turn ${turn.seq}`),
      ' · ',
      h('time', { datetime: turn.at }, time(turn.at)),
      turn.kind !== 'speech' ? [' · ', badge(words(turn.kind), 'plain')] : null,
    ),
    turn.caller !== undefined
      ? h(
          'div',
          { class: 'said said-caller' },
          h('span', { class: 'who' }, 'Caller'),
          h('p', {}, turn.caller),
          turn.confidence !== undefined && call.direction !== 'web'
            ? h('span', { class: 'sub' }, `confidence ${Number(turn.confidence).toFixed(2)}`)
            : null,
        )
      : null,
    h(
      'div',
      { class: 'said said-agent' },
      h('span', { class: 'who' }, 'Agent'),
      h('p', {}, turn.agent),
      turn.interrupted ? badge('interrupted: the caller heard only this much', 'warn') : null,
    ),
    extracted.length
      ? h(
          'p',
          { class: 'extracted' },
          'Collected: ',
          extracted.map(([k, v], i) => [i ? ', ' : '', h('code', {}, `${k} = ${v}`)]),
        )
      : null,
    turn.tool_calls?.length ? toolCallsList(turn.tool_calls) : null,
    turn.model_error ? h('p', { class: 'sub error-text' }, `Model error: ${turn.model_error}`) : null,
    usage.length ? h('p', { class: 'sub' }, usage.join(' · ')) : null,
    turn.timeline ? waterfall(turn.timeline, turn, call.transport) : null,
  );
}

// The agent's own tools the model called on a turn: name, how it went, the (masked) arguments.
function toolCallsList(calls) {
  return h(
    'ul',
    { class: 'tool-calls', 'aria-label': 'Tool calls' },
    calls.map((call) =>
      h(
        'li',
        { class: 'tool-call' },
        h('code', {}, call.name),
        ' ',
        badge(
          words(call.status),
          call.status === 'ok' ? 'good' : call.status === 'rejected' ? 'warn' : 'bad',
        ),
        ' ',
        h(
          'span',
          { class: 'sub' },
          [
            ms(call.latency_ms),
            call.http_status !== undefined ? `HTTP ${call.http_status}` : null,
            call.response_bytes !== undefined ? `${call.response_bytes} bytes` : null,
          ]
            .filter(Boolean)
            .join(' · '),
        ),
        h('br'),
        h('code', { class: 'tool-args' }, JSON.stringify(call.arguments)),
        call.error ? h('p', { class: 'sub error-text' }, call.error) : null,
      ),
    ),
  );
}

function recordingSection(call) {
  const recording = call.recording;
  let content;
  if (recording?.status === 'copied') {
    const player = h('audio', {
      controls: true,
      preload: 'none',
      src: `/calls/${encodeURIComponent(call.call_sid)}/recording?redirect=1`,
      'aria-label': 'Call recording',
    });
    content = [
      player,
      recording.duration_seconds !== undefined
        ? h('p', { class: 'sub' }, seconds(recording.duration_seconds))
        : null,
    ];
  } else if (recording) {
    content = h('p', {}, `Recording ${recording.status}${recording.error ? `: ${recording.error}` : ''}.`);
  } else {
    content = h(
      'p',
      { class: 'sub' },
      call.direction === 'web' ? 'Web calls are not recorded.' : 'No recording for this call.',
    );
  }
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'recording-heading' },
    h('h2', { id: 'recording-heading' }, 'Recording'),
    content,
  );
}

function webhookTable(deliveries) {
  const table = dataTable('Webhook deliveries', ['Attempt', 'At', 'Response', 'Result']);
  table.addRows(
    deliveries.map((d) => [
      String(d.attempt),
      dateTime(d.at),
      d.status_code ? String(d.status_code) : (d.error ?? '—'),
      badge(d.ok ? 'delivered' : 'failed', d.ok ? 'good' : 'bad'),
    ]),
  );
  return table.element;
}

function webhookSection(call) {
  const deliveries = call.webhook_deliveries ?? [];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'webhook-heading' },
    h('h2', { id: 'webhook-heading' }, 'Webhook deliveries'),
    deliveries.length === 0 ? empty('No end-of-call webhook was sent.') : webhookTable(deliveries),
  );
}

function render(call, agentName) {
  const totals = call.totals;
  const replies = call.transcript.filter((t) => t.seq > 0).length;
  return [
    h('p', { class: 'crumbs' }, link('#/calls', 'Calls'), ' / ', call.call_sid),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, `Call with ${agentName}`),
      badge(call.status),
      call.direction === 'web' ? badge('web call', 'info') : null,
    ),
    TERMINAL.has(call.status)
      ? null
      : h('p', { class: 'sub', role: 'status' }, 'In progress: this page refreshes by itself.'),
    h(
      'section',
      { class: 'card', 'aria-label': 'Overview' },
      definitions([
        ['Agent', link(`#/agents/${encodeURIComponent(call.agent_id)}`, agentName)],
        ['Kind', call.direction],
        call.direction === 'web' ? null : ['Person', call.recipient_phone],
        call.direction === 'web' ? null : ['Our number', call.agent_phone ?? call.caller_phone],
        ['Started', dateTime(call.started_at)],
        ['Ended', dateTime(call.ended_at)],
        ['Duration', seconds(call.duration_seconds)],
        ['Ended by', words(call.ended_by)],
        ['Outcome', words(call.outcome)],
        call.transferred_to ? ['Transferred to', call.transferred_to] : null,
        call.memory ? ['Past calls', memoryText(call)] : null,
        [
          'Total latency',
          totals
            ? `${ms(totals.latency_ms)} (average ${ms(replies ? totals.latency_ms / replies : 0)} per reply)`
            : '—',
        ],
        ['Model latency', totals ? ms(totals.model_latency_ms) : '—'],
        call.latency_p50_ms !== undefined
          ? ['Turn p50 / p95', `${ms(call.latency_p50_ms)} / ${ms(call.latency_p95_ms)}`]
          : null,
        call.server_added_p50_ms !== undefined
          ? ['Server added p50 / p95', `${ms(call.server_added_p50_ms)} / ${ms(call.server_added_p95_ms)}`]
          : null,
        call.model_first_token_p50_ms !== undefined
          ? [
              'Model first token p50 / p95',
              `${ms(call.model_first_token_p50_ms)} / ${ms(call.model_first_token_p95_ms)}`,
            ]
          : null,
        [
          'Tokens',
          totals ? tokens(totals.input_tokens, totals.output_tokens, totals.cached_input_tokens) : '—',
        ],
        ['Total cost', totals ? cost(totals.cost_micro_usd) : '—'],
        totals?.tool_calls
          ? ['Tool calls', `${totals.tool_calls} (${ms(totals.tool_latency_ms ?? 0)} waiting on tools)`]
          : null,
      ]),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-heading' },
      h('h2', { id: 'summary-heading' }, 'Summary'),
      call.summary
        ? h('p', {}, call.summary)
        : empty(TERMINAL.has(call.status) ? 'No summary yet.' : 'The summary is written when the call ends.'),
    ),
    collectedSection(call),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'transcript-heading' },
      h('h2', { id: 'transcript-heading' }, 'Transcript'),
      call.transcript.length === 0
        ? empty('Nothing has been said yet.')
        : h(
            'ol',
            { class: 'transcript' },
            call.transcript.map((turn) => turnItem(turn, call)),
          ),
    ),
    recordingSection(call),
    webhookSection(call),
  ];
}

export async function callPage(main, { params: [sid], signal }) {
  replace(main, h('h1', {}, 'Call'), loading('Loading the call…'));
  const state = { timer: undefined, agentName: undefined };
  const refresh = async () => {
    try {
      const call = await get(`/calls/${encodeURIComponent(sid)}`, { signal });
      state.agentName ??= await get(`/agents/${encodeURIComponent(call.agent_id)}`, { signal })
        .then((agent) => agent.name)
        .catch(() => call.agent_id);
      const focused = document.activeElement?.id;
      replace(main, render(call, state.agentName));
      if (focused) document.getElementById(focused)?.focus();
      // Stay a little after the end so summary and outcome, written in the background, show up.
      if (
        !TERMINAL.has(call.status) ||
        (!call.summary && Date.now() - Date.parse(call.ended_at ?? 0) < 15_000)
      ) {
        state.timer = setTimeout(refresh, REFRESH_MS);
      }
    } catch (error) {
      if (error.name === 'AbortError') return;
      replace(main, h('h1', {}, 'Call'), errorBox(error, refresh));
    }
  };
  await refresh();
  return () => clearTimeout(state.timer);
}
