// The relay benchmark as bench/run.ts runs it. BENCH_SECONDS (measured seconds per level, default 15)
// and BENCH_RELAY_LEVELS (e.g. "50,100") shorten a run.
import {
  DEFAULT_MODEL,
  DEFAULT_THINK_MS,
  relayMarkdown,
  runRelayBench,
  type RelayBenchOptions,
} from './relay-bench.js';
import { loadAverage } from './stats.js';

export interface BenchEntry {
  name: string;
  /** The section heading it writes, without "## ". */
  heading: string;
  run(): Promise<string>;
}

export function positiveNumbers(value: string | undefined, fallback: number[]): number[] {
  const list = (value ?? '')
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isFinite(v) && v > 0);
  return list.length > 0 ? list : fallback;
}

export const runDate = () => `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function relayBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'relay',
    heading: 'Relay',
    async run() {
      const options: RelayBenchOptions = {
        levels: positiveNumbers(process.env.BENCH_RELAY_LEVELS, [100, 500]),
        warmUpSeconds: 5,
        measureSeconds: positiveNumbers(process.env.BENCH_SECONDS, [15])[0]!,
        thinkMs: DEFAULT_THINK_MS,
        model: DEFAULT_MODEL,
        log,
      };
      const date = runDate();
      const loadStart = loadAverage();
      const results = await runRelayBench(options);
      return relayMarkdown(results, { date, options, loadStart, loadEnd: loadAverage() });
    },
  };
}
