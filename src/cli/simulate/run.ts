// Runs one simulated call against a server and reads back what the server stored.
import { recognizerText } from '../../simulator/recognizer-text.js';
import { startRecordingServer, type RecordingServer } from '../../simulator/recording-server.js';
import {
  TwilioSimulator,
  type RestRecordingOptions,
  type SimulatedCall,
} from '../../simulator/twilio-simulator.js';
import type { SimulationTarget } from './target.js';

export interface SimulationRequest {
  /** Outbound: the agent our server placed the call for. Inbound: the number's agent answers. */
  agentId?: string;
  /** The person calls our number (Twilio's inbound call, routed by the phone-number table). */
  inbound?: boolean;
  /** The person's number (inbound: the caller, possibly the withheld placeholder). */
  caller: string;
  /** Our Twilio number. */
  ourNumber: string;
  /** Inbound: the StirVerstat Twilio sends; null sends none (see TwilioSimulator.startCall). */
  stirVerstat?: string | null;
  /** Outbound: our server asked Twilio to record the call (RECORD_CALLS). */
  record?: boolean;
  transport: 'gather' | 'relay';
  lines: string[];
  confidence: number;
  interruptAfter?: number;
  /** Relay: line index → keys pressed before that line (index lines.length: after the last). */
  dtmf?: Record<number, string>;
  /** Relay: line index after whose reply the socket is lost (Twilio then reconnects the call). */
  dropAfterLine?: number;
  /** Interactive mode: the next caller line, or undefined to hang up. */
  ask?: () => Promise<string | undefined>;
  onLine?: (speaker: 'agent' | 'caller', text: string) => void;
  /** Something the person should know that is not the call's result (stderr). */
  warn?: (message: string) => void;
}

/** What our server asks Twilio for when it places a call with RECORD_CALLS on (rest-telephony.ts). */
export function outboundRecording(
  target: SimulationTarget,
  request: SimulationRequest,
): RestRecordingOptions | undefined {
  if (request.inbound || !request.record) return undefined;
  return { statusCallbackUrl: `${target.publicUrl}/twilio/recording`, events: ['completed', 'absent'] };
}

export interface SimulationResult {
  call_sid: string;
  agent_id?: string;
  direction?: string;
  status?: string;
  ended_by?: string;
  data_collected: Record<string, unknown>;
  transcript: unknown[];
  summary?: string;
  outcome?: string;
  recording?: unknown;
  /** Relay: sockets opened, 1 plus one per reconnect. */
  relay_sessions?: number;
}

export async function runSimulation(
  target: SimulationTarget,
  request: SimulationRequest,
): Promise<SimulationResult> {
  if (request.transport === 'relay') {
    const { runRelaySimulation } = await import('./run-relay.js');
    return runRelaySimulation(target, request);
  }
  const simulator = new TwilioSimulator({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
  });
  const record = outboundRecording(target, request);
  const call = request.inbound
    ? await simulator.startCall({
        direction: 'inbound',
        from: request.caller,
        to: request.ourNumber,
        ...(request.stirVerstat !== undefined ? { stirVerstat: request.stirVerstat } : {}),
      })
    : await simulator.callAgent({
        agentId: request.agentId ?? '',
        caller: request.caller,
        ourNumber: request.ourNumber,
        transport: 'gather',
        ...(record ? { record } : {}),
      });
  let shown = 0;
  const show = () => {
    for (const entry of call.transcript.slice(shown)) {
      if (entry.speaker === 'agent' && entry.text) request.onLine?.('agent', entry.text);
    }
    shown = call.transcript.length;
  };
  show();
  const failure = call.applicationErrors[0];
  if (failure) {
    const hint =
      failure.status === 403
        ? ` (signed for ${target.publicUrl}: pass the server's PUBLIC_URL with --public-url)`
        : '';
    throw new Error(`the server did not answer the call: ${failure.detail}${hint}`);
  }
  if (call.relay) {
    await call.hangUp();
    throw new Error(
      `the agent on ${request.ourNumber} answers over ConversationRelay: add --transport relay`,
    );
  }
  const next = async (index: number) => (request.ask ? request.ask() : request.lines[index]);
  for (let index = 0; !call.ended; index += 1) {
    const line = await next(index);
    if (line === undefined) break;
    if (line.trim() === '') await call.silence();
    else await call.say(recognizerText(line), { confidence: request.confidence });
    show();
  }
  if (!call.ended) await call.hangUp();
  await deliverRecording(target, call, request.warn);
  return fetchResult(target, call.callSid);
}

// A copy that needs the 404 retry lands within a few seconds; past this the result shows it pending.
const RECORDING_WAIT_MS = 20_000;

/** A media host at the target's TWILIO_API_URL, when that is a loopback URL this process can take. */
async function mediaHostFor(target: SimulationTarget): Promise<{ media?: RecordingServer; reason?: string }> {
  if (target.media) return { media: target.media };
  const base = target.twilioApiUrl ? new URL(target.twilioApiUrl) : undefined;
  const host = base?.hostname.replace(/^\[(.*)\]$/, '$1');
  if (
    !base ||
    base.protocol !== 'http:' ||
    !base.port ||
    !['127.0.0.1', 'localhost', '::1'].includes(host!)
  ) {
    return {
      reason:
        `the server fetches recordings only from Twilio and TWILIO_API_URL (${target.twilioApiUrl ?? 'unset'}); ` +
        'set TWILIO_API_URL to a free loopback URL such as http://127.0.0.1:3010 for both to see them copied',
    };
  }
  try {
    const media = await startRecordingServer({
      accountSid: target.accountSid,
      authToken: target.authToken,
      notFoundFirst: 1,
      host,
      port: Number(base.port),
    });
    return { media };
  } catch (error) {
    return { reason: `cannot serve recordings at ${base.origin}: ${(error as Error).message}` };
  }
}

/**
 * Plays Twilio's recording side for a call that asked for a recording (REST Record or
 * <Start><Recording>): serves its audio behind Basic auth at the target's TWILIO_API_URL (404 at
 * first, as a fresh recording often is), sends the recording status callback, and waits until the
 * server copied it. A call that asked for none gets no callback, as with Twilio.
 */
export async function deliverRecording(
  target: SimulationTarget,
  call: SimulatedCall,
  warn: (message: string) => void = () => {},
): Promise<void> {
  const asked = call.recordingRequests.some(
    (request) => request.statusCallbackUrl && request.events.includes('completed'),
  );
  if (!asked) return;
  const { media, reason } = await mediaHostFor(target);
  if (!media) {
    warn(`recording not delivered: ${reason ?? 'no media host'}`);
    return;
  }
  try {
    const recording = media.addRecording(call.callSid, { durationSeconds: 8 });
    await call.sendRecording({
      recordingSid: recording.recordingSid,
      recordingUrl: recording.recordingUrl,
      durationSeconds: recording.durationSeconds,
    });
    const deadline = Date.now() + RECORDING_WAIT_MS;
    while (Date.now() < deadline) {
      const result = await fetchResult(target, call.callSid);
      const status = (result.recording as { status?: string } | undefined)?.status;
      if (status && status !== 'pending') return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    if (media !== target.media) await media.close();
  }
}

export async function fetchResult(target: SimulationTarget, callSid: string): Promise<SimulationResult> {
  const response = await fetch(`${target.serverUrl}/calls/${encodeURIComponent(callSid)}`, {
    headers: { authorization: `Bearer ${target.adminApiKey}` },
  });
  if (!response.ok) throw new Error(`reading call ${callSid} failed with HTTP ${response.status}`);
  const call = (await response.json()) as Record<string, unknown> & { transcript: unknown[] };
  return {
    call_sid: callSid,
    agent_id: call.agent_id as string | undefined,
    direction: call.direction as string | undefined,
    status: call.status as string | undefined,
    ended_by: call.ended_by as string | undefined,
    data_collected: (call.data_collected ?? {}) as Record<string, unknown>,
    transcript: call.transcript,
    ...(call.summary ? { summary: call.summary as string } : {}),
    ...(call.outcome ? { outcome: call.outcome as string } : {}),
    ...(call.recording ? { recording: call.recording } : {}),
  };
}
