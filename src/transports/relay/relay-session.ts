// The ConversationRelay transport's binding: one socket, Twilio's messages in, the agent's text out.
// Frames are bounded (inbound-guard.ts) and decoded by the codec (adapters/twilio/relay-codec.ts);
// `setup` must name the call and session the socket URL was signed for. The call's turns are run by
// the engine's TurnRunner on the call's session, which this socket holds for its life: each model
// delta leaves in its own `text` message in the tick it arrives, and a turn makes no store reads.
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  encodeRelayText,
  type RelayInbound,
  type RelayOutbound,
  type SessionSetupEvent,
} from '../../adapters/twilio/relay-codec.js';
import { isTerminal } from '../../domain/call.js';
import { AppError } from '../../domain/errors.js';
import type { CallEngine } from '../../engine/call-engine.js';
import type { CallEnd } from '../../engine/transport.js';
import { TurnRunner } from '../../engine/turn-runner.js';
import { encodeHandoff, type Handoff } from './handoff.js';
import { InboundGuard, type RelayLimits } from './inbound-guard.js';
import { KeypadEntry } from './keypad-entry.js';
import type { RelaySessionHandle, RelaySessions } from './relay-sessions.js';
import type { RelaySocketGrant } from './relay-socket-grant.js';
import { DEFAULT_RELAY_TIMING, type RelayTiming } from './relay-timing.js';

export interface RelaySessionDeps {
  engine: CallEngine;
  sessions: RelaySessions;
  /** The call and session number the socket URL was signed for; `setup` must name that call. */
  grant: RelaySocketGrant;
  /** Our Twilio account: `setup` must name it. */
  accountSid: string;
  logger: FastifyBaseLogger;
  limits: RelayLimits;
  /** After our `end`, Twilio closes the socket; past this we close it ourselves. */
  endCloseDelayMs?: number;
  timing?: Partial<RelayTiming>;
}

type Phase = 'awaiting-setup' | 'loading' | 'active' | 'ended' | 'closed';

// Messages that arrive while setup is still loading the call (the client does not wait for us).
const MAX_QUEUED_BEFORE_READY = 20;
const DEFAULT_END_CLOSE_DELAY_MS = 30_000;

/** The `info` events kept on the turn's timeline, by name: speaker changes with their side, played text without it. */
function reportedMoment(name: string, value: unknown): string | undefined {
  if (name === 'tokensPlayed') return name;
  if ((name === 'agentSpeaking' || name === 'clientSpeaking') && (value === 'on' || value === 'off'))
    return `${name} ${value}`;
  return undefined;
}
// WebSocket close codes (RFC 6455): 1008 policy violation, 1011 server error, 1001 going away.
const CLOSE_POLICY = 1008;
const CLOSE_SERVER_ERROR = 1011;
const CLOSE_GOING_AWAY = 1001;

export class RelaySession implements RelaySessionHandle {
  private phase: Phase = 'awaiting-setup';
  private callSid: string | undefined;
  private log: FastifyBaseLogger;
  private readonly guard: InboundGuard;
  private readonly queued: RelayInbound[] = [];
  private runner: TurnRunner | undefined;
  private setupTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly timing: RelayTiming;
  /** Twilio said so in an `agentSpeaking` info event (sent only with the `events` attribute). */
  private agentSpeaking = false;
  /** Keys pressed for a keyed entry the agent asked for: one turn at # or a pause. */
  private readonly keypad = new KeypadEntry((digits) => this.runner?.input({ kind: 'dtmf', digits }));

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: RelaySessionDeps,
  ) {
    // The socket URL named the call before `setup` does.
    this.log = deps.logger.child({ call_sid: deps.grant.callSid });
    this.guard = new InboundGuard(deps.limits);
    this.timing = { ...DEFAULT_RELAY_TIMING, ...deps.timing };
    // Attached synchronously: Twilio sends `setup` the moment the socket opens.
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    deps.sessions.add(this);
    this.setupTimer = setTimeout(() => this.onNoSetup(), this.timing.setupMs);
    this.setupTimer.unref();
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
        clearTimeout(this.setupTimer);
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
    const runner = this.runner;
    if (this.phase !== 'active' || !runner) return;
    switch (event.type) {
      case 'caller-prompt':
        // The caller is talking: not silent, even before the final transcript.
        runner.callerActive();
        // Partial transcripts only preview what the caller is saying; the final one starts the turn.
        if (!event.last) return;
        this.keypad.flush();
        return runner.input(
          event.text.trim() ? { kind: 'speech', text: event.text } : { kind: 'silence' },
          event.lang ? { lang: event.lang } : {},
        );
      case 'caller-dtmf':
        runner.callerActive();
        // Asked to key a value in: the keys are one entry. Otherwise each key is a turn (a menu choice).
        if (this.keypad.pending || runner.session.turns.at(-1)?.keypad_field)
          return this.keypad.key(event.digit);
        return runner.input({ kind: 'dtmf', digits: event.digit });
      case 'caller-interrupt':
        return runner.interrupt(event.heardText);
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
    let session;
    try {
      session = await this.deps.engine.sessions.open(event.callSid);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') session = undefined;
      else {
        // Without `end`, Twilio treats this as a failed session and asks the action URL what next.
        this.log.error({ err: error }, 'relay setup could not load the call');
        return this.closeSocket(CLOSE_SERVER_ERROR, 'call could not be loaded');
      }
    }
    if ((this.phase as Phase) === 'closed') return;
    const call = session?.call;
    if (call && call.transport !== 'relay')
      return this.refuse('setup for a call that is not on the relay transport');
    if (!session || !call || isTerminal(call.status) || call.ended_by !== undefined) {
      this.log.warn({ known: call !== undefined }, 'relay setup for an unknown or finished call; ending');
      return this.end({ reason: 'end' });
    }
    if (this.deps.grant.reconnect < (call.relay_reconnects ?? 0)) {
      return this.refuse('socket URL of an earlier session of the call');
    }
    const claim = this.deps.sessions.claim(event.callSid, this, this.deps.grant.reconnect);
    if (claim === 'refused') return this.refuse('a socket of this session of the call is already open');
    if (claim === 'took-over') {
      this.log.warn(
        { reconnect: this.deps.grant.reconnect },
        'relay socket of a later session took over the call',
      );
    }
    this.phase = 'active';
    const runner = new TurnRunner(
      { ...this.deps.engine, log: this.log },
      session,
      {
        speak: (text) => this.sendFrame(encodeRelayText(text, false)),
        filler: (text) => this.sendFrame(encodeRelayText(text, false, true)),
        replied: () => this.sendFrame(encodeRelayText('', true)),
        end: (end) => this.end(handoffFor(end)),
      },
      {
        idle: { idleMs: this.timing.idleMs, speechMsPerChar: this.timing.speechMsPerChar },
        deadline: true,
        fillerMs: this.timing.fillerMs,
        toolFillerMs: this.timing.toolFillerMs,
      },
    );
    this.runner = runner;
    this.log.info({ next_seq: session.nextSeq }, 'relay session started');
    // Twilio is speaking the greeting (or resumes a call silently): the caller's silence counts after
    // it. A queued prompt stops the clock again at once.
    if (this.agentSpeaking) runner.playback(true);
    runner.start();
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

  private onNoSetup(): void {
    if (this.phase !== 'awaiting-setup') return;
    this.log.warn({ timeout_ms: this.timing.setupMs }, 'relay socket sent no setup in time; closing');
    this.closeSocket(CLOSE_POLICY, 'no setup');
  }

  /** Speaker events (with the `events` attribute): playback start and end, known instead of estimated. */
  private onInfo(name: string, value: unknown): void {
    if (name === 'agentSpeaking') this.agentSpeaking = value === 'on';
    const runner = this.runner;
    if (this.phase !== 'active' || !runner) return;
    if (name === 'clientSpeaking' && value === 'on') runner.callerActive();
    if (name === 'agentSpeaking') runner.playback(this.agentSpeaking);
    const moment = reportedMoment(name, value);
    if (moment) runner.reported(moment);
  }

  // ---- outbound and lifecycle ------------------------------------------------------------------

  private sendFrame(frame: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(frame);
    return true;
  }

  private send(message: RelayOutbound): boolean {
    try {
      return this.sendFrame(encodeRelayMessage(message));
    } catch (error) {
      // Twilio would drop it (64107) and the caller would hear nothing: our bug, logged loudly.
      this.log.error({ err: error }, 'refused to send an invalid relay message');
      return false;
    }
  }

  /** Sends `end`; Twilio then requests the <Connect action> URL, which reads handoffData. */
  private end(handoff: Handoff): void {
    if (this.phase === 'ended' || this.phase === 'closed') return;
    this.phase = 'ended';
    this.keypad.clear();
    this.runner?.stop('session ended');
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
    clearTimeout(this.setupTimer);
    this.keypad.clear();
    // Whatever the caller heard is stored with the turn; no more tokens are paid for.
    this.runner?.stop('socket closed');
    this.deps.sessions.remove(this, this.callSid);
    if (this.callSid) this.log.info({ code, during_call: wasActive }, 'relay socket closed');
  }

  replaced(): void {
    this.log.info('a relay socket of a later session took over this call; closing this one');
    this.runner?.stop('replaced');
    this.phase = 'ended';
    this.closeSocket(1000, 'replaced by a newer session');
  }

  async shutdown(graceMs: number): Promise<void> {
    if (this.phase === 'closed' || this.phase === 'ended') return;
    if (this.phase !== 'active') return this.closeSocket(CLOSE_GOING_AWAY, 'server shutting down');
    await this.runner?.drain(graceMs);
    this.end({ reason: 'server-restart' });
  }
}

/** The handoffData of a turn that ended the call: the <Connect action> URL hangs up or dials. */
function handoffFor(end: CallEnd): Handoff {
  return end.kind === 'transfer'
    ? { reason: 'transfer', target_id: end.target.id }
    : { reason: 'end', ended_by: end.endedBy };
}
