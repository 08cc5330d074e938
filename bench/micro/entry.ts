// The client micro-benchmarks as bench/run.ts runs them (about a minute). BENCH_MICRO_COUNT (timed
// operations per figure, default 160) shortens or lengthens a run.
import { positiveNumbers, runDate, type BenchEntry } from '../relay-entry.js';
import { loadAverage } from '../stats.js';
import { runDynamoClientBench } from './dynamo-clients.js';
import { microMarkdown } from './markdown.js';
import { runModelClientBench } from './model-clients.js';

export function microBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'micro',
    heading: 'Client micro-benchmarks',
    async run() {
      const count = positiveNumbers(process.env.BENCH_MICRO_COUNT, [160])[0]!;
      const options = { count, warmUp: Math.ceil(count / 4), lanes: 16, log };
      const date = runDate();
      const loadStart = loadAverage();
      const dynamo = await runDynamoClientBench(options);
      const model = await runModelClientBench(options);
      return microMarkdown({ dynamo, model, options, date, loadStart, loadEnd: loadAverage() });
    },
  };
}
