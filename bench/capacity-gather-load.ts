// Gather calls as a person makes them, for the capacity search: each call posts a signed Gather
// result, waits for the TwiML, then pauses (the agent's reply is spoken, the caller answers) before
// the next one. gather-load.ts posts back to back instead, the most load a call can make.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { PreparedCall } from './gather-load.js';

export interface PacedGatherResult {
  /** Latency of each turn sent inside the measured window, in ms. */
  latenciesMs: number[];
  /** Turns answered 200 with a <Gather>, per call, whole run. */
  acknowledged: number[];
  errors: number;
  errorSamples: string[];
  /** Calls that used every prepared turn before the window ended. */
  exhausted: number;
}

export interface PacedGatherOptions {
  warmUpMs: number;
  measureMs: number;
  /** The pause after a reply before the next turn, drawn uniformly. */
  thinkMs: [number, number];
  onWindow?: (phase: 'start' | 'end') => void;
}

/** Turns to prepare per call so that none runs out before the window ends. */
export function turnsNeeded(options: PacedGatherOptions): number {
  return Math.ceil((options.warmUpMs + options.measureMs) / options.thinkMs[0]) + 2;
}

export async function runPacedGather(
  url: string,
  calls: PreparedCall[],
  options: PacedGatherOptions,
): Promise<PacedGatherResult> {
  const pool = new Pool(url, { connections: calls.length, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  const acknowledged = calls.map(() => 0);
  const errorSamples: string[] = [];
  let errors = 0;
  let exhausted = 0;
  const start = performance.now();
  const windowStart = start + options.warmUpMs;
  const windowEnd = windowStart + options.measureMs;
  const timers = [
    setTimeout(() => options.onWindow?.('start'), options.warmUpMs),
    setTimeout(() => options.onWindow?.('end'), options.warmUpMs + options.measureMs),
  ];
  const [thinkMin, thinkMax] = options.thinkMs;

  await Promise.all(
    calls.map(async (call, index) => {
      // Calls start spread over one think time, as they would after ringing at different moments.
      await sleep(Math.random() * thinkMax);
      for (const turn of call.turns) {
        const sent = performance.now();
        if (sent >= windowEnd) return;
        let problem = '';
        try {
          const response = await pool.request({
            method: 'POST',
            path: turn.path,
            headers: turn.headers,
            body: turn.body,
          });
          const body = await response.body.text();
          if (response.statusCode !== 200 || !body.includes('<Gather'))
            problem = `HTTP ${response.statusCode}: ${body.slice(0, 200)}`;
        } catch (error) {
          problem = String(error);
        }
        const done = performance.now();
        if (problem) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(problem);
        } else {
          acknowledged[index]! += 1;
          if (sent >= windowStart) latencies.push(done - sent);
        }
        await sleep(thinkMin + Math.random() * (thinkMax - thinkMin));
      }
      exhausted += 1;
    }),
  );
  for (const timer of timers) clearTimeout(timer);
  await pool.close();
  return { latenciesMs: latencies, acknowledged, errors, errorSamples, exhausted };
}
