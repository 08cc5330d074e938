// Calls at the pace of a phone conversation (issue 9, item 1: Gather and relay at 100 and 500
// concurrent calls): after each reply the caller waits while the agent's reply is spoken, then
// answers. The Gather and Relay sections push harder than any caller can (no pause, or 2–3 s), to
// find limits; this one asks whether this machine holds that many people talking at once.
import { passes, runCapacitySearch, type CapacityOptions, type CapacityResult } from './capacity-bench.js';
import { DEFAULT_MODEL } from './relay-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo } from './stats.js';

// A reply of two or three spoken sentences takes 6–9 s to say at a text-to-speech pace of about 150
// words a minute; the caller's answer, and the speech end-pointing after it, 2–3 s more. So a person
// on the phone starts a turn about every 8–12 s.
const CONVERSATION_THINK_MS: [number, number] = [8_000, 12_000];
// Latency does not end a level here (the table shows it); errors and lost turns do.
const NO_LATENCY_LIMIT_MS = 1e9;

export function conversationBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'conversation',
    heading: 'Conversation pace',
    async run() {
      const levels = positiveNumbers(process.env.BENCH_CONVERSATION_LEVELS, [100, 500]);
      const options: CapacityOptions = {
        transports: ['gather', 'relay'],
        gatherSteps: levels,
        relaySteps: levels,
        // Every call has spoken at least once before the window opens.
        warmUpSeconds: CONVERSATION_THINK_MS[1] / 1_000,
        stepSeconds: positiveNumbers(process.env.BENCH_SECONDS, [30])[0]!,
        thinkMs: CONVERSATION_THINK_MS,
        budgetsMs: [NO_LATENCY_LIMIT_MS],
        maxSecondsPerTransport: 600,
        model: DEFAULT_MODEL,
        log,
      };
      const date = runDate();
      const loadStart = loadAverage();
      const results = await runCapacitySearch(options);
      return conversationMarkdown(results, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}

function conversationMarkdown(
  results: CapacityResult[],
  context: { date: string; options: CapacityOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const { options } = context;
  const rows = results.flatMap((r) =>
    r.steps.map((s) => {
      const verdict = passes(s, NO_LATENCY_LIMIT_MS)
        ? 'no errors, nothing lost'
        : `**failed**${s.errorSample ? ` (${s.errorSample.slice(0, 80).replace(/\|/g, '/')})` : ''}`;
      return (
        `| ${r.transport === 'gather' ? 'Gather' : 'Relay'} | ${s.calls} | ${s.measuredTurns} | ${s.turnsPerSecond} | ` +
        `${s.p50} | ${s.p99} | ${s.max} | ${s.errors} | ${s.lostTurns} | ${s.eventLoopP99} | ${s.clientLoopP99 ?? '–'} | ${verdict} |`
      );
    }),
  );
  const skipped = results
    .filter(
      (r) => r.steps.length < (r.transport === 'gather' ? options.gatherSteps : options.relaySteps).length,
    )
    .map((r) => `- ${r.transport}: the levels after a failed one were not run (${r.stoppedBecause}).`);
  return [
    '## Conversation pace',
    '',
    `Run ${context.date} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}. Load average (1, 5, 15 min) at the start ` +
      `${context.loadStart.join(', ')}, at the end ${context.loadEnd.join(', ')}.`,
    '',
    `Concurrent calls that talk at the pace of a phone conversation: after each reply the caller waits ` +
      `${options.thinkMs[0] / 1_000}–${options.thinkMs[1] / 1_000} s (the reply spoken at about 150 words a minute, ` +
      `then the caller's answer) before the next turn. ${options.warmUpSeconds} s warm-up, then ` +
      `${options.stepSeconds} s measured per level; the server, the simulated callers and (relay) the fake model ` +
      'share the 2 cores.',
    '',
    '| Transport | Calls | Turns measured | Turns/s | Server-added p50 ms | p99 ms | max ms | Errors | Lost turns | Server event-loop p99 ms | Client event-loop p99 ms | Result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    ...skipped,
    ...(skipped.length > 0 ? [''] : []),
    'How to read it: the same servers, load generators and measures as the Capacity section (Gather: the webhook ' +
      "round trip with the scripted policy; relay: the caller's wait beyond the fake model's first token, with the " +
      'AI SDK streaming from it), with a longer pause between turns. Memory per call is in the Gather and Relay ' +
      'sections. A level fails on any error or any acknowledged turn missing from the store.',
    '',
  ].join('\n');
}
