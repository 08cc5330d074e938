// Which CPUs a benchmark process may run on, with taskset (util-linux). A server measured "on one core"
// is started on one CPU with every thread it will have (taskset CPUS node …); the load process moves
// itself, all its threads (-a), to the other CPUs and back when the run is over. What the server
// starts itself (the embedded DynamoDB stand-in) is moved off the server's CPU: it plays an outside
// service.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The CPUs of a two-way split, when taskset exists and the machine has two CPUs or more. */
export interface CpuSplit {
  /** The server's CPU ("0"). */
  server: string;
  /** Everything else: the load process and the fakes ("1" or "1-N"). */
  rest: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The server on CPU 0, the rest on the others; undefined when the machine cannot be split. */
export function cpuSplit(): CpuSplit | undefined {
  const count = cpus().length;
  if (count < 2 || process.platform !== 'linux' || !hasTaskset()) return undefined;
  return { server: '0', rest: count === 2 ? '1' : `1-${count - 1}` };
}

/** The CPU list a process may run on now ("0,1", "0-3"). */
export function affinityOf(pid: number): string {
  // "pid 123's current affinity list: 0,1"
  const line = execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  return line.slice(line.lastIndexOf(':') + 1).trim();
}

/** Moves every thread of `pid` to `cpuList`. */
export function pin(pid: number, cpuList: string): void {
  execFileSync('taskset', ['-a', '-cp', cpuList, String(pid)], { stdio: 'ignore' });
}

/** The processes `pid` started (pgrep -P), none when pgrep is missing. */
export function childrenOf(pid: number): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** The command line that starts `command args` on `cpuList` (what startBenchChild spawns). */
export function pinnedCommand(cpuList: string, command: string, args: string[]): [string, string[]] {
  return ['taskset', ['--cpu-list', cpuList, command, ...args]];
}

// /proc/stat counts in USER_HZ ticks, 100 a second on Linux.
const MS_PER_TICK = 10;

/** ms the CPU has spent busy (not idle or waiting for I/O) since boot, from /proc/stat; NaN elsewhere. */
export function cpuBusyMs(cpu: number): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${cpu} `));
    if (!line) return NaN;
    // user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * MS_PER_TICK;
  } catch {
    return NaN;
  }
}
