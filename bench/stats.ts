// Small statistics for benchmark samples.
import { cpus, loadavg, totalmem } from 'node:os';

/** The p-th percentile (0-100) of sorted values, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export const round = (value: number, digits = 1) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export const loadAverage = () => loadavg().map((v) => round(v, 2));

/**
 * The run's load averages, and what they say: a 1-minute load under half a core at the start means
 * nothing else was running (the load at the end is the benchmark's own processes).
 */
export function loadSentence(start: number[], end: number[], cores: number): string {
  const figures = `Load average (1, 5, 15 min) at the start ${start.join(', ')}, at the end ${end.join(', ')}: `;
  return (start[0] ?? 0) < Math.min(0.5, cores / 4)
    ? `${figures}the machine was otherwise idle when the run started (the load at the end is the benchmark's own).`
    : `${figures}the machine was shared with other work, so treat the figures as a floor, not a ceiling.`;
}

// Student's t, two-sided 95 %, for 1 to 10 degrees of freedom (beyond: 2.0 is near enough).
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23];

/** The mean of a small sample and the half-width of its 95 % confidence interval (NaN for one value). */
export function meanInterval(values: number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  if (n < 2) return { mean, halfWidth: Number.NaN };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: (T95[n - 2] ?? 2) * Math.sqrt(variance / n) };
}
