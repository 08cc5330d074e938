// "Run tests" on an agent's page: POST /agents/:id/test runs the agent's suites (files in the
// server's AGENT_TESTS_DIR naming this agent) through the call simulator, against a sandbox copy of
// the agent as saved, and the report shows here scenario by scenario.
import { api } from '../api.js';
import { duration } from '../format.js';
import { h, replace } from '../h.js';
import { badge, dataTable, empty, errorBox, loading } from '../ui.js';

const RESULT_WORDS = { pass: 'passed', fail: 'failed', skip: 'skipped' };
const PLAYED_BY = { model: 'the language model', script: 'its own replies (no language model)' };

function summaryLine({ total, passed, failed, skipped, duration_ms: ms }) {
  const noun = total === 1 ? 'scenario' : 'scenarios';
  return `${total} ${noun}: ${passed} passed, ${failed} failed, ${skipped} skipped in ${duration(ms)}`;
}

function verdictItem(verdict) {
  return h(
    'li',
    { class: 'verdict' },
    badge(RESULT_WORDS[verdict.status] ?? verdict.status),
    ' ',
    h('strong', {}, verdict.criterion.replaceAll('_', ' ')),
    ` (${verdict.judge === 'model' ? 'model judge' : 'rules'}): `,
    verdict.reason,
  );
}

function transcriptLines(transcript) {
  return h(
    'ol',
    { class: 'persona-transcript' },
    transcript.flatMap((turn) => [
      turn.caller !== undefined
        ? h(
            'li',
            { class: 'said said-caller' },
            h('span', { class: 'who' }, 'Caller'),
            ' ',
            turn.caller || `(${turn.kind})`,
          )
        : null,
      turn.agent
        ? h('li', { class: 'said said-agent' }, h('span', { class: 'who' }, 'Agent'), ' ', turn.agent)
        : null,
    ]),
  );
}

/** Each persona scenario: who played the caller, the verdict on each criterion, the transcript. */
function personaView(report) {
  const scenarios = report.suites.flatMap((suite) => suite.scenarios).filter((s) => s.persona);
  if (scenarios.length === 0) return null;
  return h(
    'section',
    { class: 'persona-results', 'aria-labelledby': 'persona-heading' },
    h('h3', { id: 'persona-heading' }, 'Persona calls'),
    scenarios.map((scenario) =>
      h(
        'article',
        { class: 'persona-result' },
        h('h4', {}, scenario.scenario, ' ', badge(RESULT_WORDS[scenario.status] ?? scenario.status)),
        h('p', { class: 'sub' }, `The caller was played by ${PLAYED_BY[scenario.persona.played_by]}.`),
        h('ul', { class: 'verdicts' }, scenario.persona.verdicts.map(verdictItem)),
        h(
          'details',
          {},
          h('summary', {}, `Transcript (${scenario.persona.transcript.length} turns)`),
          transcriptLines(scenario.persona.transcript),
        ),
      ),
    ),
  );
}

function reportView(report) {
  const table = dataTable('Test results', ['Scenario', 'Result', 'Reason', 'Duration']);
  for (const suite of report.suites) {
    table.addRows(
      suite.scenarios.map((scenario) => [
        [
          h('div', {}, scenario.scenario),
          h('div', { class: 'sub' }, `${suite.file} · ${scenario.transport}`),
        ],
        badge(RESULT_WORDS[scenario.status] ?? scenario.status),
        scenario.reasons.length === 0
          ? '—'
          : h(
              'ul',
              { class: 'reasons' },
              scenario.reasons.map((reason) => h('li', {}, reason)),
            ),
        duration(scenario.duration_ms),
      ]),
    );
  }
  return [
    h(
      'p',
      { class: `test-summary ${report.ok ? 'test-summary-ok' : 'test-summary-failed'}` },
      h('strong', {}, report.ok ? 'All tests passed. ' : 'Some tests failed. '),
      summaryLine(report.summary),
    ),
    table.element,
    personaView(report),
  ];
}

export function agentTestsPanel({ agent, signal }) {
  const results = h('div', { class: 'test-results', 'aria-live': 'polite' });
  const run = h('button', { type: 'button', onclick: () => start() }, 'Run tests');

  async function start() {
    run.disabled = true;
    results.setAttribute('aria-busy', 'true');
    replace(results, loading('Running the test scenarios… this can take a minute.'));
    try {
      const { data } = await api('POST', `/agents/${encodeURIComponent(agent.agent_id)}/test`, {
        body: {},
        signal,
      });
      replace(results, reportView(data));
    } catch (error) {
      if (error.name === 'AbortError') return;
      // The agent is loaded, so a 404 here means no suite names it.
      replace(
        results,
        error.status === 404
          ? empty(
              'This agent has no test suite yet.',
              `Add a YAML or JSON file with "agent: ${agent.agent_id}" and its scenarios to the server's ` +
                'tests folder (AGENT_TESTS_DIR, tests/agents by default).',
            )
          : errorBox(error, () => start()),
      );
    } finally {
      run.disabled = false;
      results.removeAttribute('aria-busy');
    }
  }

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tests-heading' },
    h('h2', { id: 'tests-heading' }, 'Tests'),
    h(
      'p',
      { class: 'hint' },
      "Runs this agent's test scenarios through the call simulator, against a copy of the agent as saved. " +
        'Test calls do not appear in the call list.',
    ),
    h('div', { class: 'toolbar' }, run),
    results,
  );
}
