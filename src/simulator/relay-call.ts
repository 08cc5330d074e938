// A whole simulated ConversationRelay call, as Twilio would run it against our server: the signed voice
// webhook, the relay socket from its TwiML, caller prompts (optionally barging in after N tokens), DTMF,
// a lost socket followed by the <Connect action> request and a reconnect, and the status callbacks.
import { setImmediate as nextTick } from 'node:timers/promises';
import { callbackUrl } from '../services/callback-url.js';
import { connectRelay, type AgentReply, type RelayClient, type RelayRecord } from './relay-client.js';
import type { EndReason, SimulatedCall } from './simulated-call.js';
import type { DialVerb } from './twiml-parser.js';
import { TwilioSimulator } from './twilio-simulator.js';
import type { RestRecordingOptions } from './call-types.js';
import { SimulatorError } from './webhook-sender.js';

export interface RelayCallOptions {
  /** Where the server under test listens, e.g. http://127.0.0.1:54321. */
  serverUrl: string;
  /** The server's PUBLIC_URL (its TwiML and the signatures use it). */
  publicUrl: string;
  accountSid: string;
  authToken: string;
  /** Set: an outbound call our server placed for this agent (answer URL /twilio/voice?agent_id=…). */
  agentId?: string;
  /** Inbound: the caller. Outbound: our Twilio number. */
  from: string;
  /** Inbound: our Twilio number (it picks the agent). Outbound: the person called. */
  to: string;
  /** What the caller says, one final prompt per line; null: the caller stays silent until the agent speaks. */
  lines: (string | null)[];
  /** Line index → barge in once that many text tokens of the reply have arrived. */
  interruptAfterTokens?: Record<number, number>;
  /** Line index after whose reply the socket is lost (then Twilio requests the action URL and reconnects). */
  dropAfterLine?: number;
  /** Line index → keys pressed before that line (index lines.length: after the last); one reply per key. */
  dtmf?: Record<number, string>;
  replyTimeoutMs?: number;
  /** How long to wait for the agent's `end` after the last line before the caller hangs up. */
  endWaitMs?: number;
  fetchImpl?: typeof fetch;
  /** Outbound: the REST create asked for a recording (Record=true). */
  record?: RestRecordingOptions;
  /** Inbound: the StirVerstat Twilio sends (see TwilioSimulator.startCall). */
  stirVerstat?: string | null;
  /** Each transcript entry as it happens (the CLI prints them). */
  onEntry?: (entry: RelayTranscriptEntry) => void;
}

export interface RelayTranscriptEntry {
  speaker: 'agent' | 'caller';
  /** What was said; for the agent, what the caller heard. */
  text: string;
  /** The caller cut the agent off after this much. */
  interrupted?: boolean;
  event?: 'greeting' | 'digits' | 'silence' | 'socket-lost' | 'reconnected' | 'hangup';
  digits?: string;
}

export interface RelayCallResult {
  callSid: string;
  transcript: RelayTranscriptEntry[];
  /** The agent ended the session with `end` (a finished call or a transfer). */
  ended: boolean;
  endMessage?: { handoffData?: string };
  /** How the phone call ended in the simulator (hangup-verb, dialed, caller-hung-up, …). */
  endReason?: EndReason;
  /** The <Dial> the action URL answered with, for a transfer. */
  transfer?: DialVerb;
  /** Relay sockets opened: 1, plus one per reconnect. */
  sessions: number;
  /** Every complete or interrupted reply with its timings (for benchmarks). */
  replies: AgentReply[];
  /** Every relay message sent and received, over all sessions, in order. */
  messages: RelayRecord[];
  call: SimulatedCall;
}

// Twilio's error for a socket our server dropped mid-call (reliability.md §1.5).
// How long a silent caller waits for the agent's prompt: the server's idle time (8 s by default)
// after a long spoken line, with room to spare.
const SILENCE_REPLY_WAIT_MS = 60_000;
const SOCKET_LOST = { sessionStatus: 'failed', errorCode: 64105, errorMessage: 'The websocket disconnected' };

export async function runRelayCall(options: RelayCallOptions): Promise<RelayCallResult> {
  const simulator = new TwilioSimulator({
    serverUrl: options.serverUrl,
    publicUrl: options.publicUrl,
    accountSid: options.accountSid,
    authToken: options.authToken,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  const outbound = options.agentId !== undefined;
  const call = await simulator.startCall({
    direction: outbound ? 'outbound' : 'inbound',
    from: options.from,
    to: options.to,
    statusEvents: ['answered', 'completed'],
    ...(outbound
      ? {
          voiceUrl: callbackUrl(options.publicUrl, '/twilio/voice', {
            agent_id: options.agentId ?? '',
            transport: 'relay',
          }),
          ...(options.record ? { record: options.record } : {}),
        }
      : options.stirVerstat !== undefined
        ? { stirVerstat: options.stirVerstat }
        : {}),
  });
  if (!outbound) await call.statusEvent('answered', 'in-progress');

  const transcript: RelayTranscriptEntry[] = [];
  const replies: AgentReply[] = [];
  const note = (entry: RelayTranscriptEntry) => {
    transcript.push(entry);
    options.onEntry?.(entry);
  };
  const heard = (reply: AgentReply) => {
    replies.push(reply);
    if (reply.text) note({ speaker: 'agent', text: reply.text });
  };

  let sessions = 0;
  const clients: RelayClient[] = [];
  const open = async (): Promise<RelayClient> => {
    const relay = call.relay;
    if (call.state !== 'in-relay' || !relay) {
      throw new SimulatorError(`the server did not connect a relay session (call is ${call.state})`);
    }
    sessions += 1;
    const greeting = relay.attributes.welcomeGreeting;
    if (greeting) note({ speaker: 'agent', text: greeting, event: 'greeting' });
    const opened = await connectRelay({
      wsUrl: relay.serverUrl,
      signedUrl: relay.url,
      authToken: options.authToken,
      setup: relay.setup,
      ...(options.replyTimeoutMs !== undefined ? { replyTimeoutMs: options.replyTimeoutMs } : {}),
    });
    clients.push(opened);
    return opened;
  };

  let client = await open();
  // Lets messages already on the wire (an `end` right after the last text) reach the client.
  const ended = async () => {
    await nextTick();
    return client.endMessage !== undefined;
  };
  // One `dtmf` message per key, as Twilio sends them. A single key is a menu choice the agent answers
  // at once; several keys are an entry the agent asked to have keyed in, answered once: at # or,
  // without one, after the server's pause.
  const press = async (keys: string) => {
    if (await ended()) return;
    for (const key of keys) {
      note({ speaker: 'caller', text: '', event: 'digits', digits: key });
      client.dtmf(key);
    }
    const entry = keys.length > 1 && !keys.endsWith('#');
    heard(await client.nextReply(entry ? SILENCE_REPLY_WAIT_MS : undefined));
  };

  for (let index = 0; index < options.lines.length; index += 1) {
    const keys = options.dtmf?.[index];
    if (keys) await press(keys);
    if (await ended()) break;
    const line = options.lines[index] ?? null;
    note({ speaker: 'caller', text: line ?? '', ...(line === null ? { event: 'silence' as const } : {}) });
    const afterTokens = options.interruptAfterTokens?.[index];
    if (line === null) {
      // Twilio sends nothing while the caller is silent; the server's own clock prompts the agent.
      heard(await client.nextReply(SILENCE_REPLY_WAIT_MS));
    } else if (afterTokens !== undefined) {
      const result = await client.promptAndInterrupt(line, { afterTokens });
      if (result.interrupted) {
        note({ speaker: 'agent', text: result.heardText, interrupted: true });
        replies.push({
          text: result.heardText,
          tokens: result.tokens,
          requestedMs: 0,
          endedBySession: false,
        });
      } else if (result.reply) {
        heard(result.reply);
      }
    } else {
      heard(await client.prompt(line));
    }
    if (index === options.dropAfterLine && !(await ended())) {
      note({ speaker: 'agent', text: '', event: 'socket-lost' });
      await client.drop();
      await call.endRelay(SOCKET_LOST);
      client = await open();
      note({ speaker: 'agent', text: '', event: 'reconnected' });
    }
  }
  const lastKeys = options.dtmf?.[options.lines.length];
  if (lastKeys) await press(lastKeys);

  if (!(await ended())) await client.waitForEnd(options.endWaitMs ?? 300).catch(() => undefined);
  const endMessage = client.endMessage;
  if (endMessage) {
    // Twilio closes the socket, then asks the action URL what to do with the call.
    await client.closed;
    await call.endRelay({
      sessionStatus: 'completed',
      ...(endMessage.handoffData !== undefined ? { handoffData: endMessage.handoffData } : {}),
    });
  } else {
    note({ speaker: 'caller', text: '', event: 'hangup' });
    await client.close();
  }
  // A call the action URL left running (a reconnect nobody uses) ends with the caller hanging up.
  if (!call.ended) await call.hangUp();

  return {
    callSid: call.callSid,
    transcript,
    ended: endMessage !== undefined,
    ...(endMessage ? { endMessage } : {}),
    ...(call.endReason ? { endReason: call.endReason } : {}),
    ...(call.transfer ? { transfer: call.transfer } : {}),
    sessions,
    replies,
    messages: clients.flatMap((opened) => opened.messages),
    call,
  };
}
