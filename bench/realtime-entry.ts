// The realtime benchmark as bench/run.ts runs it. BENCH_SECONDS (measured seconds per level, default
// 10) and BENCH_REALTIME_LEVELS (default "1,50,200") shorten or change a run.
import { realtimeMarkdown, runRealtimeBench, type RealtimeBenchOptions } from './realtime-bench.js';
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
        measureSeconds: positiveNumbers(process.env.BENCH_SECONDS, [10])[0]!,
        log,
      };
      const date = runDate();
      const loadStart = loadAverage();
      const results = await runRealtimeBench(options);
      return realtimeMarkdown(results, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}
