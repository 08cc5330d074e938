// Twilio's side of ConversationRelay calls, as ../shared/voicebench plays it: the signed voice webhook,
// the socket its <ConversationRelay url> names (a signed handshake), `setup`, then final `prompt`s,
// each after a think time, each waiting for the whole reply (`last:true`). Every frame is timed on
// this process's clock, which the fake model shares.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { benchTag } from '../fake-model.js';
import {
  callerNumber,
  seeded,
  startCalls,
  type CallPlan,
  type CallRecord,
  type TurnRecord,
} from './call-plan.js';
import {
  postSigned,
  twilioSignature,
  twimlAttribute,
  twimlParameters,
  voiceParams,
  type TwilioAccount,
} from './twilio-side.js';

export interface RelayTarget {
  /** A server that answers calls: voice webhook first, then the socket its TwiML names. */
  voice?: { serverUrl: string; account: TwilioAccount; agentNumber: string };
  /** Otherwise the socket opens here, unsigned (the baseline has no webhook). */
  socketUrl?: string;
}

interface SocketPlace {
  url: string;
  headers: Record<string, string>;
  parameters: Record<string, string>;
}

async function socketFor(
  target: RelayTarget,
  callSid: string,
  index: number,
  timeoutMs: number,
): Promise<SocketPlace> {
  if (!target.voice) return { url: target.socketUrl!, headers: {}, parameters: {} };
  const { serverUrl, account, agentNumber } = target.voice;
  const call = { callSid, from: callerNumber(index), to: agentNumber };
  const twiml = await postSigned(
    serverUrl,
    account,
    `${account.publicUrl}/twilio/voice`,
    voiceParams(account, call, 'ringing'),
    timeoutMs,
  );
  const signedUrl = twimlAttribute(twiml, 'ConversationRelay', 'url');
  if (!signedUrl) throw new Error(`no <ConversationRelay url> in ${twiml.slice(0, 120)}`);
  const path = new URL(signedUrl);
  return {
    url: `${serverUrl.replace(/^http/, 'ws')}${path.pathname}${path.search}`,
    headers: { 'x-twilio-signature': twilioSignature(account.authToken, signedUrl) },
    parameters: twimlParameters(twiml),
  };
}

function open(url: string, headers: Record<string, string>, timeoutMs: number): Promise<WebSocket> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    socket.once('open', () => done(socket));
    socket.once('unexpected-response', (_request, response) => {
      fail(new Error(`handshake refused: HTTP ${response.statusCode}`));
      socket.terminate();
    });
    socket.once('error', fail);
  });
}

async function relayCall(target: RelayTarget, plan: CallPlan, index: number): Promise<CallRecord> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const record: CallRecord = { index, callSid, turns: [] };
  let socket: WebSocket;
  let parameters: Record<string, string>;
  try {
    const where = await socketFor(target, callSid, index, plan.replyTimeoutMs);
    parameters = where.parameters;
    socket = await open(where.url, where.headers, plan.replyTimeoutMs);
  } catch (error) {
    record.failure = (error as Error).message;
    return record;
  }
  let pending: { turn: TurnRecord; done: () => void } | undefined;
  let closed = false;
  let lost = false;
  socket.on('message', (data) => {
    const at = performance.now();
    if (!pending) return;
    let message: { type?: string; token?: string; last?: boolean };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'text') return;
    if (message.token && pending.turn.firstTextMs === undefined) pending.turn.firstTextMs = at;
    if (message.last) {
      pending.turn.lastMs = at;
      pending.done();
    }
  });
  socket.on('close', () => {
    closed = true;
    if (pending) pending.turn.error ??= 'socket closed by the server';
    pending?.done();
  });
  socket.on('error', () => undefined);
  socket.send(
    JSON.stringify({
      type: 'setup',
      sessionId: `VX${randomBytes(16).toString('hex')}`,
      accountSid: target.voice?.account.accountSid ?? `AC${'0'.repeat(32)}`,
      parentCallSid: '',
      callSid,
      from: callerNumber(index),
      to: target.voice?.agentNumber ?? '+14155550188',
      forwardedFrom: '',
      callType: 'PSTN',
      callerName: '',
      direction: 'inbound',
      callStatus: 'RINGING',
      customParameters: parameters,
    }),
  );
  const random = seeded(index + 1);
  for (let t = 0; t < plan.turns; t++) {
    const [min, max] = plan.thinkMs;
    await sleep(min + random() * (max - min));
    const tag = benchTag(index, t);
    const turn: TurnRecord = { tag, sentMs: performance.now() };
    record.turns.push(turn);
    if (closed || lost) {
      // After a timeout the late reply's frames would pass for the next one's: the call stops.
      turn.error = closed ? 'socket closed by the server' : 'not sent: an earlier reply timed out';
      continue;
    }
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        turn.error ??= `no whole reply within ${plan.replyTimeoutMs / 1_000} s`;
        lost = true;
        finish();
      }, plan.replyTimeoutMs);
      const finish = () => {
        clearTimeout(timer);
        pending = undefined;
        done();
      };
      pending = { turn, done: finish };
      turn.sentMs = performance.now();
      socket.send(
        JSON.stringify({
          type: 'prompt',
          voicePrompt: `Hello, this is ${tag}. How are you?`,
          lang: 'en-US',
          last: true,
        }),
      );
    });
  }
  if (!closed) {
    const gone = new Promise((done) => socket.once('close', done));
    socket.close(1000);
    await Promise.race([gone, sleep(2_000)]);
    socket.terminate();
  }
  return record;
}

/** Runs `plan.calls` calls against `target`, started evenly over `plan.rampMs`. */
export function runRelayCalls(target: RelayTarget, plan: CallPlan): Promise<CallRecord[]> {
  return startCalls(plan, (index) => relayCall(target, plan, index));
}
