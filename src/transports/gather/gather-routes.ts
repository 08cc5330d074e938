// The <Gather> transport's binding: POST /twilio/gather?seq=N is one turn of the call, taken by the
// call's turn runner on the session this instance keeps (checked against the call's version) and
// answered with TwiML within Twilio's 15 s, whatever fails behind it: errors become a spoken line,
// never an HTTP 500. Twilio keeps the clocks here: silence arrives as an empty result, and the call's
// time limit is Twilio's. An agent's tool that has not answered after TOOL_FILLER_MS is covered by a
// filler line: the webhook answers with it and a <Redirect> to the turn's result URL (gather-result.ts).
import type { FastifyInstance } from 'fastify';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { fallbackTwiml, redirectTwiml } from '../../adapters/twilio/twiml.js';
import type { Agent } from '../../domain/agent.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { TurnRunner, type TurnRunnerDeps } from '../../engine/turn-runner.js';
import type { CallStore } from '../../ports/call-store.js';
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
import { GatherAnswers, type GatherAnswer } from './gather-answers.js';
import { GATHER_PATH, gatherInput, saidDigest, twimlForTurn } from './gather-codec.js';
import { failureTwiml } from './gather-failure.js';
import { answerSent, gatherResultRoute, resultTwiml, resultUrl } from './gather-result.js';

export interface GatherRouteDeps {
  auth: TwilioWebhookAuth;
  engine: CallEngine;
  /** Where the result URL reads a turn another instance took. */
  calls: Pick<CallStore, 'getTurn'>;
  /** Overrides WEBHOOK_DEADLINE_MS (tests). */
  webhookDeadlineMs?: number;
  /** An agent's tool unanswered this long is covered by its filler line (unset: never). */
  toolFillerMs?: number;
  /** Overrides how long one result request waits for the turn (tests). */
  resultWaitMs?: number;
}

/** The filler line said while the turn goes on, in the agent's voice. */
interface Filler {
  text: string;
  agent: Agent;
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
  const answers = new GatherAnswers();
  const results = { ...deps, answers, deadlineMs };
  await gatherResultRoute(app, results);
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
      const waitMs = remainingMs(reply, deadlineMs);
      // A redelivery of a turn this instance is taking (or just took) waits for it: taking it again
      // would run its tools twice.
      if (answers.get(callSid, seq)) {
        const at = { callSid, seq, round: 1 };
        const twiml = await resultTwiml(results, request.log, at, waitMs, (answer) =>
          answerSent(reply, answer),
        );
        return sendTwiml(reply, twiml);
      }
      // The turn's timeline starts when Fastify received the request, not when this handler ran.
      const inputAt = performance.now() - reply.elapsedTime;
      let onFiller: (filler: Filler) => void = () => undefined;
      const filler = new Promise<Filler>((resolve) => (onFiller = resolve));
      const runnerDeps = { ...deps.engine, log: request.log };
      const work = takeTurn(deps, runnerDeps, { params, callSid, seq, inputAt }, onFiller);
      answers.track(callSid, seq, work);
      try {
        const first = await withDeadline(Promise.race([work, filler]), waitMs);
        if ('text' in first) {
          const { voice, language } = first.agent;
          const next = resultUrl(base, { seq, round: 1, said: saidDigest(first.text) });
          return sendTwiml(reply, redirectTwiml(next, { text: first.text, voice, language }));
        }
        const twiml = twimlForTurn({ ...first, publicUrl: base });
        answerSent(reply, first);
        return sendTwiml(reply, twiml);
      } catch (error) {
        if (error instanceof DeadlineExceeded) {
          // The turn is still running; its result URL waits for it or reads what it stored.
          request.log.warn({ call_sid: callSid, seq }, 'turn over the webhook deadline; redirecting');
          return sendTwiml(reply, redirectTwiml(resultUrl(base, { seq, round: 1 })));
        }
        return sendTwiml(reply, failureTwiml(error, { publicUrl: base, callSid, seq, log: request.log }));
      }
    },
  );
}

async function takeTurn(
  deps: GatherRouteDeps,
  runnerDeps: TurnRunnerDeps,
  at: { params: FormParams; callSid: string; seq: number; inputAt: number },
  onFiller: (filler: Filler) => void,
): Promise<GatherAnswer> {
  const session = await deps.engine.sessions.open(at.callSid);
  const output = {
    filler: (text: string) => {
      onFiller({ text: text.trim(), agent: session.agent });
      return true;
    },
  };
  const options = deps.toolFillerMs !== undefined ? { toolFillerMs: deps.toolFillerMs } : {};
  const runner = new TurnRunner(runnerDeps, session, output, options);
  const result = await runner.take(gatherInput(at.params), at.seq, { inputAt: at.inputAt });
  return {
    agent: session.agent,
    turn: result.outcome.turn,
    ...(result.end?.kind === 'transfer' ? { transfer: result.end.target } : {}),
    callerId: session.call.agent_phone,
    answered: result.answered,
  };
}
