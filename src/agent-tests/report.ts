// The result of a test run: per file, per scenario, with a summary. The CLI prints it as a table,
// --json and the API return it as is, --junit turns it into JUnit XML (junit.ts).
import type { ObservedTurn } from './observed-call.js';
import type { CriterionVerdict } from './persona-judge.js';
import type { TransportName } from './schema.js';

/** A persona scenario's call as it went, and the verdict on each criterion. */
export interface PersonaReport {
  /** Who played the caller: the configured language model, or the persona's own replies. */
  played_by: 'model' | 'script';
  transcript: ObservedTurn[];
  verdicts: CriterionVerdict[];
}

export type ScenarioStatus = 'pass' | 'fail' | 'skip';

export interface ScenarioResult {
  file: string;
  agent: string;
  scenario: string;
  transport: TransportName;
  status: ScenarioStatus;
  /** Why it failed or was skipped, each naming the turn and value; empty when it passed. */
  reasons: string[];
  duration_ms: number;
  call_sid?: string;
  persona?: PersonaReport;
}

export interface SuiteReport {
  file: string;
  agent: string;
  duration_ms: number;
  scenarios: ScenarioResult[];
}

export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  duration_ms: number;
}

export interface TestReport {
  ok: boolean;
  summary: TestSummary;
  suites: SuiteReport[];
}

export function summarize(suites: SuiteReport[], durationMs: number): TestReport {
  const all = suites.flatMap((suite) => suite.scenarios);
  const count = (status: ScenarioStatus) => all.filter((s) => s.status === status).length;
  const summary: TestSummary = {
    total: all.length,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    duration_ms: Math.round(durationMs),
  };
  return { ok: summary.failed === 0, summary, suites };
}

export const STATUS_LABEL: Record<ScenarioStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** "12 scenarios: 11 passed, 1 failed, 0 skipped in 4.2 s" */
export function summaryLine(report: TestReport): string {
  const { total, passed, failed, skipped, duration_ms } = report.summary;
  const noun = total === 1 ? 'scenario' : 'scenarios';
  return `${total} ${noun}: ${passed} passed, ${failed} failed, ${skipped} skipped in ${formatDuration(duration_ms)}`;
}

const VERDICT_LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The verdicts of each persona scenario, a block per scenario, for the CLI after its table. */
export function verdictLines(report: TestReport, label: (result: ScenarioResult) => string): string[] {
  return report.suites
    .flatMap((suite) => suite.scenarios)
    .filter((result) => result.persona)
    .flatMap((result) => {
      const { played_by, transcript, verdicts } = result.persona!;
      const callerTurns = transcript.filter((t) => t.caller !== undefined).length;
      return [
        `${label(result)}: persona played by ${played_by === 'model' ? 'the language model' : 'its replies'}, ${callerTurns} caller turns`,
        ...verdicts.map(
          (v) =>
            `  ${VERDICT_LABEL[v.status]} ${v.criterion.replace(/_/g, ' ')} (${v.judge === 'model' ? 'model judge' : 'rules'}): ${v.reason}`,
        ),
      ];
    });
}

/** One line per finished scenario, for logs and non-terminal stderr. */
export function resultLine(result: ScenarioResult): string {
  const reason = result.reasons.length > 0 ? ` — ${result.reasons.join('; ')}` : '';
  return `${STATUS_LABEL[result.status]} ${result.file} › ${result.scenario} (${formatDuration(result.duration_ms)})${reason}`;
}
