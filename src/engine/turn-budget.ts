import type { TurnReply, TurnStream } from '../ports/reply-policy.js';

export interface BudgetOptions {
  budgetMs: number;
  /** An outside abort (the caller interrupted): the policy is cancelled and its text so far returned. */
  signal?: AbortSignal;
  onText?: (delta: string) => void;
}

/**
 * Runs one policy turn within a time budget. Past the budget the policy's signal is aborted (so a
 * provider's HTTP request is cancelled) and 'timeout' is returned; a late reply is dropped.
 */
export async function runWithBudget(
  start: (signal: AbortSignal) => TurnStream,
  options: BudgetOptions,
): Promise<TurnReply | 'timeout'> {
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
    return await Promise.race([work, timedOut, interrupted]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
