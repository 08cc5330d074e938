// A process's garbage-collection pauses, for the realtime benchmark: counted over a window, and with
// BENCH_REALTIME_DUMP set also written out (start on the shared monotonic clock, duration, kind) to lay
// beside the latency samples and see which process held them up.
import { appendFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { monotonicMs } from './realtime-tags.js';

export interface GcPauses {
  count: number;
  /** Of which full (mark-compact) collections. */
  full: number;
  totalMs: number;
  maxMs: number;
}

/** Starts counting; `reset` starts again, `read` says how many so far. `who` names the dump file. */
export function watchGc(who: string): { reset(): void; read(): GcPauses } {
  const pauses: GcPauses = { count: 0, full: 0, totalMs: 0, maxMs: 0 };
  const dump = process.env.BENCH_REALTIME_DUMP;
  // performance.now() + offset = monotonicMs(): both count from the same clock.
  const offset = monotonicMs() - performance.now();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.count += 1;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) pauses.full += 1;
      if (dump)
        appendFileSync(
          `${dump}-gc-${who}.txt`,
          `${(entry.startTime + offset).toFixed(3)} ${entry.duration.toFixed(3)} ${String(kind)}\n`,
        );
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    reset: () => Object.assign(pauses, { count: 0, full: 0, totalMs: 0, maxMs: 0 }),
    read: () => ({
      count: pauses.count,
      full: pauses.full,
      totalMs: Math.round(pauses.totalMs),
      maxMs: Math.round(pauses.maxMs * 10) / 10,
    }),
  };
}
