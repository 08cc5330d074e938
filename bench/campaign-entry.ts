// The campaign benchmark as bench/run.ts runs it. BENCH_CAMPAIGN_CONTACTS (default 10000) shortens a run.
import { campaignMarkdown, runCampaignBench } from './campaign-bench.js';
import { positiveNumbers, runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage } from './stats.js';

export function campaignBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'campaign',
    heading: 'Campaign scheduler',
    async run() {
      const date = runDate();
      const loadStart = loadAverage();
      const result = await runCampaignBench({
        contacts: positiveNumbers(process.env.BENCH_CAMPAIGN_CONTACTS, [10_000])[0]!,
        callsPerMinute: 100,
        maxConcurrent: 100,
        callMs: 60_000,
        log,
      });
      return campaignMarkdown(result, { date, loadStart, loadEnd: loadAverage() });
    },
  };
}
