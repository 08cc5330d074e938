// The <Gather> transport's codec: Twilio's form parameters in, TwiML out. Each webhook is one turn:
// what the caller said (or the silence Twilio timed out on) arrives as a Gather result, and the answer
// speaks the stored turn and listens again, hangs up, or dials a transfer.
import { createHash } from 'node:crypto';
import type { Agent, TransferTarget } from '../../domain/agent.js';
import type { Turn } from '../../domain/call.js';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { dialTwiml, gatherTwiml, hangupTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import type { CallerInput } from '../../engine/conversation.js';
import { callbackUrl } from '../../services/callback-url.js';
import { confidenceOf, param } from '../twilio/params.js';

/** Twilio posts what the caller said here; `seq` names the turn it answers. */
export const GATHER_PATH = '/twilio/gather';
/** Twilio is redirected here after a filler line; it answers with the turn `seq` once it is ready. */
export const GATHER_RESULT_PATH = '/twilio/gather/result';

/**
 * What the caller heard while the turn was not ready (its filler line), as the result URL carries
 * it: its length and a digest, so no words go into URLs, which Twilio logs.
 */
export function saidDigest(text: string): string {
  return `${text.length}.${createHash('sha256').update(text).digest('base64url').slice(0, 16)}`;
}

/** The reply less its start, when the caller heard that start already as the filler line. */
export function unsaid(reply: string, said: string | undefined): string {
  const length = Number(said?.split('.')[0]);
  if (!said || !Number.isInteger(length) || length <= 0 || length > reply.length) return reply;
  return saidDigest(reply.slice(0, length)) === said ? reply.slice(length).trim() : reply;
}

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
  /** saidDigest of the filler line the caller heard while the turn was not ready. */
  said?: string;
}): string {
  const { agent, publicUrl } = input;
  const turn = input.said
    ? { ...input.turn, agent_text: unsaid(input.turn.agent_text, input.said) }
    : input.turn;
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
  const keypad = keypadOf(agent, turn);
  return gatherTwiml({
    ...voice,
    say: turn.agent_text,
    actionUrl: callbackUrl(publicUrl, GATHER_PATH, { seq: turn.seq + 1 }),
    hints: agent.data_to_fill.flatMap((field) => field.options ?? []).slice(0, 50),
    ...(keypad ? { keypad } : {}),
  });
}

// E.164 numbers have at most 15 digits: a longer entry is no phone number (ITU-T E.164).
const MAX_PHONE_DIGITS = 15;

/** The keypad entry a turn asks for (keypad-fallback): a phone number is done at 15 digits. */
function keypadOf(agent: Agent, turn: Turn): { maxDigits?: number } | undefined {
  if (!turn.keypad_field) return undefined;
  const field = agent.data_to_fill.find((f) => f.name === turn.keypad_field);
  return field?.type === 'phone' ? { maxDigits: MAX_PHONE_DIGITS } : {};
}
