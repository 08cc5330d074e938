// What a simulated call is asked to do and what it gives back: shared by the Gather and relay runs.
import type { SimulatedCall } from '../../simulator/simulated-call.js';
import { TwilioSimulator, type RestRecordingOptions } from '../../simulator/twilio-simulator.js';
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
  transport: 'gather' | 'relay' | 'realtime';
  lines: string[];
  confidence: number;
  interruptAfter?: number;
  /** Line index → keys pressed before that line (index lines.length: after the last). */
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

/**
 * Places the call as Twilio would start it: an inbound call to our number (with the caller's
 * StirVerstat), or the outbound call our server placed for the agent over `transport`.
 */
export async function placeCall(
  target: SimulationTarget,
  request: SimulationRequest,
  transport: 'gather' | 'realtime',
): Promise<SimulatedCall> {
  const simulator = new TwilioSimulator({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
  });
  if (request.inbound) {
    return simulator.startCall({
      direction: 'inbound',
      from: request.caller,
      to: request.ourNumber,
      ...(request.stirVerstat !== undefined ? { stirVerstat: request.stirVerstat } : {}),
    });
  }
  const record = outboundRecording(target, request);
  return simulator.callAgent({
    agentId: request.agentId ?? '',
    caller: request.caller,
    ourNumber: request.ourNumber,
    transport,
    ...(record ? { record } : {}),
  });
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
