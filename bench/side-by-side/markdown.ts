// The "## Side by side" section of docs/BENCHMARKS.md.
import { profileMarkdown, type ProfileSummary } from '../cpu-profile-summary.js';
import { machineInfo } from '../stats.js';
import type { LevelResult } from './measure.js';
import type { SideBySideOptions } from './options.js';
import { paceKey, type Results, type ServerKey, type Verdict } from './targets.js';

export interface SideBySideReport {
  options: SideBySideOptions;
  results: Results;
  verdicts: Verdict[];
  /** Levels that could not be run, with why. */
  failures: string[];
  profile?: { summary: ProfileSummary; calls: number };
  commit: string;
  date: string;
  pinned: boolean;
  loadStart: number[];
  loadEnd: number[];
}

export const SERVER_NAMES: Record<ServerKey, string> = {
  dynamo: 'voice-agent, DynamoDB in its own process',
  embedded: 'voice-agent, embedded store (default)',
  baseline: 'naive relay (ws + openai SDK)',
};

// Issue 13's table, measured before it with ../shared/voicebench under the same settings: the
// figures this section's targets are set against.
const ISSUE_13_TODAY: [calls: number, ours: string, twilioSample: string][] = [
  [1, '209 / 212', '3.9 / 10.5'],
  [50, '769 / 1,442', '2.3 / 15.9'],
  [200, '1,535 / 4,259', '4.7 / 75.6'],
  [500, '2,009 / 5,942', '54.8 / 274'],
];

const cell = (value: number | undefined) => (value === undefined ? '–' : String(value));
const pair = (result: LevelResult | undefined) =>
  result?.addedMs ? `${result.addedMs.p50} / ${result.addedMs.p99}` : '–';
const think = ([min, max]: [number, number]) => (min === max ? `${min}` : `${min}–${max}`);

function figureRows(report: SideBySideReport): string[] {
  const rows: string[] = [];
  const servers = Object.keys(report.results.relay) as ServerKey[];
  for (const server of servers) {
    for (const [key, r] of report.results.relay[server]) rows.push(figureRow(SERVER_NAMES[server], key, r));
  }
  if (report.results.gather) {
    rows.push(
      figureRow('voice-agent Gather, scripted, DynamoDB in its own process', 'gather', report.results.gather),
    );
  }
  return rows;
}

function figureRow(server: string, key: string, r: LevelResult): string {
  const level = key.startsWith('pace') ? `${r.calls} (pace)` : String(r.calls);
  return [
    '',
    server,
    level,
    think(r.thinkMs),
    `${r.measured} / ${r.acknowledged} / ${r.calls * r.turns}`,
    r.addedMs ? `${r.addedMs.p50} / ${r.addedMs.p99} / ${r.addedMs.max}` : '–',
    r.requestLagMs ? `${r.requestLagMs.p50} / ${r.requestLagMs.p99}` : '–',
    r.firstTextLagMs ? `${r.firstTextLagMs.p50} / ${r.firstTextLagMs.p99}` : '–',
    r.errors,
    cell(r.lostTurns),
    cell(r.cpuPerTurnMs),
    cell(r.runQueueWaitPerTurnMs),
    cell(r.storeCpuPerTurnMs),
    r.rssPerCallKiB === undefined ? '–' : `${r.rssPerCallKiB} (${r.rssPeakMiB})`,
    `${r.harnessLoopMs.p99} / ${r.harnessLoopMs.max}`,
    `${r.load.before[0]} → ${r.load.after[0]}`,
    r.wallSeconds,
    '',
  ]
    .join(' | ')
    .trim();
}

function errorLines(report: SideBySideReport): string[] {
  const lines: string[] = [];
  const all: [string, LevelResult][] = [];
  for (const [server, levels] of Object.entries(report.results.relay) as [
    ServerKey,
    Map<string, LevelResult>,
  ][]) {
    for (const [key, r] of levels) all.push([`${SERVER_NAMES[server]}, ${key} calls`, r]);
  }
  if (report.results.gather) all.push(['Gather', report.results.gather]);
  for (const [name, r] of all) {
    const kinds = Object.entries(r.errorKinds)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${count} × ${kind}`)
      .join('; ');
    if (kinds) lines.push(`- ${name}: ${kinds}.`);
    if (r.lostTurns) lines.push(`- ${name}: ${r.lostTurns} acknowledged turns missing from the store.`);
  }
  return [...lines, ...report.failures.map((failure) => `- ${failure}`)];
}

/** Where the added time of one call goes: before the model is asked, or after its first delta. */
function latencySplit(report: SideBySideReport): string | undefined {
  const one = report.results.relay.dynamo.get('1');
  if (!one?.requestLagMs || !one.firstTextLagMs || !one.addedMs) return undefined;
  const gap = report.options.model.interTokenMs;
  const deltas = Math.round(one.firstTextLagMs.p50 / gap);
  return (
    `Where the added time goes, with one call (DynamoDB in its own process): of the p50 ${one.addedMs.p50} ms, ` +
    `${one.requestLagMs.p50} ms pass between the prompt and the model request (the turn's work before it asks), ` +
    `and ${one.firstTextLagMs.p50} ms between the model's first delta and the first \`text\`` +
    (deltas >= 2
      ? `: the first text leaves about ${deltas} deltas later (one every ${gap} ms), so the server holds the reply ` +
        'back rather than sending each delta as it comes.'
      : '.')
  );
}

export function sideBySideMarkdown(report: SideBySideReport): string {
  const { options, results } = report;
  const machine = machineInfo();
  const model = options.model;
  const comparison = ISSUE_13_TODAY.filter(([calls]) => options.levels.includes(calls)).map(
    ([calls, ours, sample]) =>
      `| ${calls} | ${ours} | ${sample} | ${pair(results.relay.dynamo.get(String(calls)))} | ` +
      `${pair(results.relay.embedded.get(String(calls)))} | ${pair(results.relay.baseline.get(String(calls)))} |`,
  );
  const pace = paceKey(options.paceCalls);
  const paceRow =
    options.paceCalls > 0
      ? [
          `| ${options.paceCalls} at conversation pace | – (issue 13: 500 calls p99 3,117) | – | ` +
            `${pair(results.relay.dynamo.get(pace))} | ${pair(results.relay.embedded.get(pace))} | ` +
            `${pair(results.relay.baseline.get(pace))} |`,
        ]
      : [];
  const errors = errorLines(report);
  const split = latencySplit(report);
  return [
    `## ${options.label ? `Side by side: ${options.label}` : 'Side by side'}`,
    '',
    `Run ${report.date} with \`npm run bench -- side-by-side\` on commit ${report.commit}, ${machine.cpuModel}, ` +
      `${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}. Load average ` +
      `(1, 5, 15 min) at the start ${report.loadStart.join(', ')}, at the end ${report.loadEnd.join(', ')}` +
      (report.loadStart[0]! > 1.5
        ? ': the machine was busy with other work, so every figure here is worse than on a quiet machine.'
        : '.'),
    '',
    (report.pinned
      ? 'Each server ran pinned to core 0 (`taskset -c 0`); the simulated callers and the fake model (this process) and, ' +
        'where used, dynalite ran on core 1.'
      : '**Not pinned** (no `taskset`, or a single core): the servers, dynalite and the load shared every core.') +
      ` Each call: ${options.turns} turns, ${options.thinkMs} ms between turns, the calls started over 1 s; at ` +
      `conversation pace ${options.paceTurns} turns ${think(options.paceThinkMs)} ms apart, the calls started over ` +
      `${options.paceRampMs / 1_000} s, so that all are talking at once once the last has started. ` +
      `The fake model streams a reply of ${model.tokens.length} deltas (\`${model.tokens.join('')}\`), the first ` +
      `${model.firstTokenDelayMs} ms after the request arrived, then one every ${model.interTokenMs} ms. ` +
      `Before each level, on the same freshly started server, a warm-up run of ${options.warmUpCalls} calls.`,
    '',
    'Server-added time before the caller hears the first word, p50 / p99 ms:',
    '',
    '| Calls | Issue 13, before: ours | Issue 13: Twilio’s sample | Now: ours, DynamoDB in its own process | Now: ours, embedded default | Now: naive relay (ws + openai SDK) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...comparison,
    ...paceRow,
    '',
    'Targets (issue 13):',
    '',
    '| Target | Limit | Measured | Verdict |',
    '| --- | --- | --- | --- |',
    ...report.verdicts.map(
      (v) =>
        `| ${v.target} | ${v.limit} | ${v.measured} | ${v.met === undefined ? v.note : v.met ? v.note : `**${v.note}**`} |`,
    ),
    '',
    ...(split ? [split, ''] : []),
    'Every figure:',
    '',
    '| Server | Calls | Think ms | Turns measured / acknowledged / sent | Added p50 / p99 / max ms | Prompt → model request p50 / p99 ms | Model’s first delta → first text p50 / p99 ms | Errors | Lost turns | Server CPU per turn ms | Server waited for a CPU, per turn ms | dynalite CPU per turn ms | Memory per call KiB (peak RSS MiB) | Harness event-loop p99 / max ms | Load (1 min) | Wall s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...figureRows(report),
    '',
    ...(errors.length > 0
      ? ['Problems seen in this run:', '', ...errors, '']
      : ['No errors, no lost turns.', '']),
    ...(report.profile
      ? [
          `Where the server's time goes: a CPU profile (\`node --cpu-prof\`) of voice-agent with DynamoDB in its own ` +
            `process over ${report.profile.calls} relay calls (after the warm-up), self time grouped by package and by function ` +
            '(`bench/cpu-profile-summary.ts`; the profiler itself slows the server, so its figures are not in the tables above):',
          '',
          profileMarkdown(report.profile.summary),
        ]
      : []),
    'How to read it:',
    '',
    '- **Added** (relay) = (the model request arrived − the prompt was sent) + (the first `text` with words arrived − ' +
      "the model sent its first delta): what the server adds to the model's own time to first token. The callers and the " +
      'fake model share one process and one clock (`performance.now()`); each prompt carries a tag the model finds in ' +
      'the last message. A Gather turn with the scripted policy asks no model: its figure is the whole webhook round trip.',
    '- **voice-agent** runs as an operator runs it (`voice-agent serve`, settings in the environment, the agent and its ' +
      'number created through the admin API): `NODE_ENV=production`, signature checks on (voice webhook and the relay ' +
      "socket's handshake, whose URL the TwiML signs for one call), `LLM_PROVIDER=openai-compatible` pointing at the fake " +
      'model, `LOG_LEVEL` at its default, `RELAY_FILLER_MS=10000` (a filler line would pass for the first text) and ' +
      "`RELAY_IDLE_MS=60000` (the callers do not play the agent's speech, so its silence clock would end calls that " +
      'think 8–12 s). **DynamoDB in its own process** is dynalite (in memory) started on its own, its tables made by ' +
      '`voice-agent db create-tables`, the server pointed at it with `DYNAMODB_ENDPOINT`; the **embedded default** is ' +
      'the store the server starts itself when no endpoint is set, under a fresh `DATA_DIR`.',
    '- **naive relay** is `bench/side-by-side/naive-relay-server.ts`: `ws` on `node:http`, the `openai` SDK streaming ' +
      'from the same fake model, every delta sent on as its own `text` the moment it arrives, the history in memory; no ' +
      'persistence, no signature check, no voice webhook (the callers open its socket directly). It is the floor.',
    "- **Server CPU per turn** is the server process's user + system time (`/proc/PID/stat`, with any process it " +
      'started) across the measured run ÷ (calls × turns), so it includes the voice webhook and socket set-up of each ' +
      "call. The embedded store's work is in it; dynalite's own process has its own column. **Waited for a CPU** is " +
      "the time the server's event-loop thread was ready to run while other processes held its core " +
      '(`/proc/PID/schedstat`) ÷ (calls × turns): on a shared machine, latency the server did not cause. **Memory per call** is ' +
      '(the highest RSS sampled during the run − RSS before it) ÷ calls.',
    "- **Lost turns**: after the run, every acknowledged turn (its `last:true` arrived) is looked for in the call's " +
      'transcript (`GET /calls/:sid`); must be 0. A turn that timed out stops its call (its late frames would pass ' +
      "for the next reply's).",
    '- **Harness event-loop** delay is that of the process playing the callers and the model: a late timer there ' +
      'counts as server time, so a high figure means the load generator was short of CPU.',
    '- Shorter runs: `BENCH_QUICK=1` (levels 1 and 50, 100 calls at conversation pace, 20 Gather calls), or ' +
      '`BENCH_LEVELS`, `BENCH_PACE_CALLS`, `BENCH_GATHER_CALLS` (0 skips), `BENCH_SERVERS` (dynamo,embedded,baseline), ' +
      '`BENCH_PROFILE` (auto: when a target is missed; always; never); `BENCH_LABEL` writes the section under its own ' +
      "heading, so a labelled run stays beside later ones; `BENCH_KEEP=1` keeps the servers' logs and profiles.",
    '',
  ].join('\n');
}
