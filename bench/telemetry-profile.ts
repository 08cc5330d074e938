// BENCH_TELEMETRY_PROFILE=on: the telemetry benchmark's server children run under `node --cpu-prof`,
// and each run's profile, cut to the measured window, says where its CPU went. Tracing on minus off,
// per package and per function, in µs per turn: where the extra time goes. BENCH_TELEMETRY_PROFILE=DIR
// (an absolute path) also keeps the .cpuprofile files there, for a closer look in a profile viewer.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { readProfile, summariseProfiles } from './cpu-profile-summary.js';
import { round } from './stats.js';

const setting = () => process.env.BENCH_TELEMETRY_PROFILE ?? '';
const keepDir = () => (isAbsolute(setting()) ? setting() : undefined);

export const profilingOn = () => /^(1|on|true|yes)$/i.test(setting()) || keepDir() !== undefined;

/** Self time per turn (µs) of one run's server: main thread busy, and by package and by function. */
export interface RunProfile {
  busyUs: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
}

/** A directory for one child's profile, and the flags that make the child write it there. */
export function profileFlags(label: string): { dir: string; execArgv: string[] } {
  const keep = keepDir();
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = mkdtempSync(keep ? join(keep, `${label}-`) : join(tmpdir(), 'voice-agent-telemetry-prof-'));
  return { dir, execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] };
}

/** Reads the profile the stopped child wrote into `dir` (then removes it), per measured turn. */
export function readRunProfile(dir: string, windowUs: [number, number], turns: number): RunProfile {
  try {
    if (keepDir()) writeFileSync(join(dir, 'window.json'), JSON.stringify({ windowUs, turns }));
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    const summary = summariseProfiles(
      files.map((f) => readProfile(join(dir, f))),
      { count: Number.MAX_SAFE_INTEGER, windowUs },
    );
    const perTurn = (ms: number) => (ms * 1_000) / Math.max(1, turns);
    return {
      busyUs: perTurn(summary.busyMs),
      byPackage: new Map(summary.byPackage.map((s) => [s.name, perTurn(s.ms)])),
      byFunction: new Map(summary.byFunction.map((s) => [s.name, perTurn(s.ms)])),
    };
  } finally {
    if (!keepDir()) rmSync(dir, { recursive: true, force: true });
  }
}

const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Mean per-turn self time of each name, tracing on minus off, largest first. */
function differences(off: Map<string, number>[], on: Map<string, number>[], count: number) {
  const names = new Set([...off, ...on].flatMap((m) => [...m.keys()]));
  return [...names]
    .map((name) => {
      const offUs = meanOf(off.map((m) => m.get(name) ?? 0));
      const onUs = meanOf(on.map((m) => m.get(name) ?? 0));
      return { name, offUs, onUs, diffUs: onUs - offUs };
    })
    .sort((a, b) => Math.abs(b.diffUs) - Math.abs(a.diffUs))
    .slice(0, count);
}

/** A table of the names whose self time per turn differs most between off and on. */
function differenceTable(
  heading: string,
  off: Map<string, number>[],
  on: Map<string, number>[],
  count: number,
) {
  const signed = (us: number) => `${us > 0 ? '+' : ''}${round(us, 0)}`;
  return [
    `| ${heading} | Off µs/turn | On µs/turn | On − off |`,
    '| --- | ---: | ---: | ---: |',
    ...differences(off, on, count).map(
      (d) =>
        `| ${d.name.replace(/\|/g, '\\|')} | ${round(d.offUs, 0)} | ${round(d.onUs, 0)} | ${signed(d.diffUs)} |`,
    ),
  ];
}

/** Markdown: main-thread busy time per turn off and on, and the packages and functions that differ most. */
export function profileDifferenceMarkdown(off: RunProfile[], on: RunProfile[], count = 12): string {
  const busyOff = meanOf(off.map((p) => p.busyUs));
  const busyOn = meanOf(on.map((p) => p.busyUs));
  const busyDiff = busyOn - busyOff;
  return [
    `CPU profiles of the server's main thread (\`node --cpu-prof\`, BENCH_TELEMETRY_PROFILE), cut to the ` +
      `measured window, self time in µs per turn, mean of ${off.length} run(s) each: busy ${round(busyOff, 0)} off, ` +
      `${round(busyOn, 0)} on (${busyDiff >= 0 ? '+' : ''}${round(busyDiff, 0)}). The packages and ` +
      'functions that differ most:',
    ...(
      [
        ['Package', 'byPackage'],
        ['Function', 'byFunction'],
      ] as const
    ).flatMap(([heading, key]) => [
      '',
      ...differenceTable(
        heading,
        off.map((p) => p[key]),
        on.map((p) => p[key]),
        count,
      ),
    ]),
  ].join('\n');
}
