// What a Gather webhook answers when its turn could not be taken: a passing fault asks the caller
// again (the same turn number, retried), anything else is the fallback line and a hang-up.
import type { FastifyBaseLogger } from 'fastify';
import { fallbackTwiml, gatherTwiml } from '../../adapters/twilio/twiml.js';
import { AppError } from '../../domain/errors.js';
import { callbackUrl } from '../../services/callback-url.js';
import { GATHER_PATH } from './gather-codec.js';

// Said when a turn could not be taken for a passing reason; the agent (and its voice) may be
// unreadable at that moment, so this line is fixed.
const ASK_AGAIN = "Sorry, I'm having a little trouble. Could you say that again?";

export function askAgainTwiml(actionUrl: string): string {
  return gatherTwiml({ say: ASK_AGAIN, voice: 'Polly.Joanna', language: 'en-US', actionUrl });
}

export function failureTwiml(
  error: unknown,
  at: { publicUrl: string; callSid: string; seq: number; log: FastifyBaseLogger },
): string {
  const { callSid, seq, log } = at;
  if (error instanceof AppError && error.retryable) {
    // Storage or a dependency is failing for now: the caller is asked again and the same turn
    // is retried, instead of ending a call that may recover in a moment.
    log.warn({ err: error, call_sid: callSid, seq }, 'turn failed for now; asking the caller again');
    return askAgainTwiml(callbackUrl(at.publicUrl, GATHER_PATH, { seq }));
  }
  log.error({ err: error, call_sid: callSid, seq }, 'gather webhook failed; caller hears the fallback');
  return fallbackTwiml();
}
