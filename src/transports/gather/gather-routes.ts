// The <Gather> transport's binding: POST /twilio/gather?seq=N is one turn of the call, taken by the
// call's turn runner on the session this instance keeps (checked against the call's version) and
// answered with TwiML within Twilio's 15 s, whatever fails behind it: errors become a spoken line,
// never an HTTP 500. Twilio keeps the clocks here: silence arrives as an empty result, and the call's
// time limit is Twilio's.
import type { FastifyInstance } from 'fastify';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { fallbackTwiml, gatherTwiml, redirectTwiml } from '../../adapters/twilio/twiml.js';
import { AppError } from '../../domain/errors.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { TurnRunner, type TurnRunnerDeps } from '../../engine/turn-runner.js';
import { callbackUrl } from '../../services/callback-url.js';
import { callSidOf } from '../twilio/params.js';
import type { AnswerTwiml } from '../twilio/voice-routes.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from '../twilio/signature-check.js';
import {
  DeadlineExceeded,
  remainingMs,
  sendTwiml,
  WEBHOOK_DEADLINE_MS,
  withDeadline,
} from '../twilio/webhook-reply.js';
import { GATHER_PATH, gatherInput, twimlForTurn } from './gather-codec.js';

export interface GatherRouteDeps {
  auth: TwilioWebhookAuth;
  engine: CallEngine;
  /** Overrides WEBHOOK_DEADLINE_MS (tests). */
  webhookDeadlineMs?: number;
}

// Said when a turn could not be taken for a passing reason; the agent (and its voice) may be
// unreadable at that moment, so this line is fixed.
const ASK_AGAIN = "Sorry, I'm having a little trouble. Could you say that again?";

function askAgainTwiml(actionUrl: string): string {
  return gatherTwiml({ say: ASK_AGAIN, voice: 'Polly.Joanna', language: 'en-US', actionUrl });
}

/** How a Gather call is answered when it starts: the greeting, then the first <Gather>. */
export function gatherAnswer(publicUrl: string): AnswerTwiml {
  return ({ session, greeting, startRecording }) =>
    twimlForTurn({
      agent: session.agent,
      turn: greeting,
      publicUrl,
      ...(startRecording ? { startRecording } : {}),
    });
}

export async function gatherRoutes(app: FastifyInstance, deps: GatherRouteDeps): Promise<void> {
  const base = deps.auth.publicUrl;
  const deadlineMs = deps.webhookDeadlineMs ?? WEBHOOK_DEADLINE_MS;
  app.post<{ Querystring: { seq?: string } }>(
    GATHER_PATH,
    { preHandler: twilioSignatureCheck(deps.auth) },
    async (request, reply) => {
      const params = formParams(request);
      const callSid = callSidOf(params);
      const seq = Number(request.query.seq);
      if (!callSid || !Number.isInteger(seq) || seq < 1 || seq > 100_000) {
        return sendTwiml(reply, fallbackTwiml(), 400);
      }
      // The turn's timeline starts when Fastify received the request, not when this handler ran.
      const inputAt = performance.now() - reply.elapsedTime;
      const work = takeTurn(deps, { ...deps.engine, log: request.log }, params, callSid, seq, inputAt);
      try {
        return sendTwiml(reply, await withDeadline(work, remainingMs(reply, deadlineMs)));
      } catch (error) {
        if (error instanceof DeadlineExceeded) {
          // The turn is still running; asking again for the same seq joins it or reads what it stored.
          request.log.warn({ call_sid: callSid, seq }, 'turn over the webhook deadline; redirecting');
          return sendTwiml(reply, redirectTwiml(callbackUrl(base, GATHER_PATH, { seq, retry: 1 })));
        }
        if (error instanceof AppError && error.retryable) {
          // Storage or a dependency is failing for now: the caller is asked again and the same turn
          // is retried, instead of ending a call that may recover in a moment.
          request.log.warn(
            { err: error, call_sid: callSid, seq },
            'turn failed for now; asking the caller again',
          );
          return sendTwiml(reply, askAgainTwiml(callbackUrl(base, GATHER_PATH, { seq })));
        }
        request.log.error(
          { err: error, call_sid: callSid, seq },
          'gather webhook failed; caller hears the fallback',
        );
        return sendTwiml(reply, fallbackTwiml());
      }
    },
  );
}

async function takeTurn(
  deps: GatherRouteDeps,
  runnerDeps: TurnRunnerDeps,
  params: FormParams,
  callSid: string,
  seq: number,
  inputAt: number,
): Promise<string> {
  const session = await deps.engine.sessions.open(callSid);
  const result = await new TurnRunner(runnerDeps, session).take(gatherInput(params), seq, { inputAt });
  const turn = result.outcome.turn;
  return twimlForTurn({
    agent: session.agent,
    turn,
    publicUrl: deps.auth.publicUrl,
    ...(result.end?.kind === 'transfer' ? { transfer: result.end.target } : {}),
    callerId: session.call.agent_phone,
  });
}
