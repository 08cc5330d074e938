// The issue asks for at least 10,000 generated cases per run, summed over the fuzz files. vitest runs
// each file in its own forked process, so no counter is shared in memory: each file writes its count
// under a folder named after the vitest process that owns the run, then reads every count. The last
// file to finish writes before it reads, so it always sees every file of the run; when all the
// fuzz-*.test.ts files of test/reliability have reported, it checks the sum. A run of only some of
// them (a developer running one file) checks each file's own share only.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

export const FUZZ_CASES_PER_RUN = 10_000;
/** Counts older than this belong to an earlier run whose process id was reused. */
const STALE_AFTER_MS = 30 * 60_000;

const RELIABILITY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The fuzz files a full run holds: every test/reliability/fuzz-*.test.ts, by name. */
export function fuzzFiles(dir = RELIABILITY_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /^fuzz-.+\.test\.ts$/.test(name))
    .map((name) => name.replace(/\.test\.ts$/, ''))
    .sort();
}

/** One folder per vitest run: forked workers share their parent; thread workers share the process. */
export function runFolder(): string {
  const owner = isMainThread ? process.ppid : process.pid;
  return join(tmpdir(), `voice-agent-fuzz-run-${owner}`);
}

export interface RunTotal {
  /** Every expected file has reported in this run. */
  complete: boolean;
  sum: number;
  counts: Record<string, number>;
  missing: string[];
}

/** Records this file's count, then returns what the run's files have reported so far. */
export function recordFuzzCount(
  file: string,
  cases: number,
  options: { folder?: string; expected?: string[]; now?: number } = {},
): RunTotal {
  const folder = options.folder ?? runFolder();
  const expected = options.expected ?? fuzzFiles();
  const now = options.now ?? Date.now();
  mkdirSync(folder, { recursive: true });
  // Written whole, then renamed: a reader never sees half a record.
  const path = join(folder, `${file}.json`);
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify({ file, cases, at: now }));
  renameSync(`${path}.${process.pid}.tmp`, path);

  const counts: Record<string, number> = {};
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((entry) => entry.endsWith('.json'));
  } catch {
    // Removed by a file that finished at the same moment and found the run complete: it checked.
  }
  for (const name of names) {
    try {
      const record = JSON.parse(readFileSync(join(folder, name), 'utf8')) as {
        file: string;
        cases: number;
        at: number;
      };
      if (now - record.at < STALE_AFTER_MS) counts[record.file] = record.cases;
    } catch {
      // Removed by a file that finished at the same moment and already checked the total.
    }
  }
  const missing = expected.filter((name) => counts[name] === undefined);
  const sum = expected.reduce((total, name) => total + (counts[name] ?? 0), 0);
  const complete = expected.length > 0 && missing.length === 0;
  if (complete) rmSync(folder, { recursive: true, force: true });
  return { complete, sum, counts, missing };
}
