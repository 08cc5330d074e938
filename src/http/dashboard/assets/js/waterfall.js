// One turn's timeline (turn.timeline: ms after the input was received) as a waterfall: the server's
// own time, the wait for the model, each tool call, and the moments the reply went out and was
// stored. The figures are written beside each bar.
import { spanBar } from './bars.js';
import { ms } from './format.js';
import { h } from './h.js';

/**
 * What "the reply went out" is on the call's transport: ConversationRelay's first text frame, the
 * TwiML answered (Gather, and every phone call's greeting, which the answer webhook's TwiML holds),
 * the web call's reply sent.
 */
function replyOutLabel(transport, seq) {
  if (transport === 'web') return 'Reply sent';
  if (transport === 'gather' || seq === 0) return 'TwiML answered';
  if (transport === 'relay') return 'First text to Twilio';
  return 'Reply out';
}

/** The waterfall's rows: [label, start, end, tone]. */
function rows(timeline, transport, seq) {
  const t = timeline;
  const MOMENTS = [
    ['first_text_out', replyOutLabel(transport, seq)],
    ['stored', 'Turn stored'],
  ];
  const list = [];
  if (t.model_request !== undefined) {
    list.push(['Before the model', 0, t.model_request, 'server']);
    if (t.first_token !== undefined)
      list.push(['Model: to first token', t.model_request, t.first_token, 'model']);
    if (t.model_done !== undefined)
      list.push(['Model: rest of the reply', t.first_token ?? t.model_request, t.model_done, 'model-rest']);
  }
  for (const tool of t.tools ?? []) {
    list.push([`Tool: ${tool.name}${tool.ok === false ? ' (failed)' : ''}`, tool.start, tool.end, 'tool']);
  }
  const moments = [
    ...MOMENTS.filter(([key]) => t[key] !== undefined).map(([key, label]) => [
      label,
      t[key],
      t[key],
      'moment',
    ]),
    ...(t.twilio ?? []).map((report) => [`Twilio: ${report.name}`, report.at, report.at, 'twilio']),
  ];
  return [...list, ...moments.sort((a, b) => a[1] - b[1])];
}

/**
 * `figures`: the turn's server_added_ms and model_first_token_ms as the API computed them, and its
 * seq; `transport`: the call's.
 */
export function waterfall(timeline, figures = {}, transport = undefined) {
  const list = rows(timeline, transport, figures.seq);
  const total = Math.max(1, ...list.map(([, , end]) => end));
  const summary = [
    figures.server_added_ms !== undefined ? `server added ${ms(figures.server_added_ms)}` : null,
    figures.model_first_token_ms !== undefined
      ? `model first token ${ms(figures.model_first_token_ms)}`
      : null,
  ].filter(Boolean);
  return h(
    'figure',
    { class: 'waterfall' },
    h('figcaption', {}, `Timeline${summary.length ? `: ${summary.join(', ')}` : ''}`),
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Where the time of this turn went, in ms after the input'),
      h(
        'tbody',
        {},
        list.map(([label, start, end, tone]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label),
            h('td', { class: 'waterfall-track' }, spanBar(start, end, total, tone)),
            h(
              'td',
              { class: 'waterfall-ms' },
              start === end ? `at ${ms(start)}` : `${ms(start)} → ${ms(end)}`,
            ),
          ),
        ),
      ),
    ),
  );
}
