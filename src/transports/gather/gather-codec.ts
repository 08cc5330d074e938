// The <Gather> transport's codec: Twilio's form parameters in, TwiML out. Each webhook is one turn:
// what the caller said (or the silence Twilio timed out on) arrives as a Gather result, and the answer
// speaks the stored turn and listens again, hangs up, or dials a transfer.
import type { Agent, TransferTarget } from '../../domain/agent.js';
import type { Turn } from '../../domain/call.js';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { dialTwiml, gatherTwiml, hangupTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import type { CallerInput } from '../../engine/conversation.js';
import { callbackUrl } from '../../services/callback-url.js';
import { confidenceOf, param } from '../twilio/params.js';

/** Twilio posts what the caller said here; `seq` names the turn it answers. */
export const GATHER_PATH = '/twilio/gather';

/** A Gather result as caller input: speech, keys, or (neither) the silence Twilio timed out on. */
export function gatherInput(params: FormParams): CallerInput {
  const speech = (param(params, 'SpeechResult') ?? '').trim();
  if (speech) return { kind: 'speech', text: speech, confidence: confidenceOf(params) };
  const digits = (param(params, 'Digits') ?? '').trim();
  return digits ? { kind: 'dtmf', digits } : { kind: 'silence' };
}

/** The TwiML that speaks a stored turn and then listens, hangs up, or transfers. */
export function twimlForTurn(input: {
  agent: Agent;
  turn: Turn;
  publicUrl: string;
  transfer?: TransferTarget;
  callerId?: string;
  /** The answer of an inbound call starts its recording. */
  startRecording?: RecordingStart;
}): string {
  const { agent, turn, publicUrl } = input;
  const voice = {
    voice: agent.voice,
    language: agent.language,
    ...(input.startRecording ? { startRecording: input.startRecording } : {}),
  };
  if (input.transfer) {
    return dialTwiml({
      ...voice,
      say: turn.agent_text,
      target: input.transfer.target,
      callerId: input.callerId,
    });
  }
  if (turn.ends_call) return hangupTwiml({ ...voice, say: turn.agent_text });
  return gatherTwiml({
    ...voice,
    say: turn.agent_text,
    actionUrl: callbackUrl(publicUrl, GATHER_PATH, { seq: turn.seq + 1 }),
    hints: agent.data_to_fill.flatMap((field) => field.options ?? []).slice(0, 50),
  });
}
