// ConversationRelay: the WebSocket Twilio opens for a <Connect><ConversationRelay> call (GET /twilio/relay,
// its URL signed for one call: relay-socket-grant.ts) and the <Connect action> URL it requests when the
// session ends (POST /twilio/relay-action).
// Protocol: ../shared/reference/twilio-protocols.md §1(c); failure handling: reliability.md §1.5, F14, F15.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicSocketUrl, verifyWebSocketSignature } from '../../adapters/twilio/signature.js';
import { fallbackTwiml } from '../../adapters/twilio/twiml.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { callSidOf, param } from '../twilio/params.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from '../twilio/signature-check.js';
import type { AnswerTwiml } from '../twilio/voice-routes.js';
import { HANGUP_TWIML, sendTwiml } from '../twilio/webhook-reply.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './inbound-guard.js';
import { relayActionTwiml } from './relay-action.js';
import { RELAY_ACTION_PATH, RELAY_SOCKET_PATH } from './relay-paths.js';
import { RelaySession } from './relay-session.js';
import { RelaySessions } from './relay-sessions.js';
import { readRelaySocketGrant } from './relay-socket-grant.js';
import type { RelayTiming } from './relay-timing.js';
import { relayConnectTwiml } from './relay-twiml.js';

export interface TwilioRelayDeps {
  auth: TwilioWebhookAuth;
  /** Signs and checks the per-call socket URLs (relaySocketKey). */
  relaySocketKey: Buffer;
  engine: CallEngine;
  /** The app's open sessions; pass one to call closeAll() on shutdown. Created here when absent. */
  sessions?: RelaySessions;
  limits?: Partial<RelayLimits>;
  endCloseDelayMs?: number;
  /** Setup, silence, filler and speech-length clocks (defaults in relay-timing.ts). */
  timing?: Partial<RelayTiming>;
}

/** How a relay call is answered when it starts: Twilio speaks the greeting and opens the socket. */
export function relayAnswer(options: { publicUrl: string; socketKey: Buffer }): AnswerTwiml {
  return ({ session, greeting, startRecording }) =>
    relayConnectTwiml({
      agent: session.agent,
      callSid: session.callSid,
      publicUrl: options.publicUrl,
      socketKey: options.socketKey,
      reconnect: session.call.relay_reconnects ?? 0,
      welcomeGreeting: greeting.agent_text,
      ...(startRecording ? { startRecording } : {}),
    });
}

export async function twilioRelayRoutes(app: FastifyInstance, deps: TwilioRelayDeps): Promise<void> {
  const sessions = deps.sessions ?? new RelaySessions();
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...deps.limits };
  const { auth } = deps;

  /** Runs before the upgrade: a refused handshake never becomes a socket or a session. */
  const checkHandshake = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (sessions.draining) {
      await reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: 'unavailable', message: 'shutting down' });
      return;
    }
    if (auth.validate) {
      // Over the full URL, query included: what Twilio signs is the URL our TwiML named for this call.
      const signature = request.headers['x-twilio-signature'];
      const check = verifyWebSocketSignature({
        authTokens: auth.authTokens,
        url: publicSocketUrl(auth.publicUrl, request.url),
        signature: typeof signature === 'string' ? signature : undefined,
      });
      if (!check.valid) {
        request.log.warn({ reason: check.reason, route: RELAY_SOCKET_PATH }, 'relay handshake refused');
        await reply.code(403).send({ error: 'forbidden', message: 'invalid Twilio signature' });
        return;
      }
    }
    // Checked even with Twilio's signatures off: the token is ours, in the URL Twilio was given.
    if (!readRelaySocketGrant(deps.relaySocketKey, request.query)) {
      request.log.warn({ reason: 'no_call_grant', route: RELAY_SOCKET_PATH }, 'relay handshake refused');
      await reply.code(403).send({ error: 'forbidden', message: 'socket URL not signed for a call' });
    }
  };

  app.get(RELAY_SOCKET_PATH, { websocket: true, onRequest: checkHandshake }, (socket, request) => {
    const grant = readRelaySocketGrant(deps.relaySocketKey, request.query);
    // checkHandshake refused the upgrade without one; this only narrows the type.
    if (!grant) return socket.close(1008, 'policy violation');
    new RelaySession(socket, {
      engine: deps.engine,
      sessions,
      grant,
      accountSid: auth.accountSid,
      logger: request.log,
      limits,
      ...(deps.endCloseDelayMs !== undefined ? { endCloseDelayMs: deps.endCloseDelayMs } : {}),
      ...(deps.timing ? { timing: deps.timing } : {}),
    });
  });

  app.post(RELAY_ACTION_PATH, { preHandler: twilioSignatureCheck(auth) }, async (request, reply) => {
    const params = formParams(request);
    const callSid = callSidOf(params);
    if (!callSid) return sendTwiml(reply, HANGUP_TWIML, 400);
    try {
      const twiml = await relayActionTwiml(
        {
          engine: deps.engine,
          publicUrl: auth.publicUrl,
          socketKey: deps.relaySocketKey,
        },
        {
          callSid,
          handoffData: param(params, 'HandoffData'),
          sessionStatus: param(params, 'SessionStatus'),
          errorCode: param(params, 'ErrorCode'),
        },
        request.log,
      );
      return sendTwiml(reply, twiml);
    } catch (error) {
      request.log.error({ err: error, call_sid: callSid }, 'relay action failed; caller hears the fallback');
      return sendTwiml(reply, fallbackTwiml());
    }
  });
}
