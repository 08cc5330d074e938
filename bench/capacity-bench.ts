// The capacity search (issue 9, item 1): step the number of concurrent calls up and report the most
// at which the server-added p99 stays under the budget with no errors and no lost turn. Gather calls
// (scripted policy, no model) and relay calls (fake streaming model), each with a think time between
// turns, against one server per transport that lives for the whole search.
import { randomBytes } from 'node:crypto';
import { startBenchChild, type BenchChild } from './child.js';
import { runPacedGather, turnsNeeded, type PacedGatherOptions } from './capacity-gather-load.js';
import { startFakeModel, type FakeModelOptions } from './fake-model.js';
import { answerCalls, prepareCalls } from './gather-load.js';
import type { GatherServerSetup, ServerStats } from './gather-server.js';
import { newRelaySetup, runRelayLevel } from './relay-bench.js';
import { loadSentence, machineInfo, percentile, round, sortedCopy } from './stats.js';

export type Transport = 'gather' | 'relay';

// The discarded run that warms a fresh server up before the first step.
const WARM_UP_CALLS = 30;

export interface CapacityOptions {
  transports: Transport[];
  gatherSteps: number[];
  relaySteps: number[];
  warmUpSeconds: number;
  stepSeconds: number;
  thinkMs: [number, number];
  /**
   * Server-added p99 budgets, ascending: a capacity is reported for each (issue 9 asks for 50 ms;
   * reliability.md §5.2 L3 stops at 200 ms). Stepping stops at the first step over the last one.
   */
  budgetsMs: number[];
  /** No new step starts after this many seconds of one transport's search. */
  maxSecondsPerTransport: number;
  model: FakeModelOptions;
  log: (line: string) => void;
}

export interface CapacityStep {
  calls: number;
  /** Turns whose latency counts (sent inside the measured window). */
  measuredTurns: number;
  turnsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  errorSample?: string;
  lostTurns: number;
  eventLoopP99: number;
  /** Client (load generator) event-loop delay p99, relay only. */
  clientLoopP99?: number;
  /** The step went over a budget the step before stayed under, and was run again: its first run. */
  firstRun?: { p99: number; errors: number; lostTurns: number };
}

export interface CapacityResult {
  transport: Transport;
  steps: CapacityStep[];
  /** Per budget: the calls of the last step before the first one over it (0: the first step was). */
  capacities: {
    budgetMs: number;
    calls: number;
    /** No step went over: the steps or the time ran out. */ floor: boolean;
  }[];
  /** Why stepping stopped. */
  stoppedBecause: 'a step failed' | 'no more steps' | 'time budget';
}

/** Under the budget with no errors and every acknowledged turn stored. */
export function passes(step: CapacityStep, budgetMs: number): boolean {
  return step.errors === 0 && step.lostTurns === 0 && step.p99 < budgetMs;
}

async function gatherStep(
  child: BenchChild,
  setup: GatherServerSetup,
  calls: number,
  options: CapacityOptions,
): Promise<CapacityStep> {
  const paced: PacedGatherOptions = {
    warmUpMs: options.warmUpSeconds * 1_000,
    measureMs: options.stepSeconds * 1_000,
    thinkMs: options.thinkMs,
  };
  const prepared = prepareCalls(setup, calls, turnsNeeded(paced));
  const unanswered = await answerCalls(child.url, prepared, Math.min(calls, 100));
  let atEnd: Promise<{ stats: ServerStats }> | undefined;
  const load = await runPacedGather(child.url, prepared, {
    ...paced,
    onWindow: (phase) => {
      if (phase === 'start') void child.request({ type: 'reset-stats' });
      else atEnd = child.request<{ stats: ServerStats }>({ type: 'stats' });
    },
  });
  const { stats } = await (atEnd ?? child.request<{ stats: ServerStats }>({ type: 'stats' }));
  const { counts } = await child.request<{ counts: number[] }>({
    type: 'count-turns',
    callSids: prepared.map((call) => call.callSid),
  });
  // Stored turns include the greeting (turn 0); an acknowledged turn missing from the store is lost.
  const lostTurns = counts.reduce(
    (lost, count, i) => lost + Math.max(0, load.acknowledged[i]! - (count - 1)),
    0,
  );
  const sorted = sortedCopy(load.latenciesMs);
  const errors = load.errors + unanswered + load.exhausted;
  return {
    calls,
    measuredTurns: sorted.length,
    turnsPerSecond: round(sorted.length / options.stepSeconds, 0),
    p50: round(percentile(sorted, 50), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(percentile(sorted, 100), 1),
    errors,
    ...(errors > 0
      ? {
          errorSample:
            load.errorSamples[0] ??
            (unanswered ? `${unanswered} calls not answered` : `${load.exhausted} calls ran out of turns`),
        }
      : {}),
    lostTurns,
    eventLoopP99: stats.eventLoopMs.p99,
  };
}

async function search(
  transport: Transport,
  steps: number[],
  options: CapacityOptions,
  runStep: (calls: number, firstIndex: number) => Promise<CapacityStep>,
): Promise<CapacityResult> {
  const started = Date.now();
  const done: CapacityStep[] = [];
  const loosest = Math.max(...options.budgetsMs);
  // A fresh server compiles and optimizes its code on the first turns: a short run, not reported.
  options.log(`capacity ${transport}: warming the server up…`);
  await runStep(WARM_UP_CALLS, 0);
  let firstIndex = WARM_UP_CALLS;
  let stoppedBecause: CapacityResult['stoppedBecause'] = 'no more steps';
  for (const calls of steps) {
    if (Date.now() - started > options.maxSecondsPerTransport * 1_000) {
      stoppedBecause = 'time budget';
      break;
    }
    options.log(`capacity ${transport}: ${calls} calls…`);
    let step = await runStep(calls, firstIndex);
    firstIndex += calls;
    // On a shared machine one bad moment should not set a capacity: a step that goes over a budget
    // the step before stayed under runs once more, and the second run counts.
    const before = done.at(-1);
    if (options.budgetsMs.some((b) => !passes(step, b) && (!before || passes(before, b)))) {
      options.log(`  ${JSON.stringify(step)}; running it again`);
      const first = { p99: step.p99, errors: step.errors, lostTurns: step.lostTurns };
      step = { ...(await runStep(calls, firstIndex)), firstRun: first };
      firstIndex += calls;
    }
    done.push(step);
    options.log(`  ${JSON.stringify(step)}`);
    if (!passes(step, loosest)) {
      stoppedBecause = 'a step failed';
      break;
    }
  }
  const capacities = options.budgetsMs.map((budgetMs) => {
    const firstFail = done.findIndex((step) => !passes(step, budgetMs));
    const passing = firstFail === -1 ? done : done.slice(0, firstFail);
    return { budgetMs, calls: passing.at(-1)?.calls ?? 0, floor: firstFail === -1 };
  });
  return { transport, steps: done, capacities, stoppedBecause };
}

async function searchGather(options: CapacityOptions): Promise<CapacityResult> {
  const setup: GatherServerSetup = {
    publicUrl: 'https://bench.example.test',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    agentNumber: '+14155550177',
  };
  const child = await startBenchChild('gather-server.ts', ['app', JSON.stringify(setup)]);
  try {
    return await search('gather', options.gatherSteps, options, (calls) =>
      gatherStep(child, setup, calls, options),
    );
  } finally {
    await child.stop();
  }
}

async function searchRelay(options: CapacityOptions): Promise<CapacityResult> {
  const model = await startFakeModel(options.model);
  const setup = newRelaySetup(model.url);
  const child = await startBenchChild('relay-server.ts', ['app', JSON.stringify(setup)]);
  try {
    return await search('relay', options.relaySteps, options, async (calls, firstIndex) => {
      const result = await runRelayLevel(child, setup, model, {
        kind: 'app',
        calls,
        warmUpMs: options.warmUpSeconds * 1_000,
        measureMs: options.stepSeconds * 1_000,
        thinkMs: options.thinkMs,
        firstIndex,
      });
      const errors = result.errors + (result.calls - result.connected);
      return {
        calls,
        measuredTurns: result.serverAddedMs.count,
        turnsPerSecond: result.turnsPerSecond,
        p50: round(result.serverAddedMs.p50, 1),
        p99: round(result.serverAddedMs.p99, 1),
        max: round(result.serverAddedMs.max, 1),
        errors,
        ...(result.errorSamples[0] ? { errorSample: result.errorSamples[0] } : {}),
        lostTurns: result.lostTurns ?? 0,
        eventLoopP99: result.eventLoopMs.p99,
        clientLoopP99: result.harnessLoopMs.p99,
      };
    });
  } finally {
    await child.stop();
    await model.close();
  }
}

export async function runCapacitySearch(options: CapacityOptions): Promise<CapacityResult[]> {
  const results: CapacityResult[] = [];
  for (const transport of options.transports) {
    results.push(await (transport === 'gather' ? searchGather(options) : searchRelay(options)));
  }
  return results;
}

/** The "## Capacity" section of docs/BENCHMARKS.md. */
export function capacityMarkdown(
  results: CapacityResult[],
  context: { date: string; options: CapacityOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const { options } = context;
  const think = `${options.thinkMs[0] / 1_000}–${options.thinkMs[1] / 1_000} s`;
  const name = (r: CapacityResult) => (r.transport === 'gather' ? 'Gather' : 'Relay');
  const summaryLine = (r: CapacityResult) => {
    const parts = r.capacities.map((c) => {
      const over = r.steps.find((step) => !passes(step, c.budgetMs));
      const why = c.floor
        ? r.stoppedBecause === 'time budget'
          ? 'the search ran out of time first: a floor'
          : 'no step went over: a floor'
        : `at ${over?.calls} calls: p99 ${over?.p99} ms` +
          (over && over.errors > 0 ? `, ${over.errors} errors` : '') +
          (over && over.lostTurns > 0 ? `, ${over.lostTurns} lost turns` : '');
      return `**${c.calls} calls** under ${c.budgetMs} ms (${why})`;
    });
    return `- ${name(r)}: ${parts.join('; ')}.`;
  };
  const verdict = (step: CapacityStep) => {
    const under = options.budgetsMs.filter((budget) => passes(step, budget));
    const first = step.firstRun
      ? ` (run twice; first run p99 ${step.firstRun.p99} ms` +
        `${step.firstRun.errors + step.firstRun.lostTurns > 0 ? `, ${step.firstRun.errors} errors, ${step.firstRun.lostTurns} lost` : ''})`
      : '';
    if (under.length > 0) return `under ${Math.min(...under)} ms${first}`;
    if (step.errors > 0 || step.lostTurns > 0) {
      const sample = step.errorSample ? ` (${step.errorSample.slice(0, 80).replace(/\|/g, '/')})` : '';
      return `**failed**${sample}${first}`;
    }
    return `**over ${Math.max(...options.budgetsMs)} ms**${first}`;
  };
  const relay = (r: CapacityResult) => r.transport === 'relay';
  const table = (r: CapacityResult) => [
    `${name(r)}:`,
    '',
    `| Calls | Turns measured | Turns/s | Server-added p50 ms | p99 ms | max ms | Errors | Lost turns | Server event-loop p99 ms |${relay(r) ? ' Client event-loop p99 ms |' : ''} Verdict |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${relay(r) ? ' ---: |' : ''} --- |`,
    ...r.steps.map(
      (s) =>
        `| ${s.calls} | ${s.measuredTurns} | ${s.turnsPerSecond} | ${s.p50} | ${s.p99} | ${s.max} | ${s.errors} | ${s.lostTurns} | ${s.eventLoopP99} |` +
        `${relay(r) ? ` ${s.clientLoopP99 ?? '–'} |` : ''} ${verdict(s)} |`,
    ),
    '',
  ];
  return [
    '## Capacity',
    '',
    `Run ${context.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}. ` +
      loadSentence(context.loadStart, context.loadEnd, machine.cores),
    '',
    `The most concurrent calls at which the server-added p99 stays under ${options.budgetsMs.join(' ms and ')} ms with no errors and ` +
      'every acknowledged turn stored, on this machine, with the server, the simulated callers and (for relay) the ' +
      'fake model sharing its 2 cores:',
    '',
    ...results.map(summaryLine),
    '',
    ...results.flatMap(table),
    'How to read it:',
    '',
    `- Each step: ${options.warmUpSeconds} s warm-up, then ${options.stepSeconds} s measured; the number of calls ` +
      `steps up until a step goes over ${Math.max(...options.budgetsMs)} ms or fails. One server per transport serves ` +
      `every step (new calls each step, after a discarded ${WARM_UP_CALLS}-call warm-up run), so later steps also ` +
      'carry the stored turns of earlier ones. With few calls a step measures few turns, and its p99 is close to its max. ' +
      'A step that goes over a budget the step before stayed under is run a second time, and the second run counts ' +
      '(the first run’s p99 is shown): the machine is shared, and one bad moment should not set a capacity.',
    `- ${options.budgetsMs[0]} ms is the budget issue 9 sets; ${options.budgetsMs.at(-1)} ms is the capacity criterion ` +
      'of reliability.md §5.2 (L3).',
    `- Every call thinks ${think} after each reply before its next turn (a person listening and answering), and the ` +
      'calls start spread over one think time. Without a pause (the Gather section) a handful of calls saturate the ' +
      'server, which says nothing about how many people it can talk to at once.',
    '- **Gather** server-added latency is the whole webhook round trip measured by the client (signed Gather result ' +
      'in, TwiML out), with the scripted policy and no model: the real server as in the Gather section. With a ' +
      "model, a Gather turn also waits for the model's whole reply, which the server does not add.",
    "- **Relay** server-added latency is the first-text figure of the Relay section: the caller's wait beyond the " +
      "model's TTFT, with the same fake model and the AI SDK's pooled undici fetch (256 connections per origin: past " +
      'about 256 replies streaming at once, requests queue for a connection).',
    '- A step fails on any error (HTTP error, socket closed by the server, reply timeout, wrong text, aborted model ' +
      'stream) or on an acknowledged turn missing from the store, whatever its latency.',
    '- The load generator runs on the same 2 cores: at high steps it takes CPU from the server, and its own late timers ' +
      '(client event-loop p99) count as server time. A server on its own cores would do better.',
    '',
  ].join('\n');
}
