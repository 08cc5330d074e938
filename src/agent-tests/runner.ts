// Runs every scenario of the loaded suites as a simulated phone call against a real server (several
// at once), then checks the server's record of each call against the scenario's expectations.
import { randomInt } from 'node:crypto';
import type { Agent } from '../domain/agent.js';
import type { LanguageModel } from '../ports/language-model.js';
import { checkExpectations } from './expectations.js';
import type { LoadedSuite } from './loader.js';
import { judgeRubric, personaCaller } from './model-judge.js';
import { fetchAgent, type ObservedCall, type TestTarget } from './observed-call.js';
import { isScripted, personaPrompt, scriptedPersona } from './persona.js';
import { judgePersonaCall } from './persona-judge.js';
import { playGather } from './play-gather.js';
import { playRelay } from './play-relay.js';
import {
  summarize,
  type PersonaReport,
  type ScenarioResult,
  type SuiteReport,
  type TestReport,
} from './report.js';
import type { Scenario, TransportName } from './schema.js';

export const DEFAULT_CONCURRENCY = 4;
// A scripted call takes well under a second per turn; a model-backed one up to a turn budget (8 s)
// per turn, and a long scenario has a dozen turns.
export const DEFAULT_SCENARIO_TIMEOUT_MS = 120_000;
const DEFAULT_CONFIDENCE = 0.95;

export interface RunOptions {
  target: TestTarget;
  concurrency?: number;
  /** Overrides every scenario's transport. */
  transport?: TransportName;
  /** Plays personas and judges rubrics; without it those are skipped, never passed. */
  model?: LanguageModel;
  /** Why there is no model, for skip reasons. */
  noModelReason?: string;
  scenarioTimeoutMs?: number;
  /** Our Twilio number on the simulated calls. */
  ourNumber?: string;
  /** Called as each scenario finishes (in finishing order). */
  onResult?: (result: ScenarioResult, finished: number, total: number) => void;
  onStart?: (total: number) => void;
  /** Epoch ms after which no further scenario starts (those left are reported as skipped). */
  deadline?: number;
}

interface Job {
  suite: LoadedSuite;
  scenario: Scenario;
  index: number;
  /** The people's numbers of the run's calls in progress. */
  callers: Set<string>;
}

class ScenarioTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout()), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A fictional US number per call, so no two scenarios share a caller's past calls, and none in use
 * by another running scenario (the sandbox finds a scenario's tool stubs by it).
 */
function callerNumber(inUse: ReadonlySet<string>): string {
  for (;;) {
    const number = `+1415555${String(randomInt(0, 10_000)).padStart(4, '0')}`;
    if (!inUse.has(number)) return number;
  }
}

interface Played {
  call?: ObservedCall;
  skip?: string;
  playedBy?: PersonaReport['played_by'];
}

async function play(job: Job, transport: TransportName, options: RunOptions): Promise<Played> {
  const { scenario } = job;
  const caller = callerNumber(job.callers);
  job.callers.add(caller);
  const stubs = options.target.toolStubs;
  if (scenario.tools) stubs?.register(caller, scenario.tools);
  try {
    return await playAs(job, transport, options, caller);
  } finally {
    stubs?.release(caller);
    job.callers.delete(caller);
  }
}

async function playAs(
  job: Job,
  transport: TransportName,
  options: RunOptions,
  caller: string,
): Promise<Played> {
  const { scenario, suite } = job;
  if (scenario.tools && !options.target.toolStubs)
    return { skip: 'tool stubs apply only in the private test server (not with --url)' };
  const play = {
    agentId: suite.agent,
    caller,
    ourNumber: options.ourNumber ?? '+14155550100',
    confidence: scenario.confidence ?? DEFAULT_CONFIDENCE,
  };
  const { persona } = scenario;
  if (persona !== undefined) {
    // A configured model plays the caller; without one, a persona with replies of its own plays.
    if (!options.model && !isScripted(persona)) {
      const or = typeof persona === 'string' ? '' : ' (or replies of its own)';
      return {
        skip: `the persona needs a language model${or}: ${options.noModelReason ?? 'none is configured'}`,
      };
    }
    if (transport === 'relay') return { skip: 'persona scenarios run over the gather transport only' };
    const nextLine = options.model
      ? personaCaller(options.model, personaPrompt(persona))
      : scriptedPersona(persona as Exclude<typeof persona, string>);
    return {
      call: await playGather(options.target, { ...play, nextLine, maxTurns: scenario.max_turns }),
      playedBy: options.model ? 'model' : 'script',
    };
  }
  const lines = scenario.caller ?? [];
  if (transport === 'relay') return { call: await playRelay(options.target, { ...play, lines }) };
  return { call: await playGather(options.target, { ...play, lines }) };
}

type AgentLookup = { agent: Agent } | { error: string };

async function runScenario(job: Job, lookup: AgentLookup, options: RunOptions): Promise<ScenarioResult> {
  const { scenario, suite } = job;
  const transport = options.transport ?? scenario.transport ?? suite.transport ?? 'gather';
  const started = performance.now();
  const result = (
    status: ScenarioResult['status'],
    reasons: string[],
    callSid?: string,
    persona?: PersonaReport,
  ): ScenarioResult => ({
    file: suite.file,
    agent: suite.agent,
    scenario: scenario.name,
    transport,
    status,
    reasons,
    duration_ms: Math.round(performance.now() - started),
    ...(callSid ? { call_sid: callSid } : {}),
    ...(persona ? { persona } : {}),
  });
  if ('error' in lookup) return result('fail', [lookup.error]);
  const { agent } = lookup;
  const timeoutMs = options.scenarioTimeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS;
  try {
    const outcome = await withTimeout(
      (async () => {
        const played = await play(job, transport, options);
        if (!played.call) return { skip: played.skip };
        const failures = checkExpectations(agent, scenario.expect, played.call);
        let persona: PersonaReport | undefined;
        if (scenario.persona !== undefined) {
          const verdicts = await judgePersonaCall({
            agent,
            persona: scenario.persona,
            criteria: scenario.expect.criteria,
            call: played.call,
            model: options.model,
          });
          for (const v of verdicts) if (v.status === 'fail') failures.push(`${v.criterion}: ${v.reason}`);
          persona = { played_by: played.playedBy ?? 'model', transcript: played.call.transcript, verdicts };
        }
        const rubric = scenario.expect.rubric ?? [];
        let skip: string | undefined;
        if (rubric.length > 0 && !options.model) {
          skip = `rubric not judged: it needs a language model (${options.noModelReason ?? 'none is configured'})`;
        } else if (options.model) {
          for (const sentence of rubric) {
            const verdict = await judgeRubric(options.model, sentence, played.call.transcript);
            if (!verdict.pass) failures.push(`rubric ${JSON.stringify(sentence)}: ${verdict.reason}`);
          }
        }
        return { call: played.call, failures, skip, persona };
      })(),
      timeoutMs,
    );
    if (!outcome.call) return result('skip', [outcome.skip ?? 'skipped']);
    const { callSid } = outcome.call;
    if (outcome.failures.length > 0) return result('fail', outcome.failures, callSid, outcome.persona);
    if (outcome.skip) return result('skip', [outcome.skip], callSid, outcome.persona);
    return result('pass', [], callSid, outcome.persona);
  } catch (error) {
    if (error instanceof ScenarioTimeout)
      return result('fail', [`the scenario did not finish within ${Math.round(timeoutMs / 1_000)} s`]);
    return result('fail', [
      `the call could not run: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}

function notRun(job: Job, options: RunOptions): ScenarioResult {
  return {
    file: job.suite.file,
    agent: job.suite.agent,
    scenario: job.scenario.name,
    transport: options.transport ?? job.scenario.transport ?? job.suite.transport ?? 'gather',
    status: 'skip',
    reasons: ["not run: the run's time limit was reached"],
    duration_ms: 0,
  };
}

/** Runs every scenario (`concurrency` at a time) and returns the report, in file and scenario order. */
export async function runSuites(suites: readonly LoadedSuite[], options: RunOptions): Promise<TestReport> {
  const started = performance.now();
  const callers = new Set<string>();
  const jobs: Job[] = suites.flatMap((suite) =>
    suite.scenarios.map((scenario, index) => ({ suite, scenario, index, callers })),
  );
  const agents = new Map<string, Promise<AgentLookup>>();
  const agentFor = (id: string) => {
    let lookup = agents.get(id);
    if (!lookup) {
      lookup = fetchAgent(options.target, id).then(
        (agent): AgentLookup => (agent ? { agent } : { error: `agent "${id}" does not exist on the server` }),
        (error: unknown): AgentLookup => ({
          error: `could not read agent "${id}": ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      agents.set(id, lookup);
    }
    return lookup;
  };
  options.onStart?.(jobs.length);
  const results = new Map<Job, ScenarioResult>();
  const spans = new Map<Job, { start: number; end: number }>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next]!;
      next += 1;
      const start = performance.now();
      const result =
        options.deadline !== undefined && Date.now() >= options.deadline
          ? notRun(job, options)
          : await runScenario(job, await agentFor(job.suite.agent), options);
      spans.set(job, { start, end: performance.now() });
      results.set(job, result);
      options.onResult?.(result, results.size, jobs.length);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, jobs.length));
  await Promise.all(Array.from({ length: concurrency }, worker));

  const reports: SuiteReport[] = suites.map((suite) => {
    const own = jobs.filter((job) => job.suite === suite);
    const times = own.map((job) => spans.get(job)!);
    // Wall-clock time of the file's scenarios, which overlap with each other and with other files.
    const duration = Math.max(...times.map((t) => t.end)) - Math.min(...times.map((t) => t.start));
    return {
      file: suite.file,
      agent: suite.agent,
      duration_ms: Math.round(duration),
      scenarios: own.map((job) => results.get(job)!),
    };
  });
  return summarize(reports, performance.now() - started);
}
