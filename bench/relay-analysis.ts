// Turns the relay load's records and the fake model's send times (one clock) into latency figures.
// Server-added first-token latency, as reliability.md §5.1 defines it:
//   (model request arrived − prompt sent) + (our first text received − model's first token sent).
import { BENCH_REPLY_TOKENS, benchTag, type FakeModel } from './fake-model.js';
import type { RelayLoadResult, RelayTargetKind } from './relay-load.js';
import { percentile, round, sortedCopy } from './stats.js';

export interface Summary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export interface RelayAnalysis {
  /** Turns whose prompt was sent inside the measured window. */
  measuredTurns: number;
  turnsPerSecond: number;
  /** app: request lag + first-token lag; echo: the prompt's round trip. */
  serverAddedMs: Summary;
  /** Prompt sent → the model's request arrived. */
  requestLagMs?: Summary;
  /** The model's first token sent → our first text received. */
  firstTokenLagMs?: Summary;
  /** Prompt sent → our first text received (includes the model's TTFT). */
  promptToFirstTextMs?: Summary;
  /** Each later text: the model token that completed it was sent → the text received. */
  laterTextLagMs?: Summary;
  /** The model's last chunk sent → our `last:true` (the turn is stored in between). */
  lastLagMs?: Summary;
  /** Turns acknowledged (whole reply received), per call index, whole run. */
  acknowledgedByCall: Map<number, number>;
  errors: number;
  /** Errors grouped by kind (numbers masked), most frequent first: "12 × no complete reply within # ms". */
  errorSamples: string[];
}

/** Groups error messages by kind: the call and turn prefix dropped and numbers masked. */
export function errorKinds(errors: string[], limit = 4): string[] {
  const kinds = new Map<string, number>();
  for (const error of errors) {
    const kind = error.replace(/^call \d+( turn \d+)?: /, '').replace(/\d+/g, '#');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([kind, count]) => `${count} × ${kind}`);
}

function summary(values: number[]): Summary {
  const sorted = sortedCopy(values);
  return {
    p50: round(percentile(sorted, 50), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(percentile(sorted, 100), 2),
    count: sorted.length,
  };
}

const EXPECTED_TEXT = BENCH_REPLY_TOKENS.join('');

export function analyzeRelay(load: RelayLoadResult, kind: RelayTargetKind, model?: FakeModel): RelayAnalysis {
  const added: number[] = [];
  const requestLag: number[] = [];
  const firstLag: number[] = [];
  const promptToFirst: number[] = [];
  const laterLag: number[] = [];
  const lastLag: number[] = [];
  const acknowledgedByCall = new Map<number, number>();
  const errors = [...load.errors];
  let measured = 0;

  for (const turn of load.turns) {
    const inWindow = turn.promptMs >= load.windowStartMs && turn.promptMs < load.windowEndMs;
    if (turn.error) {
      errors.push(`call ${turn.call} turn ${turn.turn}: ${turn.error}`);
      continue;
    }
    if (kind === 'app' && turn.text !== EXPECTED_TEXT) {
      errors.push(`call ${turn.call} turn ${turn.turn}: heard ${JSON.stringify(turn.text.slice(0, 80))}`);
      continue;
    }
    acknowledgedByCall.set(turn.call, (acknowledgedByCall.get(turn.call) ?? 0) + 1);
    if (!inWindow) continue;
    measured += 1;
    if (kind === 'echo') {
      added.push(turn.lastMs! - turn.promptMs);
      continue;
    }
    const reply = model?.replies.get(benchTag(turn.call, turn.turn));
    const first = turn.pieces[0];
    if (!reply || !first || reply.tokenSentMs.length === 0) {
      errors.push(`call ${turn.call} turn ${turn.turn}: no model request recorded for it`);
      continue;
    }
    const toModel = reply.arrivedMs - turn.promptMs;
    const fromModel = first.atMs - reply.tokenSentMs[0]!;
    requestLag.push(toModel);
    firstLag.push(fromModel);
    added.push(toModel + fromModel);
    promptToFirst.push(first.atMs - turn.promptMs);
    for (const piece of turn.pieces.slice(1)) {
      const token = reply.tokenEndChars.findIndex((chars) => chars >= piece.endChars);
      if (token >= 0) laterLag.push(piece.atMs - reply.tokenSentMs[token]!);
    }
    if (reply.doneMs !== undefined) lastLag.push(turn.lastMs! - reply.doneMs);
  }
  if (model) {
    const aborted = [...model.replies.values()].filter((reply) => reply.aborted).length;
    // The server cut them off: a turn over its time budget, or a caller who hung up waiting.
    if (aborted > 0) errors.push(`${aborted} model streams cut off before their end`);
  }
  const measureSeconds = (load.windowEndMs - load.windowStartMs) / 1_000;
  return {
    measuredTurns: measured,
    turnsPerSecond: round(measured / measureSeconds, 0),
    serverAddedMs: summary(added),
    ...(kind === 'app'
      ? {
          requestLagMs: summary(requestLag),
          firstTokenLagMs: summary(firstLag),
          promptToFirstTextMs: summary(promptToFirst),
          laterTextLagMs: summary(laterLag),
          lastLagMs: summary(lastLag),
        }
      : {}),
    acknowledgedByCall,
    errors: errors.length,
    errorSamples: errorKinds(errors),
  };
}
