// The realtime benchmark as bench/run.ts runs it. BENCH_SECONDS (measured seconds per level, default
// 30: a p99 of first deltas at 200 calls then rests on about a dozen samples), BENCH_REALTIME_LEVELS
// (default "1,50,200"), BENCH_REALTIME_PIN=off (no taskset) and BENCH_REALTIME_BASELINE=off (no bare
// bridge after each level) change a run; BENCH_REALTIME_DUMP=PATH
// writes every latency sample (PATH-<calls>.txt, PATH-bridge-<calls>.txt for the baseline: received at, ms, tag) and each process's GC pauses
// (PATH-gc-<process>.txt: start, ms, kind), all on the monotonic clock, to find what held a sample up.
import { runRealtimeBench, type RealtimeBenchOptions } from './realtime-bench.js';
import { realtimeLevelLog, realtimeMarkdown } from './realtime-report.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage } from './stats.js';

export function realtimeBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'realtime',
    heading: 'Realtime (Media Streams)',
    async run() {
      const options: RealtimeBenchOptions = {
        levels: positiveNumbers(process.env.BENCH_REALTIME_LEVELS, [1, 50, 200]),
        warmUpSeconds: 3,
        measureSeconds: positiveNumbers(process.env.BENCH_SECONDS, [30])[0]!,
        pin: process.env.BENCH_REALTIME_PIN !== 'off',
        baseline: process.env.BENCH_REALTIME_BASELINE !== 'off',
        log,
        levelDone: (result) => log(realtimeLevelLog(result)),
      };
      const date = runDate();
      const loadStart = loadAverage();
      const run = await runRealtimeBench(options);
      return realtimeMarkdown(run, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}
