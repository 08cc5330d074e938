/**
 * When the moments of one turn happened, in ms after its input arrived (performance.now(), so a
 * clock change cannot skew them). The runner and the conversation set them as the turn goes; each is
 * set once. Cheap enough for every turn: one small object.
 */
export interface TurnMarks {
  /** performance.now() when the transport received the input. */
  readonly inputAt: number;
  /** The policy was asked (for a model: the request is being sent). */
  policyStart?: number;
  /** The policy's first text (a model's first token). */
  firstText?: number;
  /** The first text went out to the caller (streaming transports). */
  firstOut?: number;
  /** The policy's reply is complete. */
  policyDone?: number;
  /** The turn is stored: from here on the caller may hear it. */
  stored?: number;
}

export type TurnMark = Exclude<keyof TurnMarks, 'inputAt'>;

export function startMarks(): TurnMarks {
  return { inputAt: performance.now() };
}

/** Sets `name` to now, unless it is set already. */
export function mark(marks: TurnMarks | undefined, name: TurnMark): void {
  if (marks && marks[name] === undefined)
    marks[name] = Math.round((performance.now() - marks.inputAt) * 10) / 10;
}
