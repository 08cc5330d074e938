// The capacity search as bench/run.ts runs it. BENCH_CAPACITY_SECONDS (measured seconds per step,
// default 6) and BENCH_CAPACITY_TRANSPORTS ("gather", "relay" or both) shorten a run.
import {
  capacityMarkdown,
  runCapacitySearch,
  type CapacityOptions,
  type Transport,
} from './capacity-bench.js';
import { DEFAULT_MODEL, DEFAULT_THINK_MS } from './relay-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage } from './stats.js';

// Dense where this machine is expected to fail, coarser above; each search also stops on time.
const STEPS = [5, 10, 20, 50, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000];

export function capacityBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'capacity',
    heading: 'Capacity',
    async run() {
      const transports = (process.env.BENCH_CAPACITY_TRANSPORTS ?? 'gather,relay')
        .split(',')
        .map((t) => t.trim())
        .filter((t): t is Transport => t === 'gather' || t === 'relay');
      const options: CapacityOptions = {
        transports,
        gatherSteps: STEPS,
        relaySteps: STEPS.filter((calls) => calls <= 1000),
        warmUpSeconds: 3,
        stepSeconds: positiveNumbers(process.env.BENCH_CAPACITY_SECONDS, [6])[0]!,
        thinkMs: DEFAULT_THINK_MS,
        budgetsMs: [50, 200],
        maxSecondsPerTransport: 110,
        model: DEFAULT_MODEL,
        log,
      };
      const date = runDate();
      const loadStart = loadAverage();
      const results = await runCapacitySearch(options);
      return capacityMarkdown(results, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}
