// The processes the side-by-side benchmark starts (servers, dynalite, the baseline), pinned to a core
// with taskset when the machine has one to spare, and never left behind: every process started here is
// killed with its descendants when the benchmark ends, fails, or is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

export interface Tracked {
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM (a graceful stop: a server drains, and `--cpu-prof` writes its profile), then SIGKILL. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<number>();
const atExitWork: (() => void)[] = [];
let hooksInstalled = false;

/** Children of `pid` and theirs, from /proc (empty where there is no /proc). */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    try {
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function signalTree(pid: number, name: NodeJS.Signals): void {
  for (const target of [...descendants(pid), pid]) signal(target, name);
}

function killAll(): void {
  for (const pid of live) signalTree(pid, 'SIGKILL');
  live.clear();
  for (const work of atExitWork.splice(0)) {
    try {
      work();
    } catch {
      // Best effort: the process is ending.
    }
  }
}

/** Synchronous clean-up for an interrupted run (the files it leaves), run once at exit or on a signal. */
export function atExit(work: () => void): void {
  installHooks();
  atExitWork.push(work);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

let tasksetChecked: boolean | undefined;

/** taskset (util-linux) is there and the machine has a second core for the load. */
export function canPin(): boolean {
  if (tasksetChecked === undefined) {
    tasksetChecked =
      process.platform === 'linux' &&
      cpus().length >= 2 &&
      spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  }
  return tasksetChecked;
}

/** Pins this process (all its threads) to `cpuList` ("1", "0-1"); false when it cannot. */
export function pinSelf(cpuList: string): boolean {
  if (!canPin()) return false;
  return (
    spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' }).status === 0
  );
}

export interface StartOptions {
  /** Run on this core only (taskset -c), when the machine allows it. */
  cpu?: number;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr go here (appended). */
  logFile: string;
}

export function startProcess(command: string, args: string[], options: StartOptions): Tracked {
  installHooks();
  const pinned = options.cpu !== undefined && canPin();
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    pinned ? 'taskset' : command,
    pinned ? ['-c', String(options.cpu), command, ...args] : args,
    { env: options.env, cwd: options.cwd, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  live.add(pid);
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      live.delete(pid);
      done(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      live.delete(pid);
      done(String(error));
    });
  });
  return {
    pid,
    exited,
    async stop(graceMs = 15_000) {
      if (!live.has(pid)) return;
      // Listed now: once the process is gone its children belong to init and cannot be found.
      const started = descendants(pid);
      // The process alone: it stops what it started in its own order (a server drains first).
      signal(pid, 'SIGTERM');
      const timer = setTimeout(() => signalTree(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      for (const left of started) signal(left, 'SIGKILL');
    },
  };
}
