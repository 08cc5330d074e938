// A run of simulated calls: how many, how many turns each, how far apart, and what each turn saw.
import { setTimeout as sleep } from 'node:timers/promises';

export interface CallPlan {
  calls: number;
  turns: number;
  /** Pause before each prompt, drawn uniformly from [min, max]. */
  thinkMs: [number, number];
  /** Calls start evenly spread over this long. */
  rampMs: number;
  replyTimeoutMs: number;
  /** Call numbers start here, so the fake model's tags stay unique across runs on one model. */
  firstIndex: number;
}

export interface TurnRecord {
  tag: string;
  sentMs: number;
  /** The first `text` with a non-empty token. */
  firstTextMs?: number;
  /** `last:true` arrived: the turn is acknowledged. */
  lastMs?: number;
  error?: string;
}

export interface CallRecord {
  index: number;
  callSid: string;
  turns: TurnRecord[];
  /** The call never reached its first prompt. */
  failure?: string;
}

// One seed per call: runs draw the same think times.
export function seeded(seed: number): () => number {
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

export const callerNumber = (index: number) => `+1415556${String(index % 10_000).padStart(4, '0')}`;

/** Starts `plan.calls` calls evenly over `plan.rampMs`, numbered from `plan.firstIndex`. */
export function startCalls(
  plan: CallPlan,
  call: (index: number) => Promise<CallRecord>,
): Promise<CallRecord[]> {
  return Promise.all(
    Array.from({ length: plan.calls }, async (_, i) => {
      await sleep((i * plan.rampMs) / Math.max(plan.calls, 1));
      return call(plan.firstIndex + i);
    }),
  );
}
