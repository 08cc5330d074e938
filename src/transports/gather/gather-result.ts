// The result URL of a Gather turn that was answered with a filler line (or ran past the webhook
// deadline): Twilio requests it after the line (a <Redirect>), and it answers with the turn's TwiML
// once the turn is ready. It never takes the turn itself: on this instance it waits for the running
// one, on another it reads the stored turn. Each request waits a bounded time, far under Twilio's
// 15 s; a turn still not ready gets another short line and redirect, then an apology that asks the
// caller again under the same turn number (which then answers with the turn once it is stored).
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { fallbackTwiml, gatherTwiml, redirectTwiml } from '../../adapters/twilio/twiml.js';
import { notFound } from '../../domain/errors.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { findTarget } from '../../engine/count-turns.js';
import { phrasesFor } from '../../engine/phrases.js';
import type { CallStore } from '../../ports/call-store.js';
import { callbackUrl } from '../../services/callback-url.js';
import { whenSent } from '../reply-sent.js';
import { callSidOf } from '../twilio/params.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from '../twilio/signature-check.js';
import { DeadlineExceeded, remainingMs, sendTwiml, withDeadline } from '../twilio/webhook-reply.js';
import type { GatherAnswer, GatherAnswers } from './gather-answers.js';
import { GATHER_PATH, GATHER_RESULT_PATH, twimlForTurn } from './gather-codec.js';
import { failureTwiml } from './gather-failure.js';

/** Result requests per turn: the first waits, the second follows one more short line, then the apology. */
export const RESULT_ROUNDS = 2;
// Most one result request waits for the turn: a caller who heard "Let me look that up" hears the
// answer, or after this another short line. The turn itself ends within TURN_TIMEOUT_MS.
const RESULT_WAIT_MS = 8_000;
// Another instance's turn is read from the store this often (one consistent GetItem).
const POLL_MS = 250;
const SAID = /^\d{1,5}\.[A-Za-z0-9_-]{16}$/;

export interface GatherResultDeps {
  auth: TwilioWebhookAuth;
  engine: CallEngine;
  calls: Pick<CallStore, 'getTurn'>;
  answers: GatherAnswers;
  deadlineMs: number;
  /** Overrides RESULT_WAIT_MS (tests). */
  resultWaitMs?: number;
}

export interface ResultRequest {
  callSid: string;
  seq: number;
  round: number;
  /** saidDigest of the filler line, when it was the start of the reply. */
  said?: string;
}

export function resultUrl(publicUrl: string, at: Omit<ResultRequest, 'callSid'>): string {
  return callbackUrl(publicUrl, GATHER_RESULT_PATH, { seq: at.seq, round: at.round, said: at.said });
}

export async function gatherResultRoute(app: FastifyInstance, deps: GatherResultDeps): Promise<void> {
  app.post<{ Querystring: { seq?: string; round?: string; said?: string } }>(
    GATHER_RESULT_PATH,
    { preHandler: twilioSignatureCheck(deps.auth) },
    async (request, reply) => {
      const callSid = callSidOf(formParams(request));
      const seq = Number(request.query.seq);
      const round = Number(request.query.round);
      const said = request.query.said;
      const valid = callSid && Number.isInteger(seq) && seq >= 1 && seq <= 100_000 && Number.isInteger(round);
      if (!valid || round < 1 || round > RESULT_ROUNDS || (said !== undefined && !SAID.test(said))) {
        return sendTwiml(reply, fallbackTwiml(), 400);
      }
      const waitMs = Math.min(deps.resultWaitMs ?? RESULT_WAIT_MS, remainingMs(reply, deps.deadlineMs));
      const at = { callSid, seq, round, ...(said ? { said } : {}) };
      const twiml = await resultTwiml(deps, request.log, at, waitMs, (answer) => answerSent(reply, answer));
      return sendTwiml(reply, twiml);
    },
  );
}

/** The turn taken here goes on its way: its runner hears when the TwiML with it went out. */
export function answerSent(reply: FastifyReply, answer: GatherAnswer): void {
  const { answered } = answer;
  if (answered) whenSent(reply, answered);
}

/**
 * The turn's TwiML once it is ready within waitMs (`onAnswer` gets the answer it is made of); else
 * another short line and redirect, or the apology.
 */
export async function resultTwiml(
  deps: GatherResultDeps,
  log: FastifyBaseLogger,
  at: ResultRequest,
  waitMs: number,
  onAnswer: (answer: GatherAnswer) => void,
): Promise<string> {
  const publicUrl = deps.auth.publicUrl;
  try {
    const answer = await readyAnswer(deps, at.callSid, at.seq, waitMs);
    if (answer) {
      const twiml = twimlForTurn({ ...answer, publicUrl, ...(at.said ? { said: at.said } : {}) });
      onAnswer(answer);
      return twiml;
    }
    const known = await deps.engine.sessions.read(at.callSid);
    if (!known) throw notFound('call');
    const { voice, language } = known.agent;
    const lines = phrasesFor(language);
    if (at.round < RESULT_ROUNDS) {
      const next = resultUrl(publicUrl, { ...at, round: at.round + 1 });
      return redirectTwiml(next, { text: lines.filler(), voice, language });
    }
    log.warn({ call_sid: at.callSid, seq: at.seq }, 'turn still not ready after its filler; asking again');
    const actionUrl = callbackUrl(publicUrl, GATHER_PATH, { seq: at.seq });
    return gatherTwiml({ say: lines.turnFailed(), voice, language, actionUrl });
  } catch (error) {
    return failureTwiml(error, { publicUrl, callSid: at.callSid, seq: at.seq, log });
  }
}

/** The turn's answer: the one running here, else the stored turn; undefined when not ready in time. */
async function readyAnswer(
  deps: GatherResultDeps,
  callSid: string,
  seq: number,
  waitMs: number,
): Promise<GatherAnswer | undefined> {
  const running = deps.answers.get(callSid, seq, { includeFailed: true });
  if (running) {
    return withDeadline(running, waitMs).catch((error: unknown) => {
      if (error instanceof DeadlineExceeded) return undefined;
      throw error;
    });
  }
  const until = Date.now() + waitMs;
  for (;;) {
    const turn = await deps.calls.getTurn(callSid, seq);
    if (turn) {
      const known = await deps.engine.sessions.read(callSid);
      if (!known) throw notFound('call');
      const transfer = findTarget(known.agent, turn);
      return {
        agent: known.agent,
        turn,
        ...(transfer ? { transfer } : {}),
        callerId: known.call.agent_phone,
      };
    }
    if (Date.now() + POLL_MS > until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
