// One ConversationRelay socket: Twilio's messages in, the agent's streamed text out. It keeps only
// what the socket needs (the call, the next turn number, the running turn); the conversation itself
// lives in the store, so a reconnected socket on any instance carries on from there.
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  type RelayInbound,
  type RelayOutbound,
  type SessionSetupEvent,
} from '../../adapters/twilio/relay-codec.js';
import { isTerminal } from '../../domain/call.js';
import type { CallerInput, Conversation } from '../../engine/conversation.js';
import type { SpeechChunkerOptions } from '../../engine/speech-chunker.js';
import type { CallStore } from '../../ports/call-store.js';
import { encodeHandoff, type Handoff } from './handoff.js';
import { InboundGuard, type RelayLimits } from './inbound-guard.js';
import type { RelaySessionHandle, RelaySessions } from './relay-sessions.js';
import { readSessionStart, type SessionStartDeps } from './relay-session-start.js';
import type { RelaySocketGrant } from './relay-socket-grant.js';
import { DEFAULT_RELAY_TIMING, RelayTimers, type RelayTiming } from './relay-timers.js';
import { RelayTurn } from './relay-turn.js';

export interface RelaySessionDeps {
  conversation: Pick<Conversation, 'handleInput'>;
  calls: Pick<CallStore, 'get' | 'getTurn' | 'markTurnInterrupted'>;
  /** Reads the agent's time limit; without it the call's length is checked only when input arrives. */
  agents?: SessionStartDeps['agents'];
  sessions: RelaySessions;
  /** The call and session number the socket URL was signed for; `setup` must name that call. */
  grant: RelaySocketGrant;
  /** Our Twilio account: `setup` must name it. */
  accountSid: string;
  logger: FastifyBaseLogger;
  limits: RelayLimits;
  chunker?: SpeechChunkerOptions;
  /** After our `end`, Twilio closes the socket; past this we close it ourselves. */
  endCloseDelayMs?: number;
  timing?: Partial<RelayTiming>;
}

type Phase = 'awaiting-setup' | 'loading' | 'active' | 'ended' | 'closed';

// Messages that arrive while setup is still loading the call (the client does not wait for us).
const MAX_QUEUED_BEFORE_READY = 20;
const DEFAULT_END_CLOSE_DELAY_MS = 30_000;
// WebSocket close codes (RFC 6455): 1008 policy violation, 1011 server error, 1001 going away.
const CLOSE_POLICY = 1008;
const CLOSE_SERVER_ERROR = 1011;
const CLOSE_GOING_AWAY = 1001;
// The engine ends a call whose input arrives after max_call_seconds; the deadline input comes just after.
const DEADLINE_MARGIN_MS = 100;

export class RelaySession implements RelaySessionHandle {
  private phase: Phase = 'awaiting-setup';
  private callSid: string | undefined;
  private log: FastifyBaseLogger;
  private readonly guard: InboundGuard;
  private readonly queued: RelayInbound[] = [];
  private nextSeq = 0;
  /** The last turn whose text went out in full: a late interrupt (Twilio still speaking) lands here. */
  private lastSpokenSeq: number | undefined;
  /** That turn, when this session ran it: Twilio's account of what was heard may start with its filler. */
  private lastSpokenTurn: RelayTurn | undefined;
  private running: RelayTurn | undefined;
  /** Turns run one after another; a new input aborts the running one first. */
  private tail: Promise<void> = Promise.resolve();
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly timing: RelayTiming;
  private readonly timers: RelayTimers;
  /** The call's time ran out while the agent was answering: the closing turn follows that answer. */
  private deadlinePassed = false;
  /** Twilio said so in an `agentSpeaking` info event (sent only with the `events` attribute). */
  private agentSpeaking = false;
  /** For lines the session says itself (filler, apology) when the prompt names no language. */
  private agentLanguage: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: RelaySessionDeps,
  ) {
    // The socket URL named the call before `setup` does.
    this.log = deps.logger.child({ call_sid: deps.grant.callSid });
    this.guard = new InboundGuard(deps.limits);
    this.timing = { ...DEFAULT_RELAY_TIMING, ...deps.timing };
    this.timers = new RelayTimers(this.timing, {
      onIdle: () => this.onIdle(),
      onDeadline: () => this.onDeadline(),
      onNoSetup: () => this.onNoSetup(),
    });
    // Attached synchronously: Twilio sends `setup` the moment the socket opens.
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    deps.sessions.add(this);
    this.timers.startSetup();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    const buffer = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    const verdict = this.guard.admit(buffer.byteLength, isBinary);
    if (verdict.action === 'close') return this.abuse(verdict.reason);
    if (verdict.action === 'ignore') return this.junk(verdict.reason);
    const decoded = decodeRelayMessage(buffer);
    if (!decoded.ok) {
      const judged = this.guard.reject(decoded.reason);
      if (judged.action === 'close') return this.abuse(judged.reason);
      return this.junk(decoded.reason);
    }
    this.dispatch(decoded.event);
  }

  private junk(reason: string): void {
    // The reason names fields, never values: frames carry transcripts and phone numbers.
    this.log.warn({ reason }, 'relay message ignored');
  }

  private abuse(reason: string): void {
    this.log.warn({ reason }, 'relay socket closed for abuse');
    this.closeSocket(CLOSE_POLICY, 'policy violation');
  }

  private dispatch(event: RelayInbound): void {
    switch (event.type) {
      case 'session-setup':
        if (this.phase !== 'awaiting-setup') return this.junk('second setup on the socket');
        this.timers.stopSetup();
        void this.setup(event);
        return;
      case 'relay-error':
        // Twilio's description may quote the call; only its presence is logged.
        this.log.warn('ConversationRelay reported an error');
        return;
      case 'relay-info':
        this.log.debug({ info: event.name.slice(0, 40) }, 'ConversationRelay info');
        return this.onInfo(event.name, event.value);
      default:
        break;
    }
    if (this.phase === 'awaiting-setup') {
      const judged = this.guard.reject(`${event.type} before setup`);
      return judged.action === 'close' ? this.abuse(judged.reason) : this.junk(`${event.type} before setup`);
    }
    if (this.phase === 'loading') {
      if (this.queued.length >= MAX_QUEUED_BEFORE_READY)
        return this.junk('too many messages before setup finished');
      this.queued.push(event);
      return;
    }
    if (this.phase !== 'active') return;
    switch (event.type) {
      case 'caller-prompt':
        // The caller is talking: not silent, even before the final transcript.
        this.timers.stopIdle();
        // Partial transcripts only preview what the caller is saying; the final one starts the turn.
        if (!event.last) return;
        return this.startTurn(
          event.text.trim() ? { kind: 'speech', text: event.text } : { kind: 'silence' },
          event.lang,
        );
      case 'caller-dtmf':
        return this.startTurn({ kind: 'dtmf', digits: event.digit });
      case 'caller-interrupt':
        this.timers.stopIdle();
        return this.interrupt(event.heardText);
      default:
        return;
    }
  }

  private async setup(event: SessionSetupEvent): Promise<void> {
    this.phase = 'loading';
    this.callSid = event.callSid;
    if (event.sessionId) this.log = this.log.child({ relay_session: event.sessionId });
    // The URL Twilio signed names the call; a setup claiming another call or account is not Twilio's.
    if (event.callSid !== this.deps.grant.callSid)
      return this.refuse('setup names another call than the socket URL');
    if (event.accountSid !== this.deps.accountSid) return this.refuse('setup names another Twilio account');
    let call;
    try {
      call = await this.deps.calls.get(event.callSid);
    } catch (error) {
      // Without `end`, Twilio treats this as a failed session and asks the action URL what next.
      this.log.error({ err: error }, 'relay setup could not load the call');
      return this.closeSocket(CLOSE_SERVER_ERROR, 'call could not be loaded');
    }
    if ((this.phase as Phase) === 'closed') return;
    if (call && call.transport !== 'relay')
      return this.refuse('setup for a call that is not on the relay transport');
    if (!call || isTerminal(call.status) || call.ended_by !== undefined) {
      this.log.warn({ known: call !== undefined }, 'relay setup for an unknown or finished call; ending');
      return this.end({ reason: 'end' });
    }
    if (this.deps.grant.reconnect < (call.relay_reconnects ?? 0)) {
      return this.refuse('socket URL of an earlier session of the call');
    }
    const { agent, spokenChars } = await readSessionStart(this.deps, call, this.log);
    if ((this.phase as Phase) === 'closed') return;
    const claim = this.deps.sessions.claim(event.callSid, this, this.deps.grant.reconnect);
    if (claim === 'refused') return this.refuse('a socket of this session of the call is already open');
    if (claim === 'took-over') {
      this.log.warn(
        { reconnect: this.deps.grant.reconnect },
        'relay socket of a later session took over the call',
      );
    }
    this.phase = 'active';
    this.agentLanguage = agent?.language;
    this.nextSeq = call.turn_count;
    // Twilio may still be speaking the last stored turn (on a fresh call, the welcome greeting).
    this.lastSpokenSeq = call.turn_count > 0 ? call.turn_count - 1 : undefined;
    this.log.info({ next_seq: this.nextSeq }, 'relay session started');
    if (agent)
      this.timers.startDeadline(
        Date.parse(call.started_at) + agent.max_call_seconds * 1_000 + DEADLINE_MARGIN_MS,
      );
    // Twilio is speaking the greeting (or resumes a call silently): the caller's silence counts after
    // it. A queued prompt stops the clock again at once.
    this.startIdle(spokenChars);
    for (const queued of this.queued.splice(0)) this.dispatch(queued);
  }

  /**
   * Closes a socket whose setup does not match what its URL was signed for. No `end`: were it Twilio's
   * own socket, `end` would hang the call up, while a close lets the action URL reconnect the call.
   */
  private refuse(reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'ended';
    this.log.warn({ reason }, 'relay socket refused');
    this.closeSocket(CLOSE_POLICY, 'policy violation');
  }

  // ---- timers ----------------------------------------------------------------------------------

  private onNoSetup(): void {
    if (this.phase !== 'awaiting-setup') return;
    this.log.warn({ timeout_ms: this.timing.setupMs }, 'relay socket sent no setup in time; closing');
    this.closeSocket(CLOSE_POLICY, 'no setup');
  }

  /** The caller said nothing for idleMs after the agent finished: the same silent turn as on Gather. */
  private onIdle(): void {
    if (this.phase !== 'active' || (this.running && !this.running.finished)) return;
    this.startTurn({ kind: 'silence' });
  }

  /** The call's time is up: the engine answers any input now with the closing line (system_timeout). */
  private onDeadline(): void {
    if (this.phase !== 'active') return;
    if (this.running && !this.running.finished) {
      this.deadlinePassed = true;
      return;
    }
    this.startTurn({ kind: 'silence' });
  }

  /** Speaker events (with the `events` attribute): playback start and end, known instead of estimated. */
  private onInfo(name: string, value: unknown): void {
    if (name === 'agentSpeaking') this.agentSpeaking = value === 'on';
    if (this.phase !== 'active') return;
    if (name === 'clientSpeaking' && value === 'on') this.timers.stopIdle();
    if (name === 'agentSpeaking' && value === 'on') this.timers.stopIdle();
    if (name === 'agentSpeaking' && value === 'off' && !this.running) this.timers.startIdle(0);
  }

  /** The caller's silence counts once the agent has spoken `spokenChars` (estimated) and stopped. */
  private startIdle(spokenChars: number): void {
    if (!this.agentSpeaking) this.timers.startIdle(spokenChars);
  }

  // ---- turns -----------------------------------------------------------------------------------

  private startTurn(input: CallerInput, lang?: string): void {
    const receivedAt = new Date();
    this.timers.stopIdle();
    // A new input while the agent is still answering the last one replaces that answer. Without an
    // interrupt from Twilio (which reports what was heard), the caller heard at most what was sent.
    const previous = this.running;
    if (previous && !previous.finished) {
      previous.heardText ??= previous.sentSoFar;
      previous.abort('preempted');
    }
    const turn = new RelayTurn({
      input,
      receivedAt,
      lang: lang ?? this.agentLanguage,
      chunker: this.deps.chunker,
      send: (message) => this.send(message),
      fillerMs: this.timing.fillerMs,
    });
    this.running = turn;
    this.tail = this.tail
      .then(() => this.runTurn(turn))
      .catch((error: unknown) => this.log.error({ err: error }, 'relay turn failed'));
  }

  private async runTurn(turn: RelayTurn): Promise<void> {
    const callSid = this.callSid;
    if (!callSid || this.phase !== 'active') return;
    const result = await turn.run({
      conversation: this.deps.conversation,
      callSid,
      firstSeq: () => this.nextSeq,
      onSeq: (seq) => {
        this.nextSeq = Math.max(this.nextSeq, seq + 1);
      },
      log: this.log,
    });
    if (this.running === turn) this.running = undefined;
    if (result.seq !== undefined && turn.sentText) {
      this.lastSpokenSeq = result.seq;
      this.lastSpokenTurn = turn;
    }
    if (result.seq !== undefined && turn.heardText !== undefined) {
      await this.markInterrupted(result.seq, turn.heardText);
    }
    const outcome = result.outcome;
    if (!outcome?.turn.ends_call) return this.afterAnswer(turn);
    // The closing line (or the caller's barge-in over it) is done: hand the call back to Twilio.
    if (outcome.transfer) return this.end({ reason: 'transfer', target_id: outcome.transfer.id });
    return this.end({ reason: 'end', ended_by: outcome.turn.ends_call });
  }

  /** The agent's answer is out and the call goes on: the caller's turn, or the closing one when time is up. */
  private afterAnswer(turn: RelayTurn): void {
    if (this.phase !== 'active' || this.running) return;
    if (this.deadlinePassed) {
      this.deadlinePassed = false;
      return this.startTurn({ kind: 'silence' });
    }
    // An interrupted answer was cut short: the caller is talking, the next prompt is on its way.
    if (turn.heardText === undefined) this.startIdle(turn.sentSoFar.length);
  }

  /** The caller barged in: stop the running answer now and keep only what they heard. */
  private interrupt(heardText: string): void {
    const turn = this.running;
    if (turn && !turn.finished) {
      if (turn.sentText) {
        turn.heardText = turn.heardOfReply(heardText);
      } else if (turn.fillerSent) {
        // The caller talked over the filler: none of the reply was heard.
        turn.heardText = '';
      } else {
        // Nothing of this answer was sent yet: the caller talked over the previous one.
        turn.heardText = '';
        this.interruptLastSpoken(heardText);
      }
      turn.abort('interrupted');
      return;
    }
    // The answer went out in full but Twilio was still speaking it.
    this.interruptLastSpoken(heardText);
  }

  private interruptLastSpoken(heardText: string): void {
    if (this.lastSpokenSeq === undefined) return;
    void this.markInterrupted(this.lastSpokenSeq, this.lastSpokenTurn?.heardOfReply(heardText) ?? heardText);
  }

  private async markInterrupted(seq: number, heardText: string): Promise<void> {
    const callSid = this.callSid;
    if (!callSid) return;
    try {
      await this.deps.calls.markTurnInterrupted(callSid, seq, heardText);
      this.log.info({ seq, heard_chars: heardText.length }, 'turn interrupted by the caller');
    } catch (error) {
      this.log.error({ err: error, seq }, 'could not store the interrupted turn');
    }
  }

  // ---- outbound and lifecycle ------------------------------------------------------------------

  private send(message: RelayOutbound): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    let frame: string;
    try {
      frame = encodeRelayMessage(message);
    } catch (error) {
      // Twilio would drop it (64107) and the caller would hear nothing: our bug, logged loudly.
      this.log.error({ err: error }, 'refused to send an invalid relay message');
      return false;
    }
    this.socket.send(frame);
    return true;
  }

  /** Sends `end`; Twilio then requests the <Connect action> URL, which reads handoffData. */
  private end(handoff: Handoff): void {
    if (this.phase === 'ended' || this.phase === 'closed') return;
    this.phase = 'ended';
    this.timers.stopAll();
    this.running?.abort('session ended');
    this.send({ type: 'end', handoffData: encodeHandoff(handoff) });
    this.log.info({ reason: handoff.reason }, 'relay session ended');
    this.closeTimer = setTimeout(
      () => this.closeSocket(1000, 'session ended'),
      this.deps.endCloseDelayMs ?? DEFAULT_END_CLOSE_DELAY_MS,
    );
    this.closeTimer.unref();
  }

  private closeSocket(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  private onClose(code: number): void {
    const wasActive = this.phase === 'active';
    this.phase = 'closed';
    clearTimeout(this.closeTimer);
    this.timers.stopAll();
    // Whatever the caller heard is stored with the turn; no more tokens are paid for.
    this.running?.abort('socket closed');
    this.deps.sessions.remove(this, this.callSid);
    if (this.callSid) this.log.info({ code, during_call: wasActive }, 'relay socket closed');
  }

  replaced(): void {
    this.log.info('a relay socket of a later session took over this call; closing this one');
    this.running?.abort('replaced');
    this.phase = 'ended';
    this.timers.stopAll();
    this.closeSocket(1000, 'replaced by a newer session');
  }

  async shutdown(graceMs: number): Promise<void> {
    if (this.phase === 'closed' || this.phase === 'ended') return;
    if (this.phase !== 'active') return this.closeSocket(CLOSE_GOING_AWAY, 'server shutting down');
    this.timers.stopAll();
    const deadline = Date.now() + graceMs;
    // Turns that start while draining are waited for too, within the same grace.
    while (this.running && Date.now() < deadline) {
      const tail = this.tail;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        tail,
        new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      clearTimeout(timer);
      if (tail === this.tail && this.running) break;
    }
    this.end({ reason: 'server-restart' });
  }
}
