// Simulated ConversationRelay calls for the benchmarks, lean enough to run hundreds in one process
// beside the fake model: the signed voice webhook, the relay socket from its TwiML with a signed
// handshake and `setup`, then a final `prompt` per turn with a think time between turns. Every text
// frame is timed with performance.now(), the fake model's clock. (src/simulator/relay-client.ts
// plays Twilio more fully, with schema checks on every frame; here that would load the client.)
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { signTwilioRequest, type FormParams } from '../src/adapters/twilio/signature.js';
import { newSid, voiceParams, type CallIdentity } from '../src/simulator/twilio-params.js';
import { parseTwiml, type ConnectVerb } from '../src/simulator/twiml-parser.js';
import { benchTag } from './fake-model.js';
import type { RelayServerSetup } from './relay-server.js';

export type RelayTargetKind = 'app' | 'echo';

export interface RelayCallSpec {
  index: number;
  callSid: string;
  from: string;
  /** Where the socket opens on the server under test (ws://127.0.0.1:port/…). */
  wsUrl: string;
  /** The wss:// URL from the TwiML, which the handshake signature covers. */
  signedUrl: string;
  parameters: Record<string, string>;
}

export interface TextPiece {
  atMs: number;
  /** Characters of the reply received up to and including this piece. */
  endChars: number;
}

export interface RelayTurnRecord {
  call: number;
  turn: number;
  promptMs: number;
  pieces: TextPiece[];
  /** `last:true` arrived (app) or the prompt came back (echo). */
  lastMs?: number;
  text: string;
  error?: string;
}

export interface RelayLoadResult {
  turns: RelayTurnRecord[];
  windowStartMs: number;
  windowEndMs: number;
  /** Failures outside any turn: handshakes, sockets closed by the server, unexpected `end`. */
  errors: string[];
}

export interface RelayLoadOptions {
  kind: RelayTargetKind;
  warmUpMs: number;
  measureMs: number;
  /** The caller's pause after a reply ends before the next prompt, drawn uniformly. */
  thinkMs: [number, number];
  replyTimeoutMs: number;
  /**
   * Called once every socket is open and set up (before any prompt), and when the measured window
   * starts and ends: to read and reset the server's stats.
   */
  onWindow?: (phase: 'connected' | 'start' | 'end') => void;
}

// A fixed seed per call: runs draw the same think times.
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function encode(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) form.append(key, v);
  return form.toString();
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
}

/**
 * Places `count` inbound calls to the agent's number: each signed voice webhook must answer
 * <Connect><ConversationRelay>. In echo mode no webhook exists, and the specs are made up.
 */
export async function answerRelayCalls(
  serverUrl: string,
  setup: RelayServerSetup,
  count: number,
  kind: RelayTargetKind,
  firstIndex = 0,
): Promise<{ calls: RelayCallSpec[]; failures: string[] }> {
  const socketBase = serverUrl.replace(/^http/, 'ws');
  const specs = Array.from({ length: count }, (_, i) => {
    const index = firstIndex + i;
    const identity: CallIdentity = {
      callSid: newSid('CA'),
      accountSid: setup.accountSid,
      direction: 'inbound',
      from: `+1415556${String(index % 10_000).padStart(4, '0')}`,
      to: setup.agentNumber,
    };
    return identity;
  });
  if (kind === 'echo') {
    return {
      calls: specs.map((identity, i) => ({
        index: firstIndex + i,
        callSid: identity.callSid,
        from: identity.from,
        wsUrl: `${socketBase}/twilio/relay`,
        signedUrl: `${setup.publicUrl.replace(/^http/, 'ws')}/twilio/relay`,
        parameters: {},
      })),
      failures: [],
    };
  }
  const pool = new Pool(serverUrl, { connections: 50, pipelining: 1 });
  const calls: RelayCallSpec[] = [];
  const failures: string[] = [];
  await forEachLimited(
    specs.map((identity, i) => ({ identity, index: firstIndex + i })),
    50,
    async ({ identity, index }) => {
      const params = voiceParams(identity, 'ringing');
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/twilio/voice',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': signTwilioRequest(
              setup.authToken,
              `${setup.publicUrl}/twilio/voice`,
              params,
            ),
            'user-agent': 'TwilioProxy/1.1',
          },
          body: encode(params),
        });
        const body = await response.body.text();
        const connect = parseTwiml(body).find((verb): verb is ConnectVerb => verb.verb === 'connect');
        if (response.statusCode !== 200 || !connect?.relay) {
          failures.push(`voice webhook ${response.statusCode}: ${body.slice(0, 160)}`);
          return;
        }
        // Path and query as in the TwiML: the socket URL is signed for this one call.
        const socketUrl = new URL(connect.relay.url);
        calls.push({
          index,
          callSid: identity.callSid,
          from: identity.from,
          wsUrl: `${socketBase}${socketUrl.pathname}${socketUrl.search}`,
          signedUrl: connect.relay.url,
          parameters: connect.relay.parameters,
        });
      } catch (error) {
        failures.push(`voice webhook: ${String(error)}`);
      }
    },
  );
  await pool.close();
  calls.sort((a, b) => a.index - b.index);
  return { calls, failures };
}

/** One open relay socket and the reply it is waiting for. */
class BenchRelayCall {
  private pending:
    { record: RelayTurnRecord; done: () => void; timer: NodeJS.Timeout; expectEcho?: string } | undefined;
  private closing = false;

  constructor(
    readonly spec: RelayCallSpec,
    private readonly socket: WebSocket,
    private readonly kind: RelayTargetKind,
    private readonly errors: string[],
  ) {
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('close', (code) => {
      if (!this.closing) this.errors.push(`call ${spec.index}: socket closed by the server (${code})`);
      this.settle('socket closed');
    });
    socket.on('error', () => undefined);
  }

  static async open(spec: RelayCallSpec, setup: RelayServerSetup, kind: RelayTargetKind, errors: string[]) {
    const socket = new WebSocket(spec.wsUrl, {
      headers: { 'x-twilio-signature': signTwilioRequest(setup.authToken, spec.signedUrl, {}) },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake answered ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
    const call = new BenchRelayCall(spec, socket, kind, errors);
    socket.send(
      JSON.stringify({
        type: 'setup',
        sessionId: newSid('VX'),
        accountSid: setup.accountSid,
        parentCallSid: '',
        callSid: spec.callSid,
        from: spec.from,
        to: setup.agentNumber,
        forwardedFrom: '',
        callType: 'PSTN',
        callerName: '',
        direction: 'inbound',
        callStatus: 'RINGING',
        customParameters: spec.parameters,
      }),
    );
    return call;
  }

  private receive(raw: string): void {
    let message: { type?: string; token?: unknown; last?: unknown; voicePrompt?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      this.errors.push(`call ${this.spec.index}: a frame that is not JSON`);
      return;
    }
    const at = performance.now();
    const pending = this.pending;
    if (this.kind === 'echo') {
      if (message.type === 'prompt' && pending && message.voicePrompt === pending.expectEcho) {
        pending.record.lastMs = at;
        this.settle();
      }
      return;
    }
    if (message.type === 'end') {
      this.errors.push(`call ${this.spec.index}: the server ended the session`);
      return;
    }
    if (message.type !== 'text' || typeof message.token !== 'string') return;
    if (!pending) {
      this.errors.push(`call ${this.spec.index}: text outside a turn`);
      return;
    }
    const record = pending.record;
    if (message.token.length > 0) {
      record.text += message.token;
      record.pieces.push({ atMs: at, endChars: record.text.length });
    }
    if (message.last === true) {
      record.lastMs = at;
      this.settle();
    }
  }

  private settle(error?: string): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (error) pending.record.error = error;
    pending.done();
  }

  prompt(turn: number, timeoutMs: number): Promise<RelayTurnRecord> {
    const voicePrompt = `What is the weather like today? ${benchTag(this.spec.index, turn)}`;
    const record: RelayTurnRecord = {
      call: this.spec.index,
      turn,
      promptMs: performance.now(),
      pieces: [],
      text: '',
    };
    return new Promise((resolve) => {
      this.pending = {
        record,
        done: () => resolve(record),
        timer: setTimeout(() => this.settle(`no complete reply within ${timeoutMs} ms`), timeoutMs),
        expectEcho: voicePrompt,
      };
      if (this.socket.readyState !== WebSocket.OPEN) return this.settle('socket not open');
      this.socket.send(JSON.stringify({ type: 'prompt', voicePrompt, lang: 'en-US', last: true }));
    });
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close(1000, 'call ended');
    const killer = setTimeout(() => this.socket.terminate(), 5_000);
    return closed.finally(() => clearTimeout(killer));
  }
}

/**
 * Opens every call's socket, then runs the turns: each call starts after a random part of one think
 * time (so the calls do not speak in lockstep), then prompts, waits for the whole reply, thinks,
 * and prompts again until warmUpMs + measureMs have passed. Sockets are closed at the end.
 */
export async function runRelayLoad(
  calls: RelayCallSpec[],
  setup: RelayServerSetup,
  options: RelayLoadOptions,
): Promise<RelayLoadResult> {
  const errors: string[] = [];
  const open: BenchRelayCall[] = [];
  await forEachLimited(calls, 50, async (spec) => {
    try {
      open.push(await BenchRelayCall.open(spec, setup, options.kind, errors));
    } catch (error) {
      errors.push(`call ${spec.index}: ${String(error)}`);
    }
  });
  // Lets the server finish the `setup`s (each loads the call) before the clock starts.
  await sleep(500);
  options.onWindow?.('connected');

  const turns: RelayTurnRecord[] = [];
  const start = performance.now();
  const windowStartMs = start + options.warmUpMs;
  const windowEndMs = windowStartMs + options.measureMs;
  const timers = [
    setTimeout(() => options.onWindow?.('start'), options.warmUpMs),
    setTimeout(() => options.onWindow?.('end'), options.warmUpMs + options.measureMs),
  ];
  const [thinkMin, thinkMax] = options.thinkMs;
  await Promise.all(
    open.map(async (call) => {
      const draw = random(call.spec.index + 1);
      await sleep(draw() * thinkMax);
      for (let turn = 1; performance.now() < windowEndMs; turn += 1) {
        const record = await call.prompt(turn, options.replyTimeoutMs);
        turns.push(record);
        if (record.error === 'socket closed') return;
        await sleep(thinkMin + draw() * (thinkMax - thinkMin));
      }
    }),
  );
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(open.map((call) => call.close()));
  return { turns, windowStartMs, windowEndMs, errors };
}
