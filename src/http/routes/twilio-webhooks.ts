// Twilio's voice webhooks for the <Gather> loop. Each answers valid TwiML within Twilio's 15 s,
// whatever fails behind it: errors become a spoken apology, never an HTTP 500.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fallbackTwiml, gatherTwiml, hangupTwiml, redirectTwiml } from '../../adapters/twilio/twiml.js';
import { AppError } from '../../domain/errors.js';
import type { FormParams } from '../../adapters/twilio/signature.js';
import { relayConnectTwiml } from '../relay/relay-twiml.js';
import type { Agent } from '../../domain/agent.js';
import type { Call } from '../../domain/call.js';
import type { Conversation, CallerInput } from '../../engine/conversation.js';
import { recallPastCalls } from '../../engine/past-call-memory.js';
import { personalize } from '../../engine/contact-variables.js';
import type { CallService } from '../../services/call-service.js';
import type { CallStore } from '../../ports/call-store.js';
import { callbackUrl } from '../../services/callback-url.js';
import { callSidOf, confidenceOf, param } from '../twilio/params.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from '../twilio/signature-check.js';
import { GATHER_PATH, twimlForTurn } from '../twilio/turn-twiml.js';
import { statusRoutes, type StatusDeps } from './twilio-status.js';

// Everything behind a voice webhook must finish before this, leaving margin under Twilio's 15 s.
// Counted from the moment Fastify received the request: under load a request can wait in the
// event loop's queue before its handler runs, and Twilio's clock started when it sent it.
const WEBHOOK_DEADLINE_MS = 13_000;
const MIN_HANDLER_MS = 500;

/** What is left of the webhook deadline for this request (never less than a short minimum). */
function remainingMs(reply: FastifyReply, deadlineMs: number): number {
  return Math.max(MIN_HANDLER_MS, deadlineMs - reply.elapsedTime);
}

export interface TwilioWebhookDeps extends StatusDeps {
  auth: TwilioWebhookAuth;
  /** Signs the relay socket URL a relay call is answered with (relaySocketKey). */
  relaySocketKey: Buffer;
  conversation: Conversation;
  callService: CallService;
  calls: CallStore;
  /** Overrides WEBHOOK_DEADLINE_MS (tests). */
  webhookDeadlineMs?: number;
}

class DeadlineExceeded extends Error {}

// Said when a turn could not be taken for a passing reason; the agent (and its voice) may be
// unreadable at that moment, so this line is fixed.
const ASK_AGAIN = "Sorry, I'm having a little trouble. Could you say that again?";

function askAgainTwiml(actionUrl: string): string {
  return gatherTwiml({ say: ASK_AGAIN, voice: 'Polly.Joanna', language: 'en-US', actionUrl });
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

// Answering is idempotent (conditional writes), so a passing store fault (throttling) is retried a
// few times before the caller hears the fallback; the SDK's own retries come first.
const ANSWER_ATTEMPTS = 3;
const ANSWER_RETRY_DELAY_MS = 300;

async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AppError && error.retryable) || attempt >= ANSWER_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, ANSWER_RETRY_DELAY_MS * attempt));
    }
  }
}

function sendTwiml(reply: FastifyReply, twiml: string, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'text/xml; charset=utf-8').send(twiml);
}

export async function twilioWebhookRoutes(app: FastifyInstance, deps: TwilioWebhookDeps): Promise<void> {
  const checkSignature = twilioSignatureCheck(deps.auth);
  const base = deps.auth.publicUrl;
  const deadlineMs = deps.webhookDeadlineMs ?? WEBHOOK_DEADLINE_MS;

  app.post('/twilio/voice', { preHandler: checkSignature }, async (request, reply) => {
    const params = formParams(request);
    const callSid = callSidOf(params);
    if (!callSid) return sendTwiml(reply, fallbackTwiml(), 400);
    try {
      const answered = withRetries(() => answer(deps, request, params, callSid));
      return sendTwiml(reply, await withDeadline(answered, remainingMs(reply, deadlineMs)));
    } catch (error) {
      request.log.error({ err: error, call_sid: callSid }, 'voice webhook failed; caller hears the fallback');
      return sendTwiml(reply, fallbackTwiml());
    }
  });

  app.post<{ Querystring: { seq?: string } }>(
    GATHER_PATH,
    { preHandler: checkSignature },
    async (request, reply) => {
      const params = formParams(request);
      const callSid = callSidOf(params);
      const seq = Number(request.query.seq);
      if (!callSid || !Number.isInteger(seq) || seq < 1 || seq > 100_000) {
        return sendTwiml(reply, fallbackTwiml(), 400);
      }
      const work = takeTurn(deps, params, callSid, seq);
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

  await app.register(statusRoutes, { ...deps, checkSignature });
}

async function answer(deps: TwilioWebhookDeps, request: FastifyRequest, params: FormParams, callSid: string) {
  const query = request.query as { agent_id?: string; transport?: string };
  const { call, agent } = await deps.callService.ensureCall({
    callSid,
    from: param(params, 'From') ?? '',
    to: param(params, 'To') ?? '',
    direction: param(params, 'Direction') ?? 'inbound',
    agentIdHint: query.agent_id,
    // Our own answer URLs may ask for a transport (the URL is signed, so it is ours).
    transportHint: query.transport === 'relay' || query.transport === 'gather' ? query.transport : undefined,
  });
  const voice = { voice: agent.voice, language: agent.language };
  const answeredBy = param(params, 'AnsweredBy');
  if (answeredBy && /^(machine|fax)/.test(answeredBy)) {
    await deps.conversation.updateCall(callSid, () => ({
      answered_by: answeredBy,
      outcome: 'voicemail',
      ended_by: 'system_complete',
    }));
    const message = personalize(agent, call).voicemail_message;
    return message
      ? hangupTwiml({ ...voice, say: message })
      : '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';
  }
  await loadPastCalls(deps, call, agent, param(params, 'StirVerstat'));
  const greeting = await deps.conversation.greet(callSid);
  const startRecording = deps.callService.recordingStartFor(call);
  if (call.transport === 'relay') {
    return relayConnectTwiml({
      agent,
      callSid,
      publicUrl: deps.auth.publicUrl,
      socketKey: deps.relaySocketKey,
      reconnect: call.relay_reconnects ?? 0,
      welcomeGreeting: greeting.agent_text,
      startRecording,
    });
  }
  return twimlForTurn({ agent, turn: greeting, publicUrl: deps.auth.publicUrl, startRecording });
}

/** Whether this call recalls past calls with its person, and their gists: decided once per call. */
async function loadPastCalls(deps: TwilioWebhookDeps, call: Call, agent: Agent, stirVerstat?: string) {
  if (call.memory !== undefined) return;
  const recalled = await recallPastCalls(deps.calls, call, agent, stirVerstat);
  await deps.conversation.updateCall(call.call_sid, () => recalled);
}

async function takeTurn(deps: TwilioWebhookDeps, params: FormParams, callSid: string, seq: number) {
  const speech = (param(params, 'SpeechResult') ?? '').trim();
  const digits = (param(params, 'Digits') ?? '').trim();
  const input: CallerInput = speech
    ? { kind: 'speech', text: speech, confidence: confidenceOf(params) }
    : digits
      ? { kind: 'dtmf', digits }
      : { kind: 'silence' };
  const outcome = await deps.conversation.handleInput(callSid, seq, input);
  return twimlForTurn({
    agent: outcome.agent,
    turn: outcome.turn,
    publicUrl: deps.auth.publicUrl,
    transfer: outcome.transfer,
    callerId: outcome.call.agent_phone,
  });
}
