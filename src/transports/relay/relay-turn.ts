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
  /** Past this with nothing said yet, a short filler line covers the wait (unset: never). */
  fillerMs?: number;
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
  /** The filler line, once it went out: spoken by Twilio, but not part of the reply. */
  private filler: string | undefined;

  constructor(private readonly options: RelayTurnOptions) {}

  /** Some of this answer was sent to Twilio. */
  get sentText(): boolean {
    return this.sent.length > 0;
  }

  /** The text sent to Twilio so far: at most what the caller heard. */
  get sentSoFar(): string {
    return this.sent;
  }

  /** The filler line went out for this turn (Twilio may have spoken it before the reply). */
  get fillerSent(): boolean {
    return this.filler !== undefined;
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
    const fillerTimer = this.startFillerTimer(context);
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
      clearTimeout(fillerTimer);
      this.finished = true;
      context.log.error({ err: error, seq }, 'relay turn could not be handled');
      if (!this.aborted) {
        this.speak(phrasesFor(this.options.lang ?? 'en-US').turnFailed());
        this.options.send({ type: 'text', token: '', last: true });
      }
      return { seq };
    }
    clearTimeout(fillerTimer);
    if (this.aborted) {
      this.finished = true;
      return { seq: outcome.turn.seq, outcome };
    }
    this.finishText(outcome.turn.agent_text, chunker.flush());
    this.options.send({ type: 'text', token: '', last: true });
    this.finished = true;
    return { seq: outcome.turn.seq, outcome };
  }

  /** What the caller heard of the reply itself, from Twilio's account of what was spoken. */
  heardOfReply(utterance: string): string {
    const filler = this.filler?.trim();
    if (!filler) return utterance;
    const heard = utterance.trimStart();
    return heard.startsWith(filler) ? heard.slice(filler.length).trimStart() : utterance;
  }

  private startFillerTimer(context: RelayTurnContext): NodeJS.Timeout | undefined {
    const { fillerMs, input } = this.options;
    // A silent turn needs no model, so it answers at once; speech and keys may wait on one.
    if (fillerMs === undefined || input.kind === 'silence') return undefined;
    const timer = setTimeout(() => this.sayFiller(context), fillerMs);
    timer.unref();
    return timer;
  }

  /**
   * Once per turn, only before any of the reply went out. Sent outside the reply (never stored with the
   * turn), and preemptible so the reply's first words may cut it short.
   */
  private sayFiller(context: RelayTurnContext): void {
    if (this.aborted || this.finished || this.filler !== undefined || this.streamed || this.sent) return;
    const line = `${phrasesFor(this.options.lang ?? 'en-US').filler()} `;
    if (this.options.send({ type: 'text', token: line, last: false, preemptible: true })) {
      this.filler = line;
      context.log.info('slow reply: the caller hears a filler line');
    }
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
