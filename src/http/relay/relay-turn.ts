// One caller input on a relay socket: runs the engine's turn and streams the reply to Twilio as the
// model produces it, cut into speakable pieces, then `last:true`. Aborting it (barge-in, a newer
// prompt, a lost socket) stops the text at once; the engine stores what was streamed so far.
import type { FastifyBaseLogger } from 'fastify';
import type { RelayOutbound } from '../../adapters/twilio/relay-codec.js';
import { AppError } from '../../domain/errors.js';
import type { CallerInput, Conversation, TurnOutcome } from '../../engine/conversation.js';
import { phrasesFor } from '../../engine/phrases.js';
import { SpeechChunker, type SpeechChunkerOptions } from '../../engine/speech-chunker.js';

// A turn number can already be taken when an earlier socket of the same call stored it late
// (its turn was still being written when Twilio reconnected); the next numbers are tried.
const MAX_SEQ_ATTEMPTS = 3;

export interface RelayTurnOptions {
  input: CallerInput;
  receivedAt: Date;
  /** The prompt's language tag, for the apology when the turn fails. */
  lang?: string;
  chunker?: SpeechChunkerOptions;
  send: (message: RelayOutbound) => boolean;
}

export interface RelayTurnContext {
  conversation: Pick<Conversation, 'handleInput'>;
  callSid: string;
  /** The session's next turn number. */
  firstSeq: () => number;
  /** Claims a turn number, so the session's next input gets a later one. */
  onSeq: (seq: number) => void;
  log: FastifyBaseLogger;
}

export interface RelayTurnResult {
  /** The turn number used, when the engine was reached. */
  seq?: number;
  outcome?: TurnOutcome;
}

export class RelayTurn {
  private readonly controller = new AbortController();
  /** Set by an interrupt: what the caller heard of this answer, stored once the turn settles. */
  heardText: string | undefined;
  /** The answer went out in full (with `last:true`), or the turn is over. */
  finished = false;
  private streamed = '';
  private sent = '';

  constructor(private readonly options: RelayTurnOptions) {}

  /** Some of this answer was sent to Twilio. */
  get sentText(): boolean {
    return this.sent.length > 0;
  }

  /** The text sent to Twilio so far: at most what the caller heard. */
  get sentSoFar(): string {
    return this.sent;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  abort(reason: string): void {
    if (!this.aborted) this.controller.abort(new AppError('unavailable', `turn aborted: ${reason}`));
  }

  async run(context: RelayTurnContext): Promise<RelayTurnResult> {
    const { input, receivedAt } = this.options;
    const chunker = new SpeechChunker(this.options.chunker);
    // No batching beyond the chunker: each ready piece leaves in the same tick as the model's delta.
    const onText = (delta: string) => {
      if (this.aborted) return;
      this.streamed += delta;
      for (const piece of chunker.push(delta)) this.speak(piece);
    };
    let seq = context.firstSeq();
    let outcome: TurnOutcome | undefined;
    try {
      for (let attempt = 1; ; attempt += 1) {
        context.onSeq(seq);
        const result = await context.conversation.handleInput(context.callSid, seq, input, {
          onText,
          signal: this.controller.signal,
          receivedAt,
        });
        // Relay prompts are never redelivered, so a stored turn under this number is someone else's.
        if (!result.duplicate) {
          outcome = result;
          break;
        }
        if (attempt >= MAX_SEQ_ATTEMPTS) throw new AppError('conflict', 'no free turn number for the input');
        context.log.warn({ seq }, 'turn number already stored by an earlier session; taking the next one');
        seq = Math.max(seq + 1, context.firstSeq());
      }
    } catch (error) {
      this.finished = true;
      context.log.error({ err: error, seq }, 'relay turn could not be handled');
      if (!this.aborted) {
        this.speak(phrasesFor(this.options.lang ?? 'en-US').turnFailed());
        this.options.send({ type: 'text', token: '', last: true });
      }
      return { seq };
    }
    if (this.aborted) {
      this.finished = true;
      return { seq: outcome.turn.seq, outcome };
    }
    this.finishText(outcome.turn.agent_text, chunker.flush());
    this.options.send({ type: 'text', token: '', last: true });
    this.finished = true;
    return { seq: outcome.turn.seq, outcome };
  }

  /**
   * Sends what the caller has not heard yet. Usually the stored reply is what was streamed, and only
   * the chunker's tail is left; the engine may also answer without the policy (silence, low
   * confidence, a timeout apology), and then the stored text is all there is to say.
   */
  private finishText(stored: string, bufferedTail: string | undefined): void {
    const said = this.streamed.trim();
    if (bufferedTail !== undefined) this.speak(bufferedTail);
    if (stored.trim() === said) return;
    if (!said) return this.speak(stored);
    if (stored.startsWith(said)) {
      const rest = stored.slice(said.length);
      if (rest.trim()) this.speak(rest);
      return;
    }
    this.speak(` ${stored}`);
  }

  private speak(token: string): void {
    if (token.length === 0) return;
    if (this.options.send({ type: 'text', token, last: false })) this.sent += token;
  }
}
