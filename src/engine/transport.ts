// The seam between a transport and the engine. A transport (src/transports/<name>/) is a codec plus a
// thin binding to its webhook or socket: it turns what its wire says into calls on the call's
// TurnRunner (a turn, an interrupt, the caller or the agent speaking) and gives the runner this
// output for what goes back. Turn numbers, cutting off the running answer, what the caller heard, the
// silence and deadline clocks, and what ending or transferring the call means are the runner's.
//
// How Media Streams with a realtime speech-to-speech model would plug in (not built): a folder
// src/transports/media/ with the <Connect><Stream> answer, the socket binding and the audio codec. The
// model does its own turn detection and speaks itself, so its binding hands each finished exchange to
// the runner as a turn whose reply is already given (a ReplyPolicy that returns the model's transcript,
// so the turn is stored, counted and ended like any other), calls interrupt() with the transcript of
// what was played when the caller barges in, and implements `end` by closing the stream with the
// handoff; `speak` stays unused, since the audio never passes through text.
import type { TransferTarget } from '../domain/agent.js';
import type { EndedBy } from '../domain/call.js';

/** What a turn that ends the call asks of the transport. */
export type CallEnd = { kind: 'hangup'; endedBy: EndedBy } | { kind: 'transfer'; target: TransferTarget };

/** What goes back to the caller; every part is optional (a webhook transport answers from the result). */
export interface TransportOutput {
  /**
   * Part of the running reply, sent in the tick the policy produced it. False when it could not go
   * out (the socket is gone): it was then not heard.
   */
  speak?(text: string): boolean;
  /** A line that covers a slow reply: not part of the reply, and the reply's first words may cut it. */
  filler?(text: string): boolean;
  /** The reply of the turn is complete (ConversationRelay: `last: true`). */
  replied?(): void;
  /** The call is over after this turn's reply: hang up, or hand the call to a transfer target. */
  end?(end: CallEnd): void | Promise<void>;
}

/** Where the runner logs: pino's (and Fastify's) logger fits. Messages never quote the caller. */
export interface TurnLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
