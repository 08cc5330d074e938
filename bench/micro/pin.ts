// Best effort: pins a process to one CPU with taskset (Linux), so a client and the server it talks to
// do not share a core. Returns whether it did.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export function pinToCpu(pid: number, cpu: number): boolean {
  if (process.platform !== 'linux' || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
