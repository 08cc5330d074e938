// The Media Streams binding: one Twilio stream bridged to one realtime model session. Twilio's caller
// audio goes to the model in 40 ms chunks (caller-audio.ts); what the model says is turned into the
// caller's audio and the call's turns by model-flow.ts, so each exchange is stored, counted and ended
// like any other turn. The stream's start must name the call its URL was signed for and our account.
// When the model cannot be opened or is lost, the call is switched to its fallback transport and the
// stream closed: Twilio then asks the <Connect action> URL.
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  decodeMediaStreamMessage,
  MEDIA_STREAM_LIMITS,
  type MediaStreamInbound,
  type StreamStartEvent,
} from '../../adapters/twilio/media-stream-codec.js';
import { fallbackTransportOf } from '../../domain/realtime-settings.js';
import type { CallSession } from '../../engine/call-session.js';
import type { CallEnd } from '../../engine/transport.js';
import { TurnRunner } from '../../engine/turn-runner.js';
import type { RealtimeEvent, RealtimeSession } from '../../ports/realtime-model.js';
import { AgentAudio, msOfBase64 } from './agent-audio.js';
import { CallerAudio } from './caller-audio.js';
import {
  DEFAULT_END_WAIT_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_START_TIMEOUT_MS,
  type MediaBridgeOptions,
} from './media-bridge-options.js';
import { ModelFlow } from './model-flow.js';
import type { ModelTools } from './model-tools.js';
import { greetingInstructions } from './realtime-session-config.js';
import { openStream, startRefusal } from './stream-opening.js';

const CLOSE_POLICY = 1008;
// Caller audio kept while the model opens: 5 s of 20 ms frames, more than the open timeout's default.
const EARLY_AUDIO_FRAMES = 250;

export class MediaBridge {
  #phase: 'awaiting-start' | 'opening' | 'active' | 'ending' | 'closed' = 'awaiting-start';
  #session: CallSession | undefined;
  #model: RealtimeSession | undefined;
  #runner: TurnRunner | undefined;
  #tools: ModelTools | undefined;
  readonly #out: AgentAudio;
  readonly #in = new CallerAudio();
  readonly #log: FastifyBaseLogger;
  readonly #flow: ModelFlow;
  readonly #early: string[] = [];
  #startTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: MediaBridgeOptions,
  ) {
    this.#log = options.logger.child({ call_sid: options.grant.callSid });
    this.#out = new AgentAudio(socket, {
      onPlaying: () => this.#runner?.playback(true),
      onDrained: () => this.#flow.drained(),
    });
    this.#flow = new ModelFlow({
      out: this.#out,
      log: this.#log,
      region: options.region,
      runner: () => this.#runner,
      model: () => this.#model,
      session: () => this.#session,
      tools: () => this.#tools,
      forwarding: () => this.#phase === 'active' || this.#phase === 'ending',
    });
    socket.on('message', (data: RawData) => this.#onFrame(data));
    socket.on('close', () => this.#onClose());
    this.#startTimer = setTimeout(
      () => this.#refuse('no start in time'),
      options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    );
    this.#startTimer.unref();
  }

  // ---- Twilio -> us -----------------------------------------------------------------------------

  #onFrame(data: RawData): void {
    if (this.#phase === 'closed') return;
    const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (raw.byteLength > MEDIA_STREAM_LIMITS.maxMessageChars) return this.#refuse('frame too large');
    const decoded = decodeMediaStreamMessage(raw);
    if (!decoded.ok) {
      if (!decoded.unknown) this.#log.warn({ reason: decoded.reason }, 'media stream message ignored');
      return;
    }
    this.#dispatch(decoded.event);
  }

  #dispatch(event: MediaStreamInbound): void {
    switch (event.type) {
      case 'stream-start':
        if (this.#phase !== 'awaiting-start') return;
        clearTimeout(this.#startTimer);
        void this.#begin(event).catch((error: unknown) => this.#fail('start failed', error));
        return;
      case 'caller-audio':
        this.#flow.book.callerAudio(msOfBase64(event.payload));
        if (this.#model) this.#toModel(this.#in.push(event.payload));
        else if (this.#phase === 'opening') this.#keepEarly(event.payload);
        return;
      case 'mark-played':
        return this.#out.echoed(event.name);
      case 'caller-dtmf':
        return this.#keys(event.digit);
      case 'stream-stop':
        this.#log.info('media stream stopped by Twilio');
        return this.#shutdown('caller hung up');
      default:
        return;
    }
  }

  async #begin(start: StreamStartEvent): Promise<void> {
    const refusal = startRefusal(start, this.options);
    if (refusal) return this.#refuse(refusal);
    this.#phase = 'opening';
    this.#out.streamSid = start.streamSid;
    const opening = await openStream(start, this.options, (event) => this.#onModel(event), this.#log);
    if (opening.outcome === 'refused') return this.#refuse(opening.reason);
    if (opening.outcome === 'over') return this.#close(opening.reason);
    this.#session = opening.session;
    if (opening.outcome === 'fallback') return this.#fallback(opening.reason);
    const { session, model } = opening;
    this.#tools = opening.tools;
    this.#model = model;
    if ((this.#phase as string) !== 'opening') return model.close();
    this.#phase = 'active';
    for (const payload of this.#early.splice(0)) this.#toModel(this.#in.push(payload));
    this.#runner = new TurnRunner({ ...this.options.engine, log: this.#log }, session, this.#output(), {
      idle: { idleMs: this.options.idleMs ?? DEFAULT_IDLE_MS, speechMsPerChar: 0 },
      deadline: true,
    });
    this.#runner.start();
    this.#log.info({ model: model.model, next_seq: session.nextSeq }, 'realtime stream started');
    // A fresh call: the model says the stored greeting first. A call going on says nothing until spoken to.
    const greeting = session.turn(0);
    if (session.nextSeq <= 1 && greeting)
      this.#model.respond({ instructions: greetingInstructions(greeting.agent_text) });
  }

  /**
   * Caller audio that comes while the model is being opened: Twilio streams from `start`, and a caller
   * on a reopened stream may already be speaking. Kept (the last EARLY_AUDIO_FRAMES) for the model.
   */
  #keepEarly(payload: string): void {
    this.#early.push(payload);
    if (this.#early.length > EARLY_AUDIO_FRAMES) this.#early.shift();
  }

  #toModel(chunk: string | undefined): void {
    if (chunk !== undefined) this.#model?.appendAudio(chunk);
  }

  #keys(digit: string): void {
    if (this.#phase !== 'active' || !this.#model) return;
    this.#toModel(this.#in.flush());
    this.#runner?.callerActive();
    this.#flow.keys(digit);
  }

  // ---- the model -> us (model-flow.ts) ----------------------------------------------------------

  #onModel(event: RealtimeEvent): void {
    if (this.#phase === 'closed') return;
    if (event.type !== 'closed') return this.#flow.onEvent(event);
    this.#model = undefined;
    this.#in.reset();
    if (event.error && this.#phase === 'active') void this.#fallback('realtime model lost');
  }

  // ---- us -> the caller, from the runner --------------------------------------------------------

  #output() {
    return {
      // The engine's own lines (a silence prompt, the closing line, an apology): the model says them.
      speak: (text: string) => {
        this.#flow.lines.collect(text);
        return this.#phase === 'active';
      },
      replied: () => this.#flow.lines.say(this.#model),
      end: (end: CallEnd) => this.#endAfterPlayback(end),
    };
  }

  /** The last turn said so: once its audio has played, the stream closes and the action URL ends the call. */
  async #endAfterPlayback(end: CallEnd): Promise<void> {
    this.#phase = 'ending';
    this.#log.info({ end: end.kind }, 'realtime call ending after the last reply plays');
    this.#out.flush();
    if (this.#out.playing || this.#flow.lines.pending)
      await this.#out.whenPlayed(this.options.endWaitMs ?? DEFAULT_END_WAIT_MS);
    this.#close('call ended');
  }

  // ---- ending -----------------------------------------------------------------------------------

  /** The model failed: the call goes on over the agent's fallback transport, from what was stored. */
  async #fallback(reason: string): Promise<void> {
    if (this.#phase === 'closed' || this.#phase === 'ending') return;
    this.#phase = 'ending';
    this.#runner?.stop('model unavailable');
    const session = this.#session;
    if (session) {
      const to = fallbackTransportOf(session.agent, this.options.defaultTransport);
      try {
        await this.options.engine.operations.transportSwitched(session.call, to, reason);
        this.#log.warn({ reason, to }, 'realtime call goes on over its fallback transport');
      } catch (error) {
        this.#log.error({ err: error, reason }, 'could not switch the call to its fallback transport');
      }
    }
    this.#close(reason);
  }

  #fail(what: string, error: unknown): void {
    this.#log.error({ err: error }, what);
    void this.#fallback(what);
  }

  #refuse(reason: string): void {
    this.#log.warn({ reason }, 'media stream refused');
    this.#phase = 'ending';
    this.#closeSocket(CLOSE_POLICY, 'policy violation');
  }

  #close(reason: string): void {
    this.#shutdown(reason);
    this.#closeSocket(1000, 'stream ended');
  }

  #shutdown(reason: string): void {
    this.#runner?.stop(reason);
    this.#model?.close();
    this.#model = undefined;
    this.#out.release();
  }

  #closeSocket(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING)
      this.socket.close(code, reason);
  }

  #onClose(): void {
    clearTimeout(this.#startTimer);
    if (this.#phase !== 'closed') this.#shutdown('socket closed');
    this.#phase = 'closed';
  }
}
