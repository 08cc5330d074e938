// Moments of a stored turn that came after its store (TurnTimeline explains why there are any).
import type { TimelineMoment, TurnTimeline } from './call.js';

// A turn keeps this many of Twilio's reports at most: a chatty or hostile socket cannot grow it.
export const MAX_TWILIO_MOMENTS = 16;

/** The late moments of turn `seq`, in ms on that turn's own clock. Names and numbers only. */
export interface LateMoments {
  seq: number;
  /** The answer holding the reply went out (a Gather turn's TwiML, a web call's reply). */
  first_text_out?: number;
  twilio?: TimelineMoment[];
}

/**
 * A timeline (or late moments held for one) with late moments added: a moment it holds already is
 * kept (the first mark wins, as on the clock), Twilio's reports are merged in time order, at most
 * MAX_TWILIO_MOMENTS.
 */
export function withLateMoments<T extends Pick<TurnTimeline, 'first_text_out' | 'twilio'>>(
  target: T,
  late: Omit<LateMoments, 'seq'>,
): T {
  const merged: T = { ...target };
  if (late.first_text_out !== undefined) merged.first_text_out ??= late.first_text_out;
  if (late.twilio?.length) {
    merged.twilio = [...(target.twilio ?? []), ...late.twilio]
      .sort((a, b) => a.at - b.at)
      .slice(0, MAX_TWILIO_MOMENTS);
  }
  return merged;
}
