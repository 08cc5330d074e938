// The embedded-store benchmark as bench/run.ts runs it (about 30 s). BENCH_SECONDS (measured seconds
// per level, default 3) and BENCH_EMBEDDED_RATES (offered operations per second, default "300,900")
// change a run.
import {
  PLACEMENTS,
  runEmbeddedStoreBench,
  type EmbeddedStoreBenchOptions,
  type LoadResult,
  type StartUpResult,
} from './embedded-store-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo } from './stats.js';

const value = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : String(n));

export function embeddedStoreMarkdown(
  results: { startUps: StartUpResult[]; loads: LoadResult[] },
  context: { date: string; options: EmbeddedStoreBenchOptions; loadStart: number[]; loadEnd: number[] },
): string {
  const machine = machineInfo();
  const { options } = context;
  const lines = [
    '## Embedded store',
    '',
    `${context.date}; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; load average ` +
      `${context.loadStart.join(' / ')} before, ${context.loadEnd.join(' / ')} after. ` +
      `bench/embedded-store-bench.ts: dynalite in three places; ${options.starts} start-ups each in memory (as tests use it), ` +
      `then on disk (as the server uses it) for each offered load ${options.warmUpSeconds} s of warm-up and ${options.measureSeconds} s measured ` +
      'of PutItem-then-GetItem pairs (200-byte items) started at a steady rate through the AWS SDK document client. "child process" ' +
      'is what the server and the CLI use (docs/decisions/0014-embedded-store-in-a-child-process.md, which has ' +
      'medians of several runs: on a busy machine one run varies much).',
    '',
    '| store runs | first start ms | later starts p50 ms | this process CPU per start ms | memory the store adds MiB |',
    '| --- | --- | --- | --- | --- |',
    ...results.startUps.map(
      (r) =>
        `| ${r.placement} | ${r.startMs.first} | ${r.startMs.p50} | ${r.hostCpuMs} | ${value(r.storeRssMiB)} |`,
    ),
    '',
    "Under load: latency of one operation; delay of this process's event loop (what a caller would wait " +
      'behind; `monitorEventLoopDelay`, 1 ms resolution, so about 1 ms when idle); CPU per operation of this ' +
      "process's main thread and of the store (in-process, the store's work is in the main thread's).",
    '',
    '| store runs | offered ops/s | done ops/s | latency p50 / p99 ms | event-loop delay p50 / p99 / max ms | event-loop busy | main thread CPU per op ms | store CPU per op ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.loads.map(
      (r) =>
        `| ${r.placement} | ${r.offeredOpsPerSecond} | ${r.opsPerSecond} | ${r.latencyMs.p50} / ${r.latencyMs.p99} | ` +
        `${r.eventLoopDelayMs.p50} / ${r.eventLoopDelayMs.p99} / ${r.eventLoopDelayMs.max} | ` +
        `${Math.round(r.eventLoopUtilization * 100)}% | ${value(r.cpuPerOpMs.mainThread)} | ` +
        `${value(r.cpuPerOpMs.store)} | ${r.errors} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function embeddedStoreBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'embedded-store',
    heading: 'Embedded store',
    async run() {
      const options: EmbeddedStoreBenchOptions = {
        placements: PLACEMENTS,
        rates: positiveNumbers(process.env.BENCH_EMBEDDED_RATES, [300, 900]),
        warmUpSeconds: 0.5,
        measureSeconds: positiveNumbers(process.env.BENCH_SECONDS, [3])[0]!,
        starts: 6,
        log,
      };
      const date = runDate();
      const loadStart = loadAverage();
      const results = await runEmbeddedStoreBench(options);
      return embeddedStoreMarkdown(results, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}
