import type { TimelineMoment, TimelineSpan, TurnTimeline } from '../domain/call.js';

/**
 * The time the model kept the caller waiting before the reply started out: from the request to the
 * first token when text went out while the model was still writing (relay), to the last token when
 * the whole reply had to be known first (Gather's TwiML). Tools the model called run inside it.
 */
export function modelWaitMs(timeline: TurnTimeline): number {
  const { model_request: request, first_token: first, model_done: done } = timeline;
  if (request === undefined) return 0;
  const out = timeline.first_text_out ?? timeline.stored;
  const end = done !== undefined && (out === undefined || out >= done) ? done : first;
  return end === undefined ? 0 : Math.max(0, end - request);
}

/**
 * The time this server added to a turn: from input received to the reply going out, less the wait
 * for the model. Undefined when the timeline does not say when the reply went out.
 */
export function serverAddedMs(timeline: TurnTimeline): number | undefined {
  const out = timeline.first_text_out ?? timeline.stored;
  if (out === undefined) return undefined;
  return Math.max(0, out - modelWaitMs(timeline));
}

/** From the model request to its first token, when both were marked. */
export function modelFirstTokenMs(timeline: TurnTimeline): number | undefined {
  const { model_request: request, first_token: first } = timeline;
  return request === undefined || first === undefined ? undefined : Math.max(0, first - request);
}

export type TimelineMark = Exclude<keyof TurnTimeline, 'received' | 'tools' | 'twilio'>;

/**
 * Records a turn's moments as it runs: a few number writes per turn, no allocation beyond the
 * timeline itself. `now` is a monotonic clock in ms (performance.now), read once per mark.
 */
export class TimelineClock {
  readonly #startedAt: number;
  readonly #now: () => number;
  readonly timeline: TurnTimeline = { received: 0 };

  constructor(now: () => number, startedAt = now()) {
    this.#now = now;
    this.#startedAt = startedAt;
  }

  /** Ms since input received, rounded to whole ms. */
  elapsed(): number {
    return Math.round(this.#now() - this.#startedAt);
  }

  /** Marks a moment once: a second mark of the same name keeps the first. */
  mark(name: TimelineMark): void {
    this.timeline[name] ??= this.elapsed();
  }

  /** Starts a tool call; the returned function ends it. */
  tool(name: string): (ok?: boolean) => void {
    const span: TimelineSpan = { name, start: this.elapsed(), end: 0 };
    (this.timeline.tools ??= []).push(span);
    return (ok) => {
      span.end = this.elapsed();
      if (ok !== undefined) span.ok = ok;
    };
  }

  /** Something Twilio reported about the turn (a ConversationRelay `info` event). */
  twilio(name: string): TimelineMoment {
    const moment = { name, at: this.elapsed() };
    (this.timeline.twilio ??= []).push(moment);
    return moment;
  }
}
