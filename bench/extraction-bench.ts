// Extraction accuracy (issue 14): the evaluation set in bench/extraction/*.jsonl, utterances as
// Twilio's recognizers write them with the value each should give, is run through the real
// `voice-agent extract --jsonl`; the unit tables are run in every way a recognizer may write them;
// and the cost of a call is measured on the set and on 2,000-character inputs built to backtrack.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { extractOne } from '../src/cli/commands/extract.js';
import { LONG_INPUTS, tableRows, valueOf } from '../src/engine/extraction/extraction.rows.js';
import { normalizeValue } from '../src/engine/extraction/index.js';
import { recognizerRows } from '../src/engine/extraction/recognizer.rows.js';
import { recognized, transformsFor } from '../src/engine/extraction/recognizer.variants.js';
import { FIELD_TYPES } from '../src/domain/agent.js';
import { runDate, type BenchEntry } from './relay-entry.js';
import { loadAverage, machineInfo, percentile, round, sortedCopy } from './stats.js';

const SET_DIR = resolve(import.meta.dirname, 'extraction');
const BIN = resolve(import.meta.dirname, '../bin/voice-agent.mjs');

interface Case {
  type: string;
  text: string;
  language?: string;
  expected: unknown;
  [key: string]: unknown;
}

type Group = 'English' | 'Indian English' | 'Hindi';
const GROUPS: Group[] = ['English', 'Indian English', 'Hindi'];
const groupOf = (language = 'en-US'): Group =>
  language.startsWith('hi') ? 'Hindi' : language === 'en-IN' ? 'Indian English' : 'English';

async function readSet(): Promise<Case[]> {
  const files = (await readdir(SET_DIR)).filter((f) => f.endsWith('.jsonl')).sort();
  const texts = await Promise.all(files.map((f) => readFile(resolve(SET_DIR, f), 'utf8')));
  return texts.flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Case),
  );
}

/** Every case through the real CLI, one JSON line in and one out, as the held-out set is scored. */
function throughCli(cases: Case[]): Promise<unknown[]> {
  return new Promise((done, fail) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, [BIN, 'extract', '--jsonl'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const answers = stdout.trim().split('\n');
      if (code !== 0 || answers.length !== cases.length)
        return fail(new Error(`extract --jsonl exited ${code} with ${answers.length} answers: ${stderr}`));
      done(answers.map((line) => (JSON.parse(line) as { value?: unknown }).value));
    });
    child.stdin.end(cases.map((c) => `${JSON.stringify(c)}\n`).join(''));
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const percent = (correct: number, total: number) => (total ? `${round((100 * correct) / total, 1)}%` : '–');

function accuracyTable(cases: Case[], values: unknown[]): { table: string[]; missed: string[] } {
  const types = [...new Set(cases.map((c) => c.type))];
  const count = (filter: (c: Case) => boolean) => {
    const chosen = cases.map((c, i) => ({ c, ok: same(values[i], c.expected) })).filter(({ c }) => filter(c));
    return { total: chosen.length, correct: chosen.filter((x) => x.ok).length };
  };
  const cell = ({ correct, total }: { correct: number; total: number }) =>
    total ? `${correct}/${total}` : '–';
  const row = (label: string, filter: (c: Case) => boolean) => {
    const all = count(filter);
    const groups = GROUPS.map((g) => cell(count((c) => filter(c) && groupOf(c.language) === g)));
    return `| ${label} | ${all.total} | ${all.correct} | ${percent(all.correct, all.total)} | ${groups.join(' | ')} |`;
  };
  const table = [
    `| Type | Cases | Correct | Accuracy | ${GROUPS.join(' | ')} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...types.map((type) => row(type, (c) => c.type === type)),
    row('**all**', () => true),
  ];
  const missed = cases
    .map((c, i) => ({ c, value: values[i] }))
    .filter(({ c, value }) => !same(value, c.expected))
    .map(
      ({ c, value }) =>
        `- ${c.type}: "${c.text}" gave ${JSON.stringify(value)}, not ${JSON.stringify(c.expected)}`,
    );
  return { table, missed };
}

/** Every table row in every way a recognizer may write it (recognizer.variants.ts). */
function variantTable(): string[] {
  const rows = [...tableRows, ...recognizerRows];
  const lines = FIELD_TYPES.filter((type) => type !== 'text').map((type) => {
    let variants = 0;
    let correct = 0;
    const ofType = rows.filter((r) => r.type === type);
    for (const row of ofType) {
      const said = new Set(transformsFor(row).map((t) => recognized(row.input, t)));
      for (const text of said) {
        variants += 1;
        if (same(valueOf(row, text), row.expected)) correct += 1;
      }
    }
    return `| ${type} | ${ofType.length} | ${variants} | ${correct} | ${percent(correct, variants)} |`;
  });
  return [
    '| Type | Rows | Distinct variants | Correct | Accuracy |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...lines,
  ];
}

// Each call is timed this many times and its fastest run kept: on a shared machine the slower runs
// measure the other processes, not the call.
const RUNS = 7;

function fastestMicros(call: () => unknown): number {
  let fastest = Infinity;
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    call();
    fastest = Math.min(fastest, (performance.now() - start) * 1000);
  }
  return fastest;
}

/** Microseconds per call (in process, after a warm-up): median and slowest case of the set, slowest long input. */
function cost(cases: Case[]) {
  for (const c of cases) extractOne(c);
  const perCase = sortedCopy(cases.map((c) => fastestMicros(() => extractOne(c))));
  let longest = 0;
  let longestWhat = '';
  const context = { language: 'en-US', now: new Date(), timezone: 'UTC' };
  for (const type of FIELD_TYPES) {
    const field = { name: 'f', type, required: true, description: '', options: ['sales', 'billing'] };
    for (const text of LONG_INPUTS) {
      const micros = fastestMicros(() => normalizeValue(field, text, context));
      if (micros > longest) [longest, longestWhat] = [micros, `${type}, "${text.slice(0, 12)}…"`];
    }
  }
  return {
    median: round(percentile(perCase, 50), 0),
    slowest: round(perCase[perCase.length - 1] ?? 0, 0),
    longest: round(longest, 0),
    longestWhat,
  };
}

export function extractionBenchmark(log: (line: string) => void): BenchEntry {
  return {
    name: 'extraction',
    heading: 'Extraction accuracy',
    async run() {
      const date = runDate();
      const loadStart = loadAverage();
      const cases = await readSet();
      log(`extraction: ${cases.length} cases through voice-agent extract --jsonl`);
      const { table, missed } = accuracyTable(cases, await throughCli(cases));
      log('extraction: every table row in every recognizer variant');
      const variants = variantTable();
      const { median, slowest, longest, longestWhat } = cost(cases);
      const machine = machineInfo();
      return [
        '## Extraction accuracy',
        '',
        `Run ${date} with \`npm run bench -- extraction\` on ${machine.cpuModel}, ${machine.cores} cores, ${machine.platform}, Node ${machine.node}. Load average (1 min) ${loadStart[0]} → ${loadAverage()[0]}.`,
        '',
        `The evaluation set (bench/extraction/*.jsonl, ${cases.length} utterances) is written as Twilio's recognizers write speech (Google and Deepgram on \`<Gather>\` and ConversationRelay: capitals, commas between digit groups, a final full stop or question mark, digits as words or formatted, "at the rate", romanized and Devanagari Hindi), each with the value it should give. It is separate from the unit tables, and is scored here through the real \`voice-agent extract --jsonl\`, as the held-out set is. The columns on the right split it by the caller's language (English: en-US and en-GB).`,
        '',
        ...table,
        '',
        missed.length ? 'Missed:' : 'No case was missed.',
        ...(missed.length ? ['', ...missed.slice(0, 30)] : []),
        '',
        'The unit tables (src/engine/extraction/extraction.rows.ts, in our spelling, and recognizer.rows.ts, as recognizers write) in every way a recognizer may write each row: lower, upper or as said, capitalized or not, ending in nothing, a full stop or a question mark, with commas between digit groups, with ten spelled digits grouped 3-3-4 (recognizer.variants.ts). Free text is left out: it keeps what was said, punctuation included.',
        '',
        ...variants,
        '',
        `Cost per call, in process after a warm-up, the fastest of ${RUNS} runs of each: median ${median} µs over the evaluation set, slowest case ${slowest} µs (dates, which run chrono, are the slowest); the slowest of the 2,000-character inputs built to make a pattern backtrack (long-input.test.ts) took ${longest} µs (${longestWhat}).`,
        '',
        'How the set was made and what it showed: its first 340 cases were written before the recognizer-shaped input work of issue 14 and scored 76% on the code before it (phone numbers 48%: a final full stop dropped the last digit); the last 122 were written after the rules, to check they generalise, and scored 99% on first run (75% on the code before). Forms known not to be read: an email local part whose dot was not said ("john smith" is johnsmith@, decision 0004), a surname-first name with the given name first ("John, Smith." reads as Smith John), semantic synonyms of enum options ("call me" for "phone"), numbers read as years ("nineteen ninety-nine").',
      ].join('\n');
    },
  };
}
