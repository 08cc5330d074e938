// One measured run against a started server: a warm-up run first, then the calls, with the server's
// CPU time and memory read from /proc around them, then every acknowledged turn looked for in the store.
//   relay added = (model request arrived − prompt sent) + (first text received − model's first delta sent)
//   gather added = TwiML received − request sent (the scripted policy asks no model)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMicroseconds } from '../cpu-profile-summary.js';
import type { FakeModel } from '../fake-model.js';
import { loadAverage, percentile, round, sortedCopy } from '../stats.js';
import { runQueueWaitMs, treeUsage, watchPeakRss } from './proc-stats.js';
import type { CallPlan, CallRecord } from './call-plan.js';

export interface Summary {
  p50: number;
  p99: number;
  max: number;
}

export interface LevelResult {
  calls: number;
  turns: number;
  thinkMs: [number, number];
  /** Turns with a server-added time. */
  measured: number;
  /** Turns whose whole reply arrived. */
  acknowledged: number;
  addedMs?: Summary;
  /** The two parts of the relay figure: prompt sent → model request arrived … */
  requestLagMs?: Summary;
  /** … and the model's first delta → the first text. */
  firstTextLagMs?: Summary;
  errors: number;
  errorKinds: Record<string, number>;
  /** Acknowledged turns missing from the store; undefined where nothing is stored (the baseline). */
  lostTurns?: number;
  /** Server CPU (its process and descendants) over the run ÷ (calls × turns). */
  cpuPerTurnMs?: number;
  /** The server's event-loop thread waited this long for a CPU others held, ÷ (calls × turns). */
  runQueueWaitPerTurnMs?: number;
  /** dynalite's own process, the same way (DynamoDB in its own process only). */
  storeCpuPerTurnMs?: number;
  /** (Highest RSS during the run − RSS before it) ÷ calls. */
  rssPerCallKiB?: number;
  rssPeakMiB?: number;
  /** This process (callers and fake model): a late timer here counts as server time. */
  harnessLoopMs: { p99: number; max: number };
  load: { before: number[]; after: number[] };
  wallSeconds: number;
  /** The run's start and end on the monotonic clock (µs), to cut a CPU profile to it. */
  windowUs: [number, number];
}

export interface Subject {
  pid: number;
  storePid?: number;
  run(plan: CallPlan): Promise<CallRecord[]>;
  storedTags?(callSid: string): Promise<Set<string>>;
}

interface Analysis {
  added: number[];
  requestLag: number[];
  firstTextLag: number[];
  acknowledged: number;
  errorKinds: Record<string, number>;
}

export function analyse(records: CallRecord[], model: FakeModel | undefined): Analysis {
  const added: number[] = [];
  const requestLag: number[] = [];
  const firstTextLag: number[] = [];
  const errorKinds: Record<string, number> = {};
  const error = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  let acknowledged = 0;
  for (const call of records) {
    if (call.failure) error(`call not connected: ${call.failure.replace(/CA[0-9a-f]{32}/g, 'CA…')}`);
    for (const turn of call.turns) {
      if (turn.error) {
        error(turn.error);
        continue;
      }
      if (turn.lastMs === undefined) continue;
      acknowledged += 1;
      if (turn.firstTextMs === undefined) {
        error('a reply with no text');
        continue;
      }
      if (!model) {
        added.push(turn.lastMs - turn.sentMs);
        continue;
      }
      const reply = model.replies.get(turn.tag);
      const firstDelta = reply?.tokenSentMs[0];
      if (!reply || firstDelta === undefined) {
        error('a reply the model was not asked for');
        continue;
      }
      requestLag.push(reply.arrivedMs - turn.sentMs);
      firstTextLag.push(turn.firstTextMs - firstDelta);
      added.push(reply.arrivedMs - turn.sentMs + (turn.firstTextMs - firstDelta));
    }
  }
  return { added, requestLag, firstTextLag, acknowledged, errorKinds };
}

export function summarise(values: number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = sortedCopy(values);
  return {
    p50: round(percentile(sorted, 50), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted[sorted.length - 1]!, 1),
  };
}

async function lostTurns(subject: Subject, records: CallRecord[]): Promise<number | undefined> {
  if (!subject.storedTags) return undefined;
  let lost = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < records.length; i = next++) {
        const call = records[i]!;
        const acknowledged = call.turns.filter((t) => t.lastMs !== undefined).map((t) => t.tag);
        if (acknowledged.length === 0) continue;
        const stored = await subject.storedTags!(call.callSid);
        lost += acknowledged.filter((tag) => !stored.has(tag)).length;
      }
    }),
  );
  return lost;
}

export async function measureLevel(
  subject: Subject,
  model: FakeModel | undefined,
  plan: CallPlan,
  warmUp: CallPlan,
): Promise<LevelResult> {
  await subject.run(warmUp);
  // Let the warm-up's closing sockets and writes finish outside the window.
  await sleep(1_000);
  const before = treeUsage(subject.pid);
  const waitedBefore = runQueueWaitMs(subject.pid);
  const storeBefore = subject.storePid ? treeUsage(subject.storePid) : undefined;
  const peak = watchPeakRss(subject.pid);
  const harness = monitorEventLoopDelay({ resolution: 5 });
  harness.enable();
  const loadBefore = loadAverage();
  const started = performance.now();
  const windowStart = monotonicMicroseconds();
  const records = await subject.run(plan);
  const windowUs: [number, number] = [windowStart, monotonicMicroseconds()];
  const wallSeconds = round((performance.now() - started) / 1_000, 1);
  const after = treeUsage(subject.pid);
  const waitedAfter = runQueueWaitMs(subject.pid);
  const storeAfter = subject.storePid ? treeUsage(subject.storePid) : undefined;
  const peakRss = peak.stop();
  harness.disable();
  const loadAfter = loadAverage();
  const analysis = analyse(records, model);
  const turns = plan.calls * plan.turns;
  const errors = Object.values(analysis.errorKinds).reduce((a, b) => a + b, 0);
  const lost = await lostTurns(subject, records);
  const addedMs = summarise(analysis.added);
  const requestLagMs = summarise(analysis.requestLag);
  const firstTextLagMs = summarise(analysis.firstTextLag);
  return {
    calls: plan.calls,
    turns: plan.turns,
    thinkMs: plan.thinkMs,
    measured: analysis.added.length,
    acknowledged: analysis.acknowledged,
    ...(addedMs ? { addedMs } : {}),
    ...(requestLagMs ? { requestLagMs } : {}),
    ...(firstTextLagMs ? { firstTextLagMs } : {}),
    errors,
    errorKinds: analysis.errorKinds,
    ...(lost !== undefined ? { lostTurns: lost } : {}),
    ...(before && after ? { cpuPerTurnMs: round((after.cpuMs - before.cpuMs) / turns, 2) } : {}),
    ...(waitedBefore !== undefined && waitedAfter !== undefined
      ? { runQueueWaitPerTurnMs: round((waitedAfter - waitedBefore) / turns, 2) }
      : {}),
    ...(storeBefore && storeAfter
      ? { storeCpuPerTurnMs: round((storeAfter.cpuMs - storeBefore.cpuMs) / turns, 2) }
      : {}),
    ...(before
      ? {
          rssPerCallKiB: round(Math.max(0, peakRss - before.rssBytes) / plan.calls / 1_024, 0),
          rssPeakMiB: round(peakRss / 1_024 ** 2, 1),
        }
      : {}),
    harnessLoopMs: { p99: round(harness.percentile(99) / 1e6, 1), max: round(harness.max / 1e6, 1) },
    load: { before: loadBefore, after: loadAfter },
    wallSeconds,
    windowUs,
  };
}
