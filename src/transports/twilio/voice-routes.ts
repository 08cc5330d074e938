// POST /twilio/voice: where every Twilio call starts, ours or a caller's. The call item is found or
// created, a machine gets the voicemail message, the conversation starts (greeting, past-call memory)
// and the call's transport answers: each transport gives its answer TwiML (twilio-routes.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { fallbackTwiml, hangupTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import { TRANSPORTS, type Transport } from '../../domain/agent.js';
import type { Turn } from '../../domain/call.js';
import type { CallEngine } from '../../engine/call-engine.js';
import type { CallSession } from '../../engine/call-session.js';
import { personalize } from '../../engine/contact-variables.js';
import { TimelineClock } from '../../engine/turn-timeline.js';
import type { CallService } from '../../services/call-service.js';
import { whenSent } from '../reply-sent.js';
import { callSidOf, param } from './params.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from './signature-check.js';
import {
  HANGUP_TWIML,
  remainingMs,
  sendTwiml,
  WEBHOOK_DEADLINE_MS,
  withDeadline,
  withRetries,
} from './webhook-reply.js';

/** A call just started, for its transport's answer. */
export interface StartedCall {
  session: CallSession;
  greeting: Turn;
  /** The answer of an inbound call starts its recording. */
  startRecording?: RecordingStart;
}

/** The TwiML a transport answers a started call with. */
export type AnswerTwiml = (started: StartedCall) => string;

export interface VoiceRouteDeps {
  auth: TwilioWebhookAuth;
  engine: CallEngine;
  callService: Pick<CallService, 'ensureCall' | 'recordingStartFor'>;
  /** Each Twilio transport's answer. */
  answers: Record<Transport, AnswerTwiml>;
  /** Overrides WEBHOOK_DEADLINE_MS (tests). */
  webhookDeadlineMs?: number;
}

export async function voiceRoutes(app: FastifyInstance, deps: VoiceRouteDeps): Promise<void> {
  const deadlineMs = deps.webhookDeadlineMs ?? WEBHOOK_DEADLINE_MS;
  app.post('/twilio/voice', { preHandler: twilioSignatureCheck(deps.auth) }, async (request, reply) => {
    const params = formParams(request);
    const callSid = callSidOf(params);
    if (!callSid) return sendTwiml(reply, fallbackTwiml(), 400);
    try {
      // The greeting's timeline starts when Fastify received the request (Twilio's clock runs from there).
      const clock = new TimelineClock(monotonic, monotonic() - reply.elapsedTime);
      const answered = withRetries(() => answer(deps, request, params, callSid, clock));
      const { twiml, greeted } = await withDeadline(answered, remainingMs(reply, deadlineMs));
      if (greeted) whenSent(reply, greeted);
      return sendTwiml(reply, twiml);
    } catch (error) {
      request.log.error({ err: error, call_sid: callSid }, 'voice webhook failed; caller hears the fallback');
      return sendTwiml(reply, fallbackTwiml());
    }
  });
}

const monotonic = (): number => performance.now();

const isTransport = (value: unknown): value is Transport =>
  (TRANSPORTS as readonly unknown[]).includes(value);

/** The answer, and for a greeting what to do once it went out (its moment, its figure). */
interface Answer {
  twiml: string;
  greeted?: (sent: boolean) => void;
}

async function answer(
  deps: VoiceRouteDeps,
  request: FastifyRequest,
  params: FormParams,
  callSid: string,
  clock: TimelineClock,
): Promise<Answer> {
  const query = request.query as { agent_id?: string; transport?: string };
  const { call, agent, created } = await deps.callService.ensureCall({
    callSid,
    from: param(params, 'From') ?? '',
    to: param(params, 'To') ?? '',
    direction: param(params, 'Direction') ?? 'inbound',
    agentIdHint: query.agent_id,
    // Our own answer URLs may ask for a transport (the URL is signed, so it is ours).
    transportHint: isTransport(query.transport) ? query.transport : undefined,
  });
  const answeredBy = param(params, 'AnsweredBy');
  if (answeredBy && /^(machine|fax)/.test(answeredBy)) {
    await deps.engine.operations.markVoicemail(callSid, answeredBy);
    // The contact's variables fill it ({{first_name}}), as they fill the greeting.
    const message = personalize(agent, call).voicemail_message;
    return {
      twiml: message
        ? hangupTwiml({ voice: agent.voice, language: agent.language, say: message })
        : HANGUP_TWIML,
    };
  }
  const session = await deps.engine.sessions.adopt(call, { agent, created });
  // A redelivered answer webhook finds the greeting stored, on the clock of the first delivery.
  const greetsFirst = session.turn(0) === undefined;
  const greeting = await deps.engine.conversation.startCall(session, {
    recall: true,
    stirVerstat: param(params, 'StirVerstat'),
    timeline: clock,
  });
  const answerOf = call.transport === 'web' ? undefined : deps.answers[call.transport];
  if (!answerOf) return { twiml: fallbackTwiml(agent.language) };
  clock.mark('stored');
  const startRecording = deps.callService.recordingStartFor(call);
  const twiml = answerOf({ session, greeting, ...(startRecording ? { startRecording } : {}) });
  // Twilio speaks the greeting from this answer (Gather's <Say>, ConversationRelay's welcomeGreeting;
  // a realtime model says it as the stream opens): the greeting's moment out is when it went out,
  // after the greeting was stored, so the stored greeting gets it as a late moment.
  const greeted = (sent: boolean) => {
    if (sent) clock.mark('first_text_out');
    deps.engine.observer.greetingDone(call, call.transport, clock.elapsed(), clock.timeline);
    const out = clock.timeline.first_text_out;
    if (greetsFirst && out !== undefined) deps.engine.late.answered(session, greeting.seq, out);
  };
  return { twiml, greeted };
}
