// The Gather-turn benchmark: simulated calls at several concurrency levels post signed Gather
// results to the real server (child process, in-memory embedded stores, signature checks on), and
// the same load goes to a bare Fastify route returning fixed TwiML (the limit of this machine).
import { randomBytes } from 'node:crypto';
import { startBenchChild, type BenchChild } from './child.js';
import type { GatherServerSetup, ServerStats } from './gather-server.js';
import { answerCalls, prepareCalls, runTurns, type LoadResult, type PreparedCall } from './gather-load.js';
import { loadAverage, loadSentence, machineInfo, percentile, round, sortedCopy } from './stats.js';

export interface GatherBenchOptions {
  levels: number[];
  warmUpSeconds: number;
  measureSeconds: number;
  log: (line: string) => void;
}

export interface GatherLevelResult {
  server: 'voice-agent' | 'bare Fastify';
  calls: number;
  turnsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  errors: number;
  errorSamples: string[];
  exhausted: number;
  acknowledged: number;
  /** Caller turns found in the store afterwards (voice-agent only). */
  stored?: number;
  /** Calls whose stored turns differ from their acknowledged turns. */
  mismatchedCalls?: number;
  eventLoopMs: ServerStats['eventLoopMs'];
  rssMiB: number;
  rssPerCallKiB: number;
  /** Server CPU time (user + system) over warm-up and window ÷ the turns acknowledged in them. */
  cpuPerTurnMs: number;
  load: { before: number; after: number };
}

// Turns prepared per level (bodies and signatures), spread over its calls; a call that runs out
// stops early and is reported as exhausted.
const PREPARED_TURNS_PER_LEVEL = 60_000;
const MAX_TURNS_PER_CALL = 10_000;
const ANSWER_CONCURRENCY = 100;

// What the errors in a flood are: the server's answer to a turn it could not finish within the
// webhook deadline, not a failure of the turn.
const FALLBACK_NOTE =
  'With no pause between turns a few dozen calls saturate the server, and a turn queues behind the others ' +
  'until it passes the 13 s webhook deadline (counted from its arrival). The server then answers ' +
  '`<Redirect>` to the same turn (`retry=1`) instead of letting Twilio time out: Twilio follows it, and the ' +
  'retry joins the turn still running or reads what it stored, so the caller hears the reply late, never an ' +
  'error. The simulated callers here count that redirect as an error and do not follow it, so the turn is ' +
  'stored but not acknowledged ("a different number of turns"): late, not lost. The Conversation pace ' +
  'section runs the same numbers of calls at the pace people talk.';

const mib = (bytes: number) => round(bytes / 1024 ** 2, 1);

function summarize(
  server: GatherLevelResult['server'],
  calls: number,
  load: LoadResult,
  stats: { idle: ServerStats; before: ServerStats; after: ServerStats },
  loadBefore: number,
): GatherLevelResult {
  const sorted = sortedCopy(load.latenciesMs);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    server,
    calls,
    turnsPerSecond: round(load.measuredTurns / load.measuredSeconds, 0),
    latencyMs: {
      p50: round(percentile(sorted, 50), 2),
      p99: round(percentile(sorted, 99), 2),
      max: round(percentile(sorted, 100), 2),
      mean: round(sorted.length ? sum / sorted.length : Number.NaN, 2),
    },
    errors: load.errors,
    errorSamples: load.errorSamples,
    exhausted: load.exhausted,
    acknowledged: load.acknowledged.reduce((a, b) => a + b, 0),
    eventLoopMs: stats.after.eventLoopMs,
    rssMiB: mib(stats.after.rssBytes),
    // The bare server keeps nothing per call; its RSS moves with garbage collection only.
    rssPerCallKiB:
      server === 'voice-agent'
        ? round((stats.after.rssBytes - stats.idle.rssBytes) / calls / 1024, 0)
        : Number.NaN,
    cpuPerTurnMs: round(
      (stats.after.cpuMs - stats.before.cpuMs) / load.acknowledged.reduce((a, b) => a + b, 0),
      2,
    ),
    load: { before: loadBefore, after: loadAverage()[0]! },
  };
}

async function measure(
  child: BenchChild,
  server: GatherLevelResult['server'],
  calls: PreparedCall[],
  options: GatherBenchOptions,
): Promise<{ result: GatherLevelResult; load: LoadResult }> {
  const { stats: idle } = await child.request<{ stats: ServerStats }>({ type: 'stats' });
  const answerFailures = await answerCalls(child.url, calls, Math.min(calls.length, ANSWER_CONCURRENCY));
  if (answerFailures > 0)
    throw new Error(`${server}: ${answerFailures} calls were not answered with a <Gather>`);
  await child.request({ type: 'reset-stats' });
  const { stats: before } = await child.request<{ stats: ServerStats }>({ type: 'stats' });
  const loadBefore = loadAverage()[0]!;
  const load = await runTurns(child.url, calls, {
    warmUpMs: options.warmUpSeconds * 1_000,
    measureMs: options.measureSeconds * 1_000,
    expectGather: true,
    cycle: server === 'bare Fastify',
  });
  const { stats: after } = await child.request<{ stats: ServerStats }>({ type: 'stats' });
  return { result: summarize(server, calls.length, load, { idle, before, after }, loadBefore), load };
}

export async function runGatherBench(options: GatherBenchOptions): Promise<GatherLevelResult[]> {
  const setup: GatherServerSetup = {
    publicUrl: 'https://bench.example.test',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    agentNumber: '+14155550177',
  };
  const results: GatherLevelResult[] = [];
  const bare = await startBenchChild('gather-server.ts', ['bare', JSON.stringify(setup)]);
  try {
    for (const level of options.levels) {
      const turnsPerCall = Math.min(MAX_TURNS_PER_CALL, Math.ceil(PREPARED_TURNS_PER_LEVEL / level));
      const calls = prepareCalls(setup, level, turnsPerCall);

      // A fresh server per level: its memory and store hold only this level's calls.
      const app = await startBenchChild('gather-server.ts', ['app', JSON.stringify(setup)]);
      try {
        options.log(`gather: ${level} calls against voice-agent (pid ${app.pid})…`);
        const { result, load } = await measure(app, 'voice-agent', calls, options);
        const { counts } = await app.request<{ counts: number[] }>({
          type: 'count-turns',
          callSids: calls.map((call) => call.callSid),
        });
        // Stored turns include the greeting (turn 0).
        const storedPerCall = counts.map((count) => count - 1);
        result.stored = storedPerCall.reduce((a, b) => a + b, 0);
        result.mismatchedCalls = storedPerCall.filter((stored, i) => stored !== load.acknowledged[i]).length;
        results.push(result);
        options.log(`  ${JSON.stringify(result)}`);
      } finally {
        await app.stop();
      }

      options.log(`gather: ${level} calls against bare Fastify…`);
      const { result } = await measure(bare, 'bare Fastify', calls, options);
      results.push(result);
      options.log(`  ${JSON.stringify(result)}`);
    }
  } finally {
    await bare.stop();
  }
  return results;
}

const cell = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '–' : String(value);

/** The "## Gather" section of docs/BENCHMARKS.md. */
export function gatherMarkdown(
  results: GatherLevelResult[],
  context: { date: string; options: GatherBenchOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const rows = results.map((r) =>
    [
      r.calls,
      r.server,
      r.turnsPerSecond,
      r.latencyMs.p50,
      r.latencyMs.p99,
      r.latencyMs.max,
      r.errors,
      r.stored === undefined ? '–' : `${r.stored} / ${r.acknowledged}`,
      `${cell(r.eventLoopMs.p50)} / ${cell(r.eventLoopMs.p99)} / ${cell(r.eventLoopMs.max)}`,
      r.rssMiB,
      cell(r.rssPerCallKiB),
      `${r.load.before} → ${r.load.after}`,
    ].join(' | '),
  );
  const problems = results.flatMap((r) => [
    ...(r.errors > 0
      ? [`- ${r.server}, ${r.calls} calls: ${r.errors} errors, e.g. ${r.errorSamples[0]}`]
      : []),
    ...(r.exhausted > 0
      ? [`- ${r.server}, ${r.calls} calls: ${r.exhausted} calls ran out of prepared turns`]
      : []),
    ...(r.mismatchedCalls
      ? [
          `- ${r.server}, ${r.calls} calls: ${r.mismatchedCalls} calls stored a different number of turns than acknowledged`,
        ]
      : []),
  ]);
  return [
    '## Gather',
    '',
    `Run ${context.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}. ` +
      loadSentence(context.loadStart, context.loadEnd, machine.cores),
    '',
    `Each level: ${context.options.warmUpSeconds} s warm-up, then ${context.options.measureSeconds} s measured. ` +
      "Each simulated call posts a signed Gather result (`SpeechResult`, `Confidence`, Twilio's other parameters), " +
      'waits for the TwiML, and posts the next one at once (no think time, so this is the most load a call can make).',
    '',
    '| Calls | Server | Turns/s | p50 ms | p99 ms | max ms | Errors | Turns stored / acknowledged | Event-loop delay p50 / p99 / max ms | RSS MiB | RSS per call KiB | Load avg (1 min) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    ...(problems.length > 0
      ? [
          'Problems seen in this run (the server logs why on stderr of `npm run bench`):',
          '',
          ...problems,
          '',
          FALLBACK_NOTE,
          '',
        ]
      : ['No errors; every acknowledged turn was found in the store.', '']),
    'How to read it:',
    '',
    '- **voice-agent** is the real server (`startServer`) in a child process: signature checks on, embedded ' +
      'DynamoDB (dynalite) in memory **in a child process of its own** (docs/decisions/0007), scripted policy (no LLM), an agent that asks for an email ' +
      'it never gets, so every turn reads the call, the turn and the last 60 turns, runs the policy, and writes the turn ' +
      'and the call item before it answers. `LOG_LEVEL=warn`.',
    '- **bare Fastify** is Fastify with `@fastify/formbody` and one route that returns fixed TwiML, in its own child ' +
      'process, under the same load from the same client: the limit of HTTP on this machine. The difference between ' +
      'the two rows is what the server adds per turn.',
    '- Latency is measured by the client from sending the request to reading the whole response, over loopback with ' +
      'keep-alive (one connection per call, as Twilio opens its own). Turns/s and latency count turns completed inside ' +
      'the measured window. Request bodies and signatures are built before the window.',
    '- Event-loop delay is `monitorEventLoopDelay` in the server process over the measured window (5 ms resolution). ' +
      'RSS is the server process at the end of the level; RSS per call is (RSS at the end − RSS before the calls) ÷ calls, ' +
      'and excludes the stored turns: the in-memory store lives in its own child process. At 1 call it is mostly ' +
      'the server warming up (JIT, caches), not the call.',
    '- "Turns stored / acknowledged" counts, after the run, the caller turns in the store against the turns the client ' +
      'got a 200 `<Gather>` for (warm-up included). Equal means no acknowledged turn was lost.',
    '- Where the time goes: a CPU profile of the server child at 10 and 100 calls (2026-11-25, on this shared ' +
      "machine, when dynalite still ran inside the server) put about 20% of its busy time in the AWS SDK's request pipeline (`@smithy/*`, SigV4 signing) " +
      "and about 10% in dynalite and its LevelDB encoding, against about 3% in voice-agent's own code; the rest was " +
      'Node internals, garbage collection and, at start, module loading. ' +
      "Profile again with `BENCH_CHILD_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench`.",
    '- With DynamoDB over the network, each turn adds the round trips of about five requests (two reads in parallel, ' +
      'a query, a conditional put, a conditional update); the event loop is freed while they wait.',
    '',
  ].join('\n');
}
