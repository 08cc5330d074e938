// Where a process's CPU time went, from the .cpuprofile files `node --cpu-prof` writes: self time by
// package (node_modules/<package>, our src/<folder>, Node's own modules, the garbage collector) and
// the functions with the most self time.
//   npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [MORE…]
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  /** Microseconds on the monotonic clock, which on Linux is process.hrtime's in every process. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  /** Of the busy time (everything but idle). */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time other than (idle), ms. */
  busyMs: number;
  idleMs: number;
  byPackage: Share[];
  byFunction: Share[];
}

const ROOT = resolve(import.meta.dirname, '..');

/** The package a frame belongs to: "ws", "@smithy/core", "voice-agent src/engine", "node:http"… */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native code)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith('wasm:')) return 'wasm';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node:${parts[0] === 'internal' && parts.length > 2 ? parts[1] : parts[parts.length - 1]}`;
  }
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const inside = relative(ROOT, path);
  if (inside.startsWith('..')) return path;
  const folders = inside.split('/').slice(0, -1);
  return `voice-agent ${folders.slice(0, 2).join('/') || inside}`;
}

function where(url: string, line: number): string {
  if (!url) return '';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('node_modules/');
  const short = modules >= 0 ? path.slice(modules + 'node_modules/'.length) : relative(ROOT, path);
  // tsx runs our TypeScript compiled onto one line: a line number there says nothing.
  return `${short.startsWith('..') ? path : short}${line > 0 ? `:${line + 1}` : ''}`;
}

function top(totals: Map<string, number>, busyMs: number, count: number): Share[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 1_000),
      percent: busyMs > 0 ? Math.round((us / 10 / busyMs) * 10) / 10 : 0,
    }));
}

/** Microseconds on the clock of a profile's startTime (process.hrtime): to cut a profile to a run. */
export const monotonicMicroseconds = () => Number(process.hrtime.bigint() / 1_000n);

/**
 * Self time per package and per function over one or more profiles; with `windowUs`, only the samples
 * taken inside it (from monotonicMicroseconds()), so a server's start-up does not count.
 */
export function summariseProfiles(
  profiles: CpuProfile[],
  { count = 12, windowUs }: { count?: number; windowUs?: [number, number] } = {},
): ProfileSummary {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0;
      if (windowUs && (at < windowUs[0] || at > windowUs[1])) return;
      // A sample lasts until the next one.
      const us = profile.timeDeltas[i + 1] ?? 0;
      const frame = nodes.get(id)?.callFrame;
      if (!frame) return;
      if (frame.functionName === '(idle)') {
        idleUs += us;
        return;
      }
      busyUs += us;
      const pkg = packageOf(frame.url, frame.functionName);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
      const name = `${frame.functionName || '(anonymous)'} ${where(frame.url, frame.lineNumber)}`.trim();
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    });
  }
  const busyMs = busyUs / 1_000;
  return {
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleUs / 1_000),
    byPackage: top(byPackage, busyMs, count),
    byFunction: top(byFunction, busyMs, count),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** Two Markdown tables: self time by package, and by function. */
export function profileMarkdown(summary: ProfileSummary): string {
  const rows = (shares: Share[]) =>
    shares.map((s) => `| ${s.name.replace(/\|/g, '\\|')} | ${s.ms} | ${s.percent} |`);
  return [
    `Busy ${summary.busyMs} ms of CPU sampled (idle ${summary.idleMs} ms).`,
    '',
    '| Package | Self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(summary.byPackage),
    '',
    '| Function | Self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(summary.byFunction),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [MORE…]\n');
    process.exit(2);
  }
  process.stdout.write(profileMarkdown(summariseProfiles(files.map(readProfile), { count: 20 })));
}
