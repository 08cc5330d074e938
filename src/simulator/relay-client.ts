// Plays Twilio's side of ConversationRelay over a real WebSocket: a signed handshake, `setup`, caller
// prompts, interruptions mid-reply, DTMF and a lost connection. Like Twilio it checks every message
// it receives and drops malformed ones (error 64107), and it ignores message types it does not know.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { AppError } from '../domain/errors.js';
import { relayOutboundSchema } from '../adapters/twilio/relay-codec.js';
import { HandshakeError, openSignedSocket, type SignedSocketOptions } from './signed-socket.js';

export interface RelaySetup {
  callSid: string;
  from: string;
  to: string;
  accountSid?: string;
  sessionId?: string;
  /** Default 'inbound'. */
  direction?: string;
  /** Default 'RINGING' for inbound calls, 'IN-PROGRESS' otherwise. */
  callStatus?: string;
  callType?: string;
  parentCallSid?: string;
  forwardedFrom?: string;
  callerName?: string;
  customParameters?: Record<string, string>;
}

export interface ConnectRelayOptions extends SignedSocketOptions {
  setup: RelaySetup;
  /** How long prompt() and friends wait for a reply to finish. Default 10 s. */
  replyTimeoutMs?: number;
  /** Close the socket after an `end` message, as Twilio does. Default true. */
  closeOnEnd?: boolean;
}

export interface RelayRecord {
  direction: 'sent' | 'received';
  at: string;
  /** Milliseconds since the client was created, monotonic. */
  elapsedMs: number;
  /** The parsed JSON, or the raw frame when it was not JSON. */
  message: unknown;
}

export interface AgentReply {
  /** The text tokens concatenated. */
  text: string;
  tokens: string[];
  /** Monotonic times (see RelayRecord.elapsedMs) of the request and the first and last token. */
  requestedMs: number;
  firstTokenMs?: number;
  lastTokenMs?: number;
  /** True when an `end` message arrived before a `last:true` text. */
  endedBySession: boolean;
}

export interface InterruptResult {
  interrupted: boolean;
  /** What the caller "heard": the tokens received before the interrupt (or the whole reply). */
  heardText: string;
  tokens: string[];
  durationUntilInterruptMs?: number;
  /** When the interrupt was sent; later text messages in `messages` arrived after the barge-in. */
  interruptSentMs?: number;
  /** The finished reply when it ended before afterTokens tokens. */
  reply?: AgentReply;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** The handshake was answered with an HTTP status instead of an upgrade. */
export class RelayHandshakeError extends HandshakeError {
  constructor(statusCode: number) {
    super(statusCode, 'relay');
  }
}

interface TextToken {
  token: string;
  last: boolean;
  atMs: number;
}

interface Collector {
  onToken(token: TextToken): void;
  onEnd(): void;
  onClose(error: Error): void;
}

const hex32 = () => randomBytes(16).toString('hex');

function setupMessage(setup: RelaySetup): Record<string, unknown> {
  const direction = setup.direction ?? 'inbound';
  return {
    type: 'setup',
    sessionId: setup.sessionId ?? `VX${hex32()}`,
    accountSid: setup.accountSid ?? `AC${'0'.repeat(32)}`,
    parentCallSid: setup.parentCallSid ?? '',
    callSid: setup.callSid,
    from: setup.from,
    to: setup.to,
    forwardedFrom: setup.forwardedFrom ?? '',
    callType: setup.callType ?? 'PSTN',
    callerName: setup.callerName ?? '',
    direction,
    callStatus: setup.callStatus ?? (direction === 'inbound' ? 'RINGING' : 'IN-PROGRESS'),
    customParameters: setup.customParameters ?? {},
  };
}

export class RelayClient {
  readonly messages: RelayRecord[] = [];
  /** Messages Twilio would have dropped with 64107, with the reason. */
  readonly invalidMessages: { reason: string; message: unknown }[] = [];
  endMessage: { handoffData?: string } | undefined;
  readonly sessionId: string;
  readonly closed: Promise<CloseInfo>;

  private readonly startedAt = performance.now();
  private backlog: TextToken[] = [];
  private collector: Collector | undefined;
  private endWaiters: ((end: { handoffData?: string } | undefined) => void)[] = [];
  private closeInfo: CloseInfo | undefined;

  constructor(
    private readonly socket: WebSocket,
    setup: Record<string, unknown>,
    private readonly options: { replyTimeoutMs: number; closeOnEnd: boolean },
  ) {
    this.sessionId = String(setup.sessionId);
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        this.collector?.onClose(
          new AppError('unavailable', `relay socket closed (${code}) before the reply ended`),
        );
        for (const waiter of this.endWaiters.splice(0)) waiter(this.endMessage);
        resolve(this.closeInfo);
      });
    });
    // After the handshake, socket errors (a reset when the server dies) surface as a close.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.receive(isBinary ? '' : data.toString()));
    this.send(setup);
  }

  private now(): number {
    return performance.now() - this.startedAt;
  }

  private record(direction: RelayRecord['direction'], message: unknown): void {
    this.messages.push({ direction, at: new Date().toISOString(), elapsedMs: this.now(), message });
  }

  /** Sends a message as is (an object is JSON-encoded); for junk and abuse tests too. */
  send(message: object | string): void {
    this.record('sent', message);
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  private receive(raw: string): void {
    let message: unknown = raw;
    try {
      message = JSON.parse(raw);
    } catch {
      // Recorded as the raw frame below and reported like any malformed message.
    }
    this.record('received', message);
    const type = (message as { type?: unknown } | null)?.type;
    const known = ['text', 'play', 'sendDigits', 'language', 'end'];
    if (typeof type === 'string' && !known.includes(type)) return; // a newer message type: ignore it
    const parsed = relayOutboundSchema.safeParse(message);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      this.invalidMessages.push({ reason, message });
      this.send({ type: 'error', description: `Invalid message (64107): ${reason}` });
      return;
    }
    const valid = parsed.data;
    if (valid.type === 'text') {
      const token = { token: valid.token, last: valid.last, atMs: this.now() };
      if (this.collector) this.collector.onToken(token);
      else this.backlog.push(token);
    } else if (valid.type === 'end') {
      this.endMessage = valid.handoffData === undefined ? {} : { handoffData: valid.handoffData };
      this.collector?.onEnd();
      for (const waiter of this.endWaiters.splice(0)) waiter(this.endMessage);
      if (this.options.closeOnEnd) this.socket.close(1000, 'session ended');
    }
  }

  /** Collects text tokens until `last:true`; optionally stops early after afterTokens non-empty tokens. */
  private collect(
    timeoutMs: number,
    afterTokens?: number,
  ): Promise<{ reply: AgentReply; cutShort: boolean }> {
    if (this.collector) throw new AppError('conflict', 'a reply is already being awaited');
    if (this.closeInfo) return Promise.reject(new AppError('unavailable', 'relay socket is closed'));
    const reply: AgentReply = { text: '', tokens: [], requestedMs: this.now(), endedBySession: false };
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, cutShort = false) => {
        clearTimeout(timer);
        this.collector = undefined;
        if (error) reject(error);
        else resolve({ reply: { ...reply, text: reply.tokens.join('') }, cutShort });
      };
      const timer = setTimeout(
        () => finish(new AppError('unavailable', `no complete reply within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.collector = {
        onToken: (token) => {
          if (token.token.length > 0) {
            reply.tokens.push(token.token);
            reply.firstTokenMs ??= token.atMs;
            reply.lastTokenMs = token.atMs;
          }
          if (token.last) finish();
          else if (afterTokens !== undefined && reply.tokens.length >= afterTokens) finish(undefined, true);
        },
        onEnd: () => {
          reply.endedBySession = true;
          finish();
        },
        onClose: (error) => finish(error),
      };
      for (const token of this.backlog.splice(0)) this.collector?.onToken(token);
    });
  }

  /** Waits for the agent's next complete reply, starting with any text already received. */
  async nextReply(timeoutMs = this.options.replyTimeoutMs): Promise<AgentReply> {
    return (await this.collect(timeoutMs)).reply;
  }

  /** Says `text` as a final caller prompt and resolves with the agent's whole reply. */
  async prompt(text: string, options: { lang?: string; timeoutMs?: number } = {}): Promise<AgentReply> {
    this.backlog = []; // leftovers of an interrupted reply: Twilio would not speak them any more
    this.send({ type: 'prompt', voicePrompt: text, lang: options.lang ?? 'en-US', last: true });
    return this.nextReply(options.timeoutMs);
  }

  /** Says `text`, then barges in once afterTokens text tokens of the reply have arrived. */
  async promptAndInterrupt(
    text: string,
    options: { afterTokens: number; lang?: string; timeoutMs?: number },
  ): Promise<InterruptResult> {
    this.backlog = [];
    this.send({ type: 'prompt', voicePrompt: text, lang: options.lang ?? 'en-US', last: true });
    const afterTokens = Math.max(1, options.afterTokens);
    const { reply, cutShort } = await this.collect(
      options.timeoutMs ?? this.options.replyTimeoutMs,
      afterTokens,
    );
    if (!cutShort) return { interrupted: false, heardText: reply.text, tokens: reply.tokens, reply };
    const interruptSentMs = this.now();
    const durationUntilInterruptMs = Math.round(interruptSentMs - (reply.firstTokenMs ?? interruptSentMs));
    this.send({ type: 'interrupt', utteranceUntilInterrupt: reply.text, durationUntilInterruptMs });
    return {
      interrupted: true,
      heardText: reply.text,
      tokens: reply.tokens,
      durationUntilInterruptMs,
      interruptSentMs,
    };
  }

  /** The caller presses a key (requires dtmfDetection); read any reply with nextReply(). */
  dtmf(digit: string): void {
    this.send({ type: 'dtmf', digit });
  }

  /** Resolves with the `end` message, or undefined when the socket closes without one. */
  waitForEnd(timeoutMs = this.options.replyTimeoutMs): Promise<{ handoffData?: string } | undefined> {
    if (this.endMessage || this.closeInfo) return Promise.resolve(this.endMessage);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new AppError('unavailable', `no end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.endWaiters.push((end) => {
        clearTimeout(timer);
        resolve(end);
      });
    });
  }

  /** Hangs up cleanly (a close frame), as Twilio does when the caller hangs up. */
  close(code = 1000, reason = 'call ended'): Promise<CloseInfo> {
    if (!this.closeInfo) this.socket.close(code, reason);
    return this.closed;
  }

  /** Loses the connection: the TCP socket is destroyed without a close frame. */
  drop(): Promise<CloseInfo> {
    if (!this.closeInfo) this.socket.terminate();
    return this.closed;
  }
}

/** Opens a signed ConversationRelay socket to our server and sends `setup` as Twilio does. */
export async function connectRelay(options: ConnectRelayOptions): Promise<RelayClient> {
  const socket = await openSignedSocket(options, (status) => new RelayHandshakeError(status), 'relay');
  return new RelayClient(socket, setupMessage(options.setup), {
    replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
    closeOnEnd: options.closeOnEnd ?? true,
  });
}
