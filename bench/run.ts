// `npm run bench`: runs the benchmarks and (re)writes their sections of docs/BENCHMARKS.md,
// keeping sections other benchmarks wrote. `npm run bench -- gather` runs only the named ones.
// BENCH_SECONDS (measured seconds per level, default 20) and BENCH_LEVELS (e.g. "1,100") shorten a run;
// BENCH_CHILD_ARGS adds Node flags to the server child processes (e.g. --cpu-prof).
// BENCH_TELEMETRY=on runs the servers with tracing on, exporting to a local sink (bench/telemetry.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { gatherMarkdown, runGatherBench } from './gather-bench.js';
import { loadAverage } from './stats.js';
import { capacityBenchmark } from './capacity-entry.js';
import { relayBenchmark } from './relay-entry.js';
import { realtimeBenchmark } from './realtime-entry.js';
import { conversationBenchmark } from './conversation-entry.js';
import { microBenchmark } from './micro/entry.js';
import { toolBenchmark } from './tool-entry.js';
import { embeddedStoreBenchmark } from './embedded-store-entry.js';
import { extractionBenchmark } from './extraction-bench.js';
import { startOtlpSink, telemetryOn, withTelemetryNote } from './telemetry.js';
import { telemetryBenchmark } from './telemetry-entry.js';
import { promptCacheBenchmark } from './prompt-cache.js';
import { campaignBenchmark } from './campaign-entry.js';
import { BenchSettingError } from './setting-error.js';
import { sideBySideBenchmark } from './side-by-side/entry.js';

const DOC = resolve(import.meta.dirname, '../docs/BENCHMARKS.md');
const HEADER = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench` (bench/run.ts), which rewrites the section of each benchmark it runs and keeps the',
  'others. Run it on an otherwise idle machine for figures you want to compare; each section records the machine,',
  'the date and the load average during its run.',
  '',
].join('\n');

interface Benchmark {
  /** The section heading it writes, without "## ". */
  heading: string;
  name: string;
  run(): Promise<string>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const numberList = (value: string | undefined, fallback: number[]) =>
  value
    ? value
        .split(',')
        .map((v) => Number(v.trim()))
        .filter((v) => Number.isFinite(v) && v > 0)
    : fallback;

const benchmarks: Benchmark[] = [
  {
    name: 'gather',
    heading: 'Gather',
    async run() {
      const options = {
        levels: numberList(process.env.BENCH_LEVELS, [1, 100, 500]),
        warmUpSeconds: 2,
        measureSeconds: numberList(process.env.BENCH_SECONDS, [20])[0]!,
        log,
      };
      const loadStart = loadAverage();
      const results = await runGatherBench(options);
      return gatherMarkdown(results, {
        date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        options,
        loadStart,
        loadEnd: loadAverage(),
      });
    },
  },
  relayBenchmark(log),
  realtimeBenchmark(log),
  capacityBenchmark(log),
  conversationBenchmark(log),
  microBenchmark(log),
  toolBenchmark(log),
  embeddedStoreBenchmark(log),
  extractionBenchmark(log),
  promptCacheBenchmark(log),
  campaignBenchmark(log),
  sideBySideBenchmark(log),
  telemetryBenchmark(log),
];

/** Splits a document into its preamble and "## " sections, keyed by heading. */
export function splitSections(text: string): { preamble: string; sections: Map<string, string> } {
  const parts = text.split(/^(?=## )/m);
  const sections = new Map<string, string>();
  let preamble = '';
  for (const part of parts) {
    const heading = /^## (.+)$/m.exec(part.split('\n')[0] ?? '')?.[1];
    if (part.startsWith('## ') && heading) sections.set(heading.trim(), part.trimEnd() + '\n');
    else preamble += part;
  }
  return { preamble, sections };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = benchmarks.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  if (selected.length === 0)
    throw new BenchSettingError(
      `no benchmark named ${wanted.join(', ')}; have ${benchmarks.map((b) => b.name).join(', ')}`,
    );
  const existing = await readFile(DOC, 'utf8').catch(() => '');
  const { sections } = splitSections(existing);
  const sink = telemetryOn() ? await startOtlpSink() : undefined;
  try {
    for (const benchmark of selected) {
      const started = Date.now();
      const section = (await benchmark.run()).trimEnd() + '\n';
      if (sink)
        sections.set(
          `${benchmark.heading} (telemetry on)`,
          withTelemetryNote(section, benchmark.heading, sink),
        );
      else sections.set(benchmark.heading, section);
      log(`${benchmark.name}: done in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await sink?.close();
  }
  const body = [...sections.values()].join('\n');
  // Formatted as `npm test` checks it (prettier aligns the tables).
  const options = (await resolveConfig(DOC)) ?? {};
  await writeFile(DOC, await format(`${HEADER}\n${body}`, { ...options, filepath: DOC }));
  log(`wrote ${DOC}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    if (!(error instanceof BenchSettingError)) throw error;
    log(`bench: ${error.message}`);
    process.exit(2);
  });
}
