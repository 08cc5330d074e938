import type { TurnReply, TurnStream } from '../ports/reply-policy.js';

export interface BudgetOptions {
  budgetMs: number;
  /** An outside abort (the caller interrupted): the policy is cancelled and its text so far returned. */
  signal?: AbortSignal;
  onText?: (delta: string) => void;
}

/** The budget ran out: how long the policy ran, and its reply if it settled once cancelled. */
export interface BudgetExceeded {
  timedOut: true;
  budgetMs: number;
  elapsedMs: number;
  /** The cancelled policy's own reply (tokens spent so far, its latency), when it came within grace. */
  late?: TurnReply;
}

// A cancelled policy settles within a few ticks (its model request rejects on the abort); waiting a
// little for it lets the turn keep the tokens and latency it spent. Bounded: the caller is waiting.
const LATE_REPLY_GRACE_MS = 150;

export function isBudgetExceeded(reply: TurnReply | BudgetExceeded): reply is BudgetExceeded {
  return (reply as BudgetExceeded).timedOut === true;
}

/**
 * Runs one policy turn within a time budget. Past the budget the policy's signal is aborted (so a
 * provider's HTTP request is cancelled) and a BudgetExceeded is returned; a late reply's text is dropped.
 */
export async function runWithBudget(
  start: (signal: AbortSignal) => TurnStream,
  options: BudgetOptions,
): Promise<TurnReply | BudgetExceeded> {
  const started = performance.now();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // Aborted before the policy starts (a barge-in during the turn's store reads): the listener above
  // never fires, so the policy must see the abort now or it would run, and spend, to the end.
  if (options.signal?.aborted) onOuterAbort();
  let timer: NodeJS.Timeout | undefined;
  let streamed = '';
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('turn budget exceeded'));
      resolve('timeout');
    }, options.budgetMs);
  });
  const interrupted = new Promise<TurnReply>((resolve) => {
    if (options.signal?.aborted) resolve({ text: streamed, extracted: {} });
    options.signal?.addEventListener('abort', () => resolve({ text: streamed, extracted: {} }), {
      once: true,
    });
  });
  const work = (async (): Promise<TurnReply> => {
    const stream = start(controller.signal);
    for await (const delta of stream.textStream) {
      if (controller.signal.aborted) break;
      streamed += delta;
      options.onText?.(delta);
    }
    return stream.reply;
  })();
  // A rejected policy after the race is decided must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    const winner = await Promise.race([work, timedOut, interrupted]);
    if (winner !== 'timeout') return winner;
    const elapsedMs = Math.round(performance.now() - started);
    const late = await settledWithin(work, LATE_REPLY_GRACE_MS);
    return { timedOut: true, budgetMs: options.budgetMs, elapsedMs, ...(late ? { late } : {}) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function settledWithin(work: Promise<TurnReply>, ms: number): Promise<TurnReply | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}
