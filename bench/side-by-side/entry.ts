// The side-by-side benchmark as bench/run.ts runs it (`npm run bench -- side-by-side`): voice-agent
// (DynamoDB in its own process, and the embedded default) beside a naive relay server, driven by one
// harness, judged against issue 13's targets. Environment variables that shorten or narrow a run are
// in options.ts and listed at the end of the section it writes.
import type { BenchEntry } from '../relay-entry.js';
import { sideBySideMarkdown } from './markdown.js';
import { sideBySideOptions } from './options.js';
import { runSideBySide } from './run-side-by-side.js';

export function sideBySideBenchmark(log: (line: string) => void): BenchEntry {
  const label = process.env.BENCH_LABEL;
  return {
    name: 'side-by-side',
    heading: label ? `Side by side: ${label}` : 'Side by side',
    async run() {
      const options = sideBySideOptions(process.env);
      const report = await runSideBySide(options, log);
      const markdown = sideBySideMarkdown(report);
      log(markdown);
      return markdown;
    },
  };
}
