// CPU per operation of this process, around N operations run in `lanes` concurrent loops after a warm-up.
import { round } from '../stats.js';

/** Timed operations per figure, untimed ones before, how many run at once in the concurrent figure. */
export interface MicroBenchOptions {
  count: number;
  warmUp: number;
  lanes: number;
  log: (line: string) => void;
}

export interface CpuFigure {
  /** Microseconds of user+system CPU per operation. */
  cpuUs: number;
  /** Wall-clock microseconds per operation (with `lanes` in flight, the time to get through N). */
  wallUs: number;
}

/**
 * Runs `operation(lane, i)` `count` times over `lanes` concurrent loops (each loop waits for its own
 * previous operation), after `warmUp` untimed runs.
 */
export async function measureCpu(
  operation: (lane: number, index: number) => Promise<unknown>,
  options: { count: number; lanes: number; warmUp: number },
): Promise<CpuFigure> {
  const run = async (count: number, offset: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: options.lanes }, async (_, lane) => {
        while (next < count) {
          const index = next;
          next += 1;
          await operation(lane, offset + index);
        }
      }),
    );
  };
  await run(options.warmUp, 0);
  globalThis.gc?.();
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  await run(options.count, options.warmUp);
  const wallMs = performance.now() - startWall;
  const cpu = process.cpuUsage(startCpu);
  return {
    cpuUs: round((cpu.user + cpu.system) / options.count, 0),
    wallUs: round((wallMs * 1_000) / options.count, 0),
  };
}
