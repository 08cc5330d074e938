// CPU time and resident memory of a process and its descendants, from /proc (Linux): a server whose
// store runs in a child process or a worker is charged for all of it. Elsewhere: undefined.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { descendants } from './processes.js';

export interface Usage {
  /** user + system CPU time (/proc/PID/stat fields 14 and 15), summed over the tree. */
  cpuMs: number;
  /** Resident set size (VmRSS), summed over the tree. */
  rssBytes: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function one(pid: number): Usage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { cpuMs: (ticks * 1_000) / clockTicks(), rssBytes: rssKiB * 1_024 };
  } catch {
    return undefined;
  }
}

/** The process `pid` and its descendants; undefined when /proc cannot tell. */
export function treeUsage(pid: number): Usage | undefined {
  const root = one(pid);
  if (!root) return undefined;
  for (const child of descendants(pid)) {
    const usage = one(child);
    if (!usage) continue;
    root.cpuMs += usage.cpuMs;
    root.rssBytes += usage.rssBytes;
  }
  return root;
}

/**
 * How long the process's main thread (the event loop) has waited, runnable, for a CPU that something
 * else held (/proc/PID/schedstat, field 2): on a shared machine, the part of the latency the server
 * did not cause.
 */
export function runQueueWaitMs(pid: number): number | undefined {
  try {
    const waitedNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the tree's RSS every `everyMs` until stopped; returns the highest seen. */
export function watchPeakRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = treeUsage(pid)?.rssBytes ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeUsage(pid)?.rssBytes ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, treeUsage(pid)?.rssBytes ?? 0);
      return peak;
    },
  };
}
