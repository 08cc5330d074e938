// `npm run bench -- telemetry`: what tracing costs the turn path. The relay benchmark's load at one
// level runs against a fresh server with tracing off, then against one exporting every span over
// OTLP/HTTP (protobuf) to a local sink, alternating for BENCH_TELEMETRY_ROUNDS rounds; the figure
// is the difference in server CPU per turn (target: at most 0.5 ms). CPU time is what a busy
// shared machine disturbs least. BENCH_TELEMETRY_CALLS (default 50) and BENCH_SECONDS shorten it.
import { startBenchChild } from './child.js';
import { startFakeModel } from './fake-model.js';
import {
  DEFAULT_MODEL,
  DEFAULT_THINK_MS,
  newRelaySetup,
  runRelayLevel,
  type RelayLevelResult,
} from './relay-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo, round } from './stats.js';
import { tracingCpuPerTurn } from './telemetry-micro.js';
import { startOtlpSink } from './telemetry.js';

interface TracedRun {
  round: number;
  tracing: boolean;
  result: RelayLevelResult;
  exported?: { requests: number; kib: number };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export function telemetryBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'telemetry',
    heading: 'Telemetry overhead',
    async run() {
      const calls = positiveNumbers(process.env.BENCH_TELEMETRY_CALLS, [50])[0]!;
      const rounds = positiveNumbers(process.env.BENCH_TELEMETRY_ROUNDS, [2])[0]!;
      const measureSeconds = positiveNumbers(process.env.BENCH_SECONDS, [15])[0]!;
      const date = runDate();
      const loadStart = loadAverage();
      const microSink = await startOtlpSink();
      const micro = await tracingCpuPerTurn(process.env.BENCH_OTLP_ENDPOINT!).finally(() =>
        microSink.close(),
      );
      log(`telemetry: in-process tracing work ${micro.onUs} µs per turn (no-op ${micro.offUs} µs)`);
      const model = await startFakeModel(DEFAULT_MODEL);
      const setup = newRelaySetup(model.url);
      const runs: TracedRun[] = [];
      let firstIndex = 0;
      try {
        for (let round = 1; round <= rounds; round += 1) {
          for (const tracing of [false, true]) {
            // The sink sets BENCH_OTLP_ENDPOINT for the child forked next, which then traces to it.
            const sink = tracing ? await startOtlpSink() : undefined;
            const app = await startBenchChild('relay-server.ts', ['app', JSON.stringify(setup)]);
            let running = true;
            try {
              log(`telemetry: round ${round}, tracing ${tracing ? 'on' : 'off'}, ${calls} calls…`);
              const result = await runRelayLevel(app, setup, model, {
                kind: 'app',
                calls,
                warmUpMs: 5_000,
                measureMs: measureSeconds * 1_000,
                thinkMs: DEFAULT_THINK_MS,
                firstIndex,
              });
              firstIndex += calls;
              // Stopped before counting: the server exports what its batch still holds as it closes.
              running = false;
              await app.stop();
              const counts = sink?.counts();
              runs.push({
                round,
                tracing,
                result,
                ...(counts
                  ? { exported: { requests: counts.requests, kib: Math.round(counts.bytes / 1024) } }
                  : {}),
              });
              log(`  cpu per turn ${result.cpuPerTurnMs} ms, ${result.turnsPerSecond} turns/s`);
            } finally {
              if (running) await app.stop();
              await sink?.close();
            }
          }
        }
      } finally {
        await model.close();
      }
      return telemetryMarkdown(runs, micro, {
        date,
        calls,
        measureSeconds,
        loadStart,
        loadEnd: loadAverage(),
      });
    },
  };
}

function telemetryMarkdown(
  runs: TracedRun[],
  micro: Awaited<ReturnType<typeof tracingCpuPerTurn>>,
  context: { date: string; calls: number; measureSeconds: number; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const cpu = (tracing: boolean) =>
    mean(runs.filter((r) => r.tracing === tracing).map((r) => r.result.cpuPerTurnMs ?? NaN));
  const difference = round(cpu(true) - cpu(false), 2);
  const rows = runs.map((r) =>
    [
      r.round,
      r.tracing ? 'on' : 'off',
      r.result.turnsPerSecond,
      r.result.cpuPerTurnMs ?? '–',
      `${r.result.serverAddedMs.p50} / ${r.result.serverAddedMs.p99}`,
      r.result.lostTurns ?? '–',
      r.exported ? `${r.exported.requests} / ${r.exported.kib}` : '–',
      `${r.result.load.before} → ${r.result.load.after}`,
    ].join(' | '),
  );
  return [
    '## Telemetry overhead',
    '',
    `Run ${context.date} with \`npm run bench -- telemetry\` on ${machine.cpuModel}, ${machine.cores} cores, ` +
      `Node ${machine.node}. Load average (1, 5, 15 min) at the start ${context.loadStart.join(', ')}, at the end ` +
      `${context.loadEnd.join(', ')}: the machine was shared with other work, which moves latency far more than ` +
      'CPU time.',
    '',
    `The relay benchmark's load (see "Relay") at ${context.calls} calls, 5 s warm-up and ${context.measureSeconds} s ` +
      'measured, against a fresh server per run: tracing off (no `OTEL_EXPORTER_OTLP_ENDPOINT`), then on, exporting ' +
      'every span over OTLP/HTTP (protobuf, batched) to a local sink that only counts what it receives.',
    '',
    '| Round | Tracing | Turns/s | Server CPU per turn ms | Server added p50 / p99 ms | Lost turns | Export requests / KiB | Load avg (1 min) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `**Whole server: tracing on used ${difference} ms more CPU per turn** (mean on ${round(cpu(true), 2)} ms − ` +
      `mean off ${round(cpu(false), 2)} ms; target ≤ 0.5 ms). A run measures some hundreds of turns, and on a ` +
      'loaded machine this difference moves between runs by more than the target; what the in-process figure ' +
      'below does not account for (first compilation and first exports of the tracing code, garbage collection ' +
      "of span objects among the server's own) needs long runs on an idle machine to tell apart.",
    '',
    `**The tracing work of one turn, in process: ${round(micro.onUs / 1_000, 3)} ms of CPU** (${micro.onUs} µs; ` +
      `the no-op: ${micro.offUs} µs), over ${micro.turns} turns after a warm-up: the turn span, four store spans ` +
      '(a turn makes two to four), its end with the stored timeline (model and tool spans drawn from it) and the batched protobuf export to a ' +
      'local sink (bench/telemetry-micro.ts), without the rest of the server and its noise.',
  ].join('\n');
}
