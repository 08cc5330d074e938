// `npm run bench -- telemetry`: what tracing costs the turn path. Each round runs two fresh servers
// at the same time under the relay benchmark's load, one with tracing off and one exporting every
// span over OTLP/HTTP (protobuf) to a local sink; the figure is the mean over BENCH_TELEMETRY_ROUNDS
// rounds of the difference in server CPU per turn (target: at most 0.5 ms), with its 95 % interval.
// Side by side, whatever else a shared machine does weighs on both servers alike, where runs one
// after the other each met their own share of it. Both are warmed up for BENCH_TELEMETRY_WARMUP_SECONDS
// (default 60: Node compiles code that runs a few times a second, such as the export, only after a
// minute or more) and collect their garbage before the window opens. BENCH_TELEMETRY_CALLS (calls per
// server, default 50) and BENCH_SECONDS change the load and the window; BENCH_TELEMETRY_PROFILE=on
// adds CPU profiles (telemetry-profile.ts).
import { startBenchChild, type BenchChild } from './child.js';
import { startFakeModel, type FakeModel } from './fake-model.js';
import {
  DEFAULT_MODEL,
  DEFAULT_THINK_MS,
  newRelaySetup,
  runRelayLevel,
  type RelayLevelResult,
} from './relay-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import type { RelayServerSetup } from './relay-server.js';
import { loadAverage, machineInfo, meanInterval, round } from './stats.js';
import { tracingCpuPerTurn } from './telemetry-micro.js';
import { startOtlpSink, type OtlpSink } from './telemetry.js';
import {
  profileDifferenceMarkdown,
  profileFlags,
  profilingOn,
  readRunProfile,
  type RunProfile,
} from './telemetry-profile.js';

interface TracedRun {
  round: number;
  tracing: boolean;
  result: RelayLevelResult;
  exported?: { requests: number; kib: number };
  profile?: RunProfile;
}

/** One of the two servers of every round: its own fake model, so their figures stay apart. */
interface Side {
  tracing: boolean;
  model: FakeModel;
  setup: RelayServerSetup;
}

interface RoundOptions {
  round: number;
  calls: number;
  warmUpSeconds: number;
  measureSeconds: number;
  firstIndex: number;
  log: (line: string) => void;
}

/** Both servers at once, under the same load; the one started first alternates by round. */
async function runRound(sides: Side[], options: RoundOptions): Promise<TracedRun[]> {
  const { round, calls } = options;
  const sink: OtlpSink = await startOtlpSink();
  const order = round % 2 === 1 ? sides : [...sides].reverse();
  const started: { side: Side; app: BenchChild; profileDir?: string }[] = [];
  let running = true;
  try {
    for (const side of order) {
      const profiling = profilingOn()
        ? profileFlags(`round${round}-${side.tracing ? 'on' : 'off'}`)
        : undefined;
      const app = await startBenchChild('relay-server.ts', ['app', JSON.stringify(side.setup)], {
        execArgv: ['--expose-gc', ...(profiling?.execArgv ?? [])],
        // Only the traced server exports, to this round's sink.
        env: { BENCH_OTLP_ENDPOINT: side.tracing ? sink.endpoint : undefined },
      });
      started.push({ side, app, ...(profiling ? { profileDir: profiling.dir } : {}) });
    }
    options.log(`telemetry: round ${round}, tracing off and on side by side, ${calls} calls each…`);
    const results = await Promise.all(
      started.map(({ side, app }, i) =>
        runRelayLevel(app, side.setup, side.model, {
          kind: 'app',
          calls,
          warmUpMs: options.warmUpSeconds * 1_000,
          measureMs: options.measureSeconds * 1_000,
          thinkMs: DEFAULT_THINK_MS,
          firstIndex: options.firstIndex + i * calls,
          collectGarbageAtStart: true,
        }),
      ),
    );
    // Stopped before counting: the traced server exports what its batch still holds as it closes.
    running = false;
    await Promise.all(started.map(({ app }) => app.stop()));
    return started.map(({ side, profileDir }, i) => {
      const result = results[i]!;
      const { requests, bytes } = sink.counts();
      options.log(
        `  tracing ${side.tracing ? 'on' : 'off'}: cpu per turn ${result.cpuPerTurnMs} ms ` +
          `(main thread ${result.mainThreadCpuPerTurnMs} ms), gc pauses per turn ` +
          `${JSON.stringify(result.gcPerTurnMs)} ms, ${result.turnsPerSecond} turns/s`,
      );
      return {
        round,
        tracing: side.tracing,
        result,
        ...(side.tracing ? { exported: { requests, kib: Math.round(bytes / 1024) } } : {}),
        ...(profileDir && result.windowUs
          ? { profile: readRunProfile(profileDir, result.windowUs, result.measuredTurns) }
          : {}),
      };
    });
  } finally {
    if (running) await Promise.all(started.map(({ app }) => app.stop()));
    await sink.close();
  }
}

export function telemetryBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'telemetry',
    heading: 'Telemetry overhead',
    async run() {
      const calls = positiveNumbers(process.env.BENCH_TELEMETRY_CALLS, [50])[0]!;
      const rounds = positiveNumbers(process.env.BENCH_TELEMETRY_ROUNDS, [3])[0]!;
      const measureSeconds = positiveNumbers(process.env.BENCH_SECONDS, [15])[0]!;
      const warmUpSeconds = positiveNumbers(process.env.BENCH_TELEMETRY_WARMUP_SECONDS, [60])[0]!;
      const date = runDate();
      const loadStart = loadAverage();
      const microSink = await startOtlpSink();
      const micro = await tracingCpuPerTurn(microSink.endpoint).finally(() => microSink.close());
      log(`telemetry: in-process tracing work ${micro.onUs} µs per turn (no-op ${micro.offUs} µs)`);
      const sides: Side[] = [];
      const runs: TracedRun[] = [];
      try {
        for (const tracing of [false, true]) {
          const model = await startFakeModel(DEFAULT_MODEL);
          sides.push({ tracing, model, setup: newRelaySetup(model.url) });
        }
        for (let round = 1; round <= rounds; round += 1) {
          const firstIndex = (round - 1) * 2 * calls;
          runs.push(
            ...(await runRound(sides, { round, calls, warmUpSeconds, measureSeconds, firstIndex, log })),
          );
        }
      } finally {
        await Promise.all(sides.map((side) => side.model.close()));
      }
      return telemetryMarkdown(runs, micro, {
        date,
        calls,
        warmUpSeconds,
        measureSeconds,
        loadStart,
        loadEnd: loadAverage(),
      });
    },
  };
}

const gcCell = (gc: RelayLevelResult['gcPerTurnMs']) => (gc ? `${gc.minor} / ${gc.major}` : '–');

function telemetryMarkdown(
  runs: TracedRun[],
  micro: Awaited<ReturnType<typeof tracingCpuPerTurn>>,
  context: {
    date: string;
    calls: number;
    warmUpSeconds: number;
    measureSeconds: number;
    loadStart: number[];
    loadEnd: number[];
  },
): string {
  const machine = machineInfo();
  const resultOf = (round: number, tracing: boolean) =>
    runs.find((r) => r.round === round && r.tracing === tracing)?.result;
  const cpuOf = (round: number, tracing: boolean) => resultOf(round, tracing)?.cpuPerTurnMs ?? NaN;
  const mainOf = (round: number, tracing: boolean) => resultOf(round, tracing)?.mainThreadCpuPerTurnMs ?? NaN;
  const roundNumbers = [...new Set(runs.map((r) => r.round))];
  const differences = roundNumbers.map((n) => cpuOf(n, true) - cpuOf(n, false));
  const mainDifference = meanInterval(roundNumbers.map((n) => mainOf(n, true) - mainOf(n, false))).mean;
  const { mean, halfWidth } = meanInterval(differences);
  const meanCpu = (tracing: boolean) => meanInterval(roundNumbers.map((n) => cpuOf(n, tracing))).mean;
  const interval = Number.isNaN(halfWidth)
    ? 'one round: no interval'
    : `95 % interval ${round(mean - halfWidth, 2)} to ${round(mean + halfWidth, 2)} ms`;
  const verdict = Number.isNaN(halfWidth)
    ? ''
    : mean + halfWidth <= 0.5
      ? ' The whole interval lies under the target.'
      : mean - halfWidth > 0.5
        ? ' The whole interval lies over the target.'
        : ' The interval straddles the target: more rounds would settle it.';
  const rows = runs.map((r) =>
    [
      r.round,
      r.tracing ? 'on' : 'off',
      r.result.turnsPerSecond,
      r.result.cpuPerTurnMs ?? '–',
      r.result.mainThreadCpuPerTurnMs ?? '–',
      r.tracing ? round(differences[roundNumbers.indexOf(r.round)]!, 2) : '',
      gcCell(r.result.gcPerTurnMs),
      `${r.result.serverAddedMs.p50} / ${r.result.serverAddedMs.p99}`,
      r.result.lostTurns ?? '–',
      r.exported ? `${r.exported.requests} / ${r.exported.kib}` : '–',
      `${r.result.load.before} → ${r.result.load.after}`,
    ].join(' | '),
  );
  const profiled = runs.filter((r) => r.profile);
  return [
    '## Telemetry overhead',
    '',
    `Run ${context.date} with \`npm run bench -- telemetry\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `Node ${machine.node}. Load average (1, 5, 15 min) at the start ${context.loadStart.join(', ')}, at the end ` +
      `${context.loadEnd.join(', ')}.`,
    '',
    `Each round runs two fresh servers at the same time, each under the relay benchmark's load (see "Relay") ` +
      `at ${context.calls} calls of its own, ${context.warmUpSeconds} s warm-up and ${context.measureSeconds} s ` +
      'measured: one with ' +
      'tracing off (no `OTEL_EXPORTER_OTLP_ENDPOINT`), one exporting every span over OTLP/HTTP (protobuf, ' +
      'batched) to a local sink that only counts what it receives. Side by side, whatever else the machine ' +
      'does weighs on both alike; the figure is the mean of the per-round differences, with its 95 % ' +
      "interval (Student's t). The main thread's share of the CPU is read from /proc (the rest is V8's " +
      "compiler and garbage-collector threads); GC pauses are the main thread's scavenges / mark-compacts.",
    '',
    '| Round | Tracing | Turns/s | Server CPU per turn ms | Main thread ms | On − off ms | GC pauses per turn ms | Server added p50 / p99 ms | Lost turns | Export requests / KiB | Load avg (1 min) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `**Whole server: tracing on used ${round(mean, 2)} ms more CPU per turn** (mean of ${differences.length} ` +
      `rounds' differences, ${interval}; mean on ${round(meanCpu(true), 2)} ms, off ` +
      `${round(meanCpu(false), 2)} ms; target ≤ 0.5 ms); ${round(mainDifference, 2)} ms of it on the main ` +
      `thread.${verdict}`,
    '',
    `**The tracing work of one turn, in process: ${round(micro.onUs / 1_000, 3)} ms of CPU** (${micro.onUs} µs; ` +
      `the no-op: ${micro.offUs} µs), over ${micro.turns} turns after a warm-up: the turn span, four store spans ` +
      '(a turn makes two to four), its end with the stored timeline (model and tool spans drawn from it) and ' +
      'the batched protobuf export to a local sink (bench/telemetry-micro.ts), without the rest of the server ' +
      'and its noise.',
    ...(profiled.length > 0
      ? [
          '',
          profileDifferenceMarkdown(
            profiled.filter((r) => !r.tracing).map((r) => r.profile!),
            profiled.filter((r) => r.tracing).map((r) => r.profile!),
          ),
        ]
      : []),
  ].join('\n');
}
