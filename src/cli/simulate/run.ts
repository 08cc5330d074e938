// Runs one simulated call against a server and reads back what the server stored.
import { startRecordingServer } from '../../simulator/recording-server.js';
import { TwilioSimulator, type SimulatedCall } from '../../simulator/twilio-simulator.js';
import type { SimulationTarget } from './target.js';

export interface SimulationRequest {
  agentId: string;
  /** The person's number. */
  caller: string;
  /** Our Twilio number. */
  ourNumber: string;
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
}

export interface SimulationResult {
  call_sid: string;
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
  const call = await simulator.callAgent({
    agentId: request.agentId,
    caller: request.caller,
    ourNumber: request.ourNumber,
    transport: 'gather',
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
  const next = async (index: number) => (request.ask ? request.ask() : request.lines[index]);
  for (let index = 0; !call.ended; index += 1) {
    const line = await next(index);
    if (line === undefined) break;
    if (line.trim() === '') await call.silence();
    else await call.say(line, { confidence: request.confidence });
    show();
  }
  if (!call.ended) await call.hangUp();
  await deliverRecording(target, call);
  return fetchResult(target, call.callSid);
}

// A copy that needs the 404 retry lands within a few seconds; past this the result shows it pending.
const RECORDING_WAIT_MS = 20_000;

/**
 * Plays Twilio's recording side: serves the call's audio behind Basic auth (404 at first, as a fresh
 * recording often is), sends the recording status callback, and waits until the server copied it.
 */
export async function deliverRecording(target: SimulationTarget, call: SimulatedCall): Promise<void> {
  const media = await startRecordingServer({
    accountSid: target.accountSid,
    authToken: target.authToken,
    notFoundFirst: 1,
  });
  try {
    const recording = media.addRecording(call.callSid, { durationSeconds: 8 });
    await call.sendRecording({
      url: `${target.publicUrl}/twilio/recording`,
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
    await media.close();
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
    status: call.status as string | undefined,
    ended_by: call.ended_by as string | undefined,
    data_collected: (call.data_collected ?? {}) as Record<string, unknown>,
    transcript: call.transcript,
    ...(call.summary ? { summary: call.summary as string } : {}),
    ...(call.outcome ? { outcome: call.outcome as string } : {}),
    ...(call.recording ? { recording: call.recording } : {}),
  };
}
