// Plays Twilio's side of a bidirectional Media Stream over a real WebSocket: a signed handshake,
// `connected` and `start`, the caller's μ-law audio in 20 ms `media` frames (in real time, with silence
// between lines as Twilio streams it, or as fast as the socket takes them for tests), `dtmf`, and
// `stop`. It plays the agent's audio into a simulated earpiece and sends each `mark` back once the
// audio before it has played; `clear` drops what has not. Like Twilio it checks every message it
// receives (mediaStreamOutboundSchema) and ignores message types it does not know.
// Protocol: https://www.twilio.com/docs/voice/media-streams/websocket-messages
import { setImmediate as nextTick } from 'node:timers/promises';
import type WebSocket from 'ws';
import { mediaStreamOutboundSchema } from '../adapters/twilio/media-stream-codec.js';
import { AppError } from '../domain/errors.js';
import { MediaPlayback } from './media-playback.js';
import type { MediaStreamStartFields } from './media-stream-session.js';
import { HandshakeError, openSignedSocket, type SignedSocketOptions } from './signed-socket.js';

const FRAME_BYTES = 160; // 20 ms of μ-law at 8 kHz
const FRAME_MS = 20;
const SILENCE_BYTE = 0xff; // μ-law zero
// Fast pace: frames sent per turn of the event loop, so the server's answers interleave with them.
const FAST_BATCH_FRAMES = 10;

export interface ConnectMediaStreamOptions extends SignedSocketOptions {
  start: MediaStreamStartFields;
  /** 'realtime': a frame every 20 ms, silence when the caller says nothing; 'fast': queued frames at once. */
  pace?: 'realtime' | 'fast';
  /** How fast the earpiece plays agent audio (1: real time, the default; Infinity: at once). */
  playbackRate?: number;
}

export interface StreamRecord {
  direction: 'sent' | 'received';
  /** The parsed JSON, or the raw frame when it was not JSON. Media frames are counted, not kept. */
  message: unknown;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** The handshake was answered with an HTTP status instead of an upgrade. */
export class MediaStreamHandshakeError extends HandshakeError {
  constructor(statusCode: number) {
    super(statusCode, 'media stream');
  }
}

/** Caller audio as Twilio frames it: 160 bytes each, the last one padded with silence. */
export function toFrames(audio: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < audio.length; offset += FRAME_BYTES) {
    const frame = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE);
    audio.copy(frame, 0, offset, Math.min(offset + FRAME_BYTES, audio.length));
    frames.push(frame);
  }
  return frames;
}

export class MediaStreamClient {
  /** Every message but media frames, both ways, in order. */
  readonly messages: StreamRecord[] = [];
  /** Messages Twilio would have refused, with the reason. */
  readonly invalidMessages: { reason: string; message: unknown }[] = [];
  /** Agent audio as received (μ-law), all of it. */
  readonly agentAudio: Buffer[] = [];
  readonly marksReceived: string[] = [];
  /** Marks sent back: the audio before them played, or was cleared. */
  readonly marksPlayed: string[] = [];
  clears = 0;
  framesSent = 0;
  readonly closed: Promise<CloseInfo>;
  readonly playback: MediaPlayback;

  #sequence = 0;
  #chunk = 0;
  #outgoing: Buffer[] = [];
  #sending: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;
  #frameWaiters: { until: number; resolve: () => void }[] = [];
  #replyStart = 0;
  #closeInfo: CloseInfo | undefined;
  #waiters = new Set<() => void>();

  constructor(
    private readonly socket: WebSocket,
    private readonly start: MediaStreamStartFields,
    private readonly pace: 'realtime' | 'fast',
    playbackRate: number,
  ) {
    this.playback = new MediaPlayback(playbackRate, (name) => this.#markPlayed(name));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString('utf8') };
        this.#stop();
        resolve(this.#closeInfo);
      });
    });
    // After the handshake, socket errors (a reset when the server dies) surface as a close.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.#receive(isBinary ? '' : data.toString()));
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: this.#nextSequence(),
      start: { ...start, tracks: [...start.tracks], customParameters: { ...start.customParameters } },
      streamSid: start.streamSid,
    });
    if (pace === 'realtime') this.#ticker = setInterval(() => this.#tick(), FRAME_MS);
  }

  get streamSid(): string {
    return this.start.streamSid;
  }

  get isClosed(): boolean {
    return this.#closeInfo !== undefined;
  }

  /** Agent audio received so far, in milliseconds. */
  get agentAudioMs(): number {
    return this.playback.receivedBytes / 8;
  }

  #nextSequence(): string {
    this.#sequence += 1;
    return String(this.#sequence);
  }

  #send(message: Record<string, unknown>): void {
    if (this.#closeInfo) return;
    if (message.event !== 'media') this.messages.push({ direction: 'sent', message });
    this.socket.send(JSON.stringify(message));
  }

  #sendFrame(frame: Buffer): void {
    this.#chunk += 1;
    this.framesSent += 1;
    this.#send({
      event: 'media',
      sequenceNumber: this.#nextSequence(),
      media: {
        track: 'inbound',
        chunk: String(this.#chunk),
        timestamp: String((this.#chunk - 1) * FRAME_MS),
        payload: frame.toString('base64'),
      },
      streamSid: this.streamSid,
    });
    for (const waiter of this.#frameWaiters.filter((w) => this.framesSent >= w.until)) {
      this.#frameWaiters.splice(this.#frameWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    this.#notify();
  }

  /** Re-checks every waitFor() condition. */
  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Real-time pace: one frame every 20 ms, the caller's next one or silence. */
  #tick(): void {
    this.#sendFrame(this.#outgoing.shift() ?? Buffer.alloc(FRAME_BYTES, SILENCE_BYTE));
  }

  #receive(raw: string): void {
    let message: unknown = raw;
    try {
      message = JSON.parse(raw);
    } catch {
      // Reported below like any malformed message.
    }
    const event = (message as { event?: unknown } | null)?.event;
    if (event !== 'media') this.messages.push({ direction: 'received', message });
    if (typeof event === 'string' && !['media', 'mark', 'clear'].includes(event)) return; // unknown: ignored
    const parsed = mediaStreamOutboundSchema.safeParse(message);
    if (!parsed.success || parsed.data.streamSid !== this.streamSid) {
      const reason = parsed.success
        ? 'streamSid: not this stream'
        : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      this.invalidMessages.push({ reason, message });
      return;
    }
    const valid = parsed.data;
    if (valid.event === 'media') {
      const audio = Buffer.from(valid.media.payload, 'base64');
      this.agentAudio.push(audio);
      this.playback.audio(audio.length);
    } else if (valid.event === 'mark') {
      this.marksReceived.push(valid.mark.name);
      this.playback.mark(valid.mark.name);
    } else {
      this.clears += 1;
      this.playback.clear();
    }
    this.#notify();
  }

  #markPlayed(name: string): void {
    this.marksPlayed.push(name);
    this.#send({
      event: 'mark',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      mark: { name },
    });
    this.#notify();
  }

  /**
   * The caller says `audio` (μ-law, 8 kHz), then trailingSilenceMs of silence; resolves when the last
   * frame is sent. Calls queue one after another; a line said while agent audio is arriving barges in.
   */
  say(audio: Buffer, options: { trailingSilenceMs?: number } = {}): Promise<void> {
    const silence = Buffer.alloc(
      Math.round((options.trailingSilenceMs ?? 0) / FRAME_MS) * FRAME_BYTES,
      SILENCE_BYTE,
    );
    const frames = [...toFrames(audio), ...toFrames(silence)];
    if (this.pace === 'realtime') {
      this.#outgoing.push(...frames);
      const until = this.framesSent + this.#outgoing.length;
      return new Promise((resolve) => this.#frameWaiters.push({ until, resolve }));
    }
    this.#sending = this.#sending.then(async () => {
      for (let index = 0; index < frames.length; index += 1) {
        if (this.#closeInfo) return;
        this.#sendFrame(frames[index]!);
        if ((index + 1) % FAST_BATCH_FRAMES === 0) await nextTick();
      }
    });
    return this.#sending;
  }

  /** The caller says nothing for ms (real time: Twilio streams silence anyway). */
  silence(ms: number): Promise<void> {
    return this.say(Buffer.alloc(0), { trailingSilenceMs: ms });
  }

  /** The caller presses a key. */
  dtmf(digit: string): void {
    this.#send({
      event: 'dtmf',
      streamSid: this.streamSid,
      sequenceNumber: this.#nextSequence(),
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** Resolves when `ready()` holds, checked on every message and frame; rejects after timeoutMs or on close. */
  waitFor(ready: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (ready()) finish();
        else if (this.#closeInfo) finish(new AppError('unavailable', `media stream closed before ${what}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new AppError('unavailable', `no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.add(check);
      void this.closed.then(check);
    });
  }

  /** Waits until at least ms of agent audio has arrived since the last reply was taken. */
  waitForAgentAudio(ms: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(
      () => this.playback.receivedBytes - this.#replyStart >= ms * 8,
      timeoutMs,
      'agent audio',
    );
  }

  /** Waits for the mark of this name to arrive from the server. */
  waitForMark(name: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.marksReceived.includes(name), timeoutMs, `mark ${name}`);
  }

  /**
   * The agent's next reply: the audio that arrived since the last one, once some has come and then
   * none for quietMs (the reply is over, or the agent paused that long).
   */
  async nextReply(options: { quietMs?: number; timeoutMs?: number } = {}): Promise<Buffer> {
    const quietMs = options.quietMs ?? 400;
    await this.waitForAgentAudio(1, options.timeoutMs);
    let seen = -1;
    while (seen !== this.playback.receivedBytes && !this.#closeInfo) {
      seen = this.playback.receivedBytes;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    const all = Buffer.concat(this.agentAudio);
    const reply = all.subarray(this.#replyStart);
    this.#replyStart = all.length;
    return reply;
  }

  #stop(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.playback.stop();
    for (const waiter of this.#frameWaiters.splice(0)) waiter.resolve();
    this.#notify();
  }

  /** The caller hangs up: `stop`, then the socket closes, as Twilio ends a stream with its call. */
  hangUp(): Promise<CloseInfo> {
    this.#send({
      event: 'stop',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: this.start.accountSid, callSid: this.start.callSid },
    });
    this.#stop();
    if (!this.#closeInfo) this.socket.close(1000, 'call ended');
    return this.closed;
  }

  /** Loses the connection: the TCP socket is destroyed without a close frame. */
  drop(): Promise<CloseInfo> {
    this.#stop();
    if (!this.#closeInfo) this.socket.terminate();
    return this.closed;
  }
}

/** Opens a signed Media Streams socket to our server and sends `connected` and `start` as Twilio does. */
export async function connectMediaStream(options: ConnectMediaStreamOptions): Promise<MediaStreamClient> {
  const socket = await openSignedSocket(
    options,
    (status) => new MediaStreamHandshakeError(status),
    'media stream',
  );
  return new MediaStreamClient(socket, options.start, options.pace ?? 'realtime', options.playbackRate ?? 1);
}
