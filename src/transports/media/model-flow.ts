// What the realtime model says on a call, turned into turns: its audio forwarded to the caller
// (agent-audio.ts), the caller's speech opening an exchange, the transcripts, function calls and usage
// gathered on it, and each exchange handed to the call's TurnRunner as a turn whose reply is given
// (given-reply.ts) once both the caller's words and the reply are in. A caller talking over the
// agent's audio cuts it (barge-in): Twilio drops what has not played, the model forgets it, and the
// turn keeps what was heard. The bridge (media-bridge.ts) owns the sockets and the stream's life.
import type { FastifyBaseLogger } from 'fastify';
import { realtimeModelOf } from '../../domain/realtime-settings.js';
import type { CallSession } from '../../engine/call-session.js';
import type { TurnRunner } from '../../engine/turn-runner.js';
import type { RealtimeEvent, RealtimeSession } from '../../ports/realtime-model.js';
import type { AgentAudio } from './agent-audio.js';
import { EngineLines } from './engine-lines.js';
import { ExchangeBook } from './exchange-book.js';
import type { AudioCut, Exchange } from './exchange.js';
import { firstAudioChannel, type FirstAudioMessage } from './first-audio-channel.js';
import { givenReplyOf, givenReplyPolicy } from './given-reply.js';
import type { ModelTools } from './model-tools.js';
import { heardShare } from './played-audio.js';

/** What the flow reads of the bridge: the parts of a stream that come and go as it opens and ends. */
export interface ModelFlowContext {
  out: AgentAudio;
  log: FastifyBaseLogger;
  region: string | undefined;
  runner(): TurnRunner | undefined;
  model(): RealtimeSession | undefined;
  session(): CallSession | undefined;
  tools(): ModelTools | undefined;
  /** The stream is active or ending: the model's audio still goes to the caller. */
  forwarding(): boolean;
}

export class ModelFlow {
  readonly book = new ExchangeBook();
  readonly lines = new EngineLines();
  /** A greeting or engine line cut before its transcript came: stored as heard once it comes. */
  #pendingCut: AudioCut | undefined;
  /** The response whose audio came last: a delta of another one is a reply's first. */
  #lastResponse = '';

  constructor(private readonly context: ModelFlowContext) {}

  /** One event of the model's session (its `closed` is the bridge's). */
  onEvent(event: Exclude<RealtimeEvent, { type: 'closed' }>): void {
    switch (event.type) {
      case 'audio-delta':
        return this.#audio(event.itemId, event.responseId, event.audio);
      case 'speech-started':
        this.context.runner()?.callerActive();
        if (this.context.out.playing) this.#bargeIn();
        this.book.open(event.itemId);
        return;
      case 'speech-stopped': {
        const exchange = this.book.byItem(event.itemId);
        if (exchange) exchange.endedAt = performance.now();
        return;
      }
      case 'caller-transcript': {
        const exchange = this.book.byItem(event.itemId);
        if (!exchange) return;
        exchange.input = event.text.trim() ? { kind: 'speech', text: event.text } : { kind: 'silence' };
        return this.#handOver(exchange);
      }
      case 'transcript-done': {
        this.book.setTranscript(event.itemId, event.text);
        if (this.#pendingCut?.itemId === event.itemId) {
          const cut = this.#pendingCut;
          this.#pendingCut = undefined;
          this.context.runner()?.interrupt(heardShare(event.text, cut.playedMs, cut.sentMs));
        }
        const exchange = this.book.byResponse(event.responseId);
        if (exchange) exchange.text = `${exchange.text} ${event.text}`.trim();
        return;
      }
      case 'function-call':
        this.book.forResponse(event.responseId, this.lines.pending)?.pendingCalls.push(event);
        return;
      case 'response-done':
        return this.#responseDone(event);
      case 'error':
        this.context.log.warn({ err: event.error }, 'realtime model reported an error');
        return;
      default:
        return;
    }
  }

  /** The caller pressed a key: an exchange of its own, which the model answers. */
  keys(digit: string): void {
    const exchange = this.book.open(undefined);
    exchange.input = { kind: 'dtmf', digits: digit };
    this.context.model()?.sendText(`(The caller pressed ${digit} on the keypad.)`);
  }

  /** Everything sent has played: the agent is silent, unless an engine line is still to come. */
  drained(): void {
    if (this.context.out.playing || this.lines.pending) return;
    this.context.runner()?.playback(false);
    this.context.out.release();
  }

  /** Forwards one delta as it came: no decoding, one send for the audio (and a mark when one is due). */
  #audio(itemId: string, responseId: string, audio: string): void {
    if (!this.context.forwarding()) return;
    const timed = responseId !== this.#lastResponse && firstAudioChannel.hasSubscribers;
    const started = timed ? performance.now() : 0;
    this.#lastResponse = responseId;
    const exchange = this.book.forResponse(responseId, this.lines.pending);
    if (exchange && exchange.firstAudioAt === undefined) exchange.firstAudioAt = performance.now();
    (exchange ?? this.book.loose).audioOutMs += this.context.out.forward(itemId, audio);
    if (timed) firstAudioChannel.publish({ ms: performance.now() - started } satisfies FirstAudioMessage);
  }

  #responseDone(event: Extract<RealtimeEvent, { type: 'response-done' }>): void {
    const { out, log } = this.context;
    out.flush();
    const exchange = this.book.byResponse(event.responseId);
    if (event.usage) (exchange ?? this.book.loose).addUsage(event.usage);
    if (!exchange) {
      this.lines.pending = false;
      if (!out.playing) this.drained();
      return;
    }
    if (event.error) log.warn({ err: event.error }, 'realtime response failed');
    // Function calls: the results go back and the model answers in a response of its own.
    const model = this.context.model();
    if (exchange.pendingCalls.length > 0 && model) {
      void this.context.tools()?.run(exchange, model, this.context.session()!, log);
      return;
    }
    if (!exchange.text && event.status === 'failed') return;
    exchange.replied = true;
    this.#handOver(exchange);
  }

  /** The exchange goes to the runner once both the caller's words and the reply are in. */
  #handOver(exchange: Exchange): void {
    const runner = this.context.runner();
    if (!runner || !exchange.ready || !exchange.input) return;
    exchange.handed = true;
    const model = this.context.model()?.model ?? realtimeModelOf(this.context.session()!.agent).model;
    const { region } = this.context;
    const policy = givenReplyPolicy(
      givenReplyOf(exchange, this.book.takeLoose(), { model, ...(region ? { region } : {}) }),
    );
    const cut = exchange.cut;
    runner.input(exchange.input, {
      given: { policy, ...(cut ? { heard: heardShare(exchange.text, cut.playedMs, cut.sentMs) } : {}) },
    });
  }

  /** The caller talks over agent audio not yet played: Twilio drops it, the model forgets it. */
  #bargeIn(): void {
    const cut = this.context.out.clear();
    if (!cut) return;
    const { itemId, playedMs, sentMs } = cut;
    const runner = this.context.runner();
    if (playedMs < sentMs) this.context.model()?.truncate(itemId, Math.floor(playedMs));
    const exchange = this.book.answering();
    this.context.log.info(
      { played_ms: Math.round(playedMs), sent_ms: Math.round(sentMs) },
      'caller barged in',
    );
    // The transcript of a reply still streaming comes when its response ends (the model cancels it as
    // the caller speaks), so what was heard is taken from it then: when the exchange is handed over,
    // or, for a greeting or engine line already stored, when its transcript arrives.
    if (exchange && !exchange.handed) exchange.cut = cut;
    else {
      const transcript = this.book.transcript(itemId);
      if (transcript !== undefined) runner?.interrupt(heardShare(transcript, playedMs, sentMs));
      else this.#pendingCut = cut;
    }
    runner?.playback(false);
  }
}
