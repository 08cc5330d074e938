// Media Streams: the socket Twilio's <Connect><Stream> opens (its URL signed for one call and stream:
// media-socket-grant.ts), bridged to the agent's realtime model (media-bridge.ts), and the
// <Connect action> URL Twilio requests when the stream is over (media-action.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicSocketUrl, verifyWebSocketSignature } from '../../adapters/twilio/signature.js';
import { fallbackTwiml } from '../../adapters/twilio/twiml.js';
import type { CallEngine } from '../../engine/call-engine.js';
import type { RealtimeModelFactory } from '../../ports/realtime-model.js';
import { callSidOf } from '../twilio/params.js';
import { formParams, twilioSignatureCheck, type TwilioWebhookAuth } from '../twilio/signature-check.js';
import type { AnswerTwiml } from '../twilio/voice-routes.js';
import { HANGUP_TWIML, sendTwiml } from '../twilio/webhook-reply.js';
import { MediaBridge } from './media-bridge.js';
import type { MediaBridgeOptions } from './media-bridge-options.js';
import { mediaActionTwiml } from './media-action.js';
import { MEDIA_ACTION_PATH, MEDIA_SOCKET_ROUTE } from './media-paths.js';
import { readMediaSocketGrant } from './media-socket-grant.js';
import { mediaConnectTwiml } from './media-twiml.js';
import type { ToolCatalogLike } from './model-tools.js';

export interface MediaRouteDeps {
  auth: TwilioWebhookAuth;
  engine: CallEngine;
  mediaSocketKey: Buffer;
  relaySocketKey: Buffer;
  models: RealtimeModelFactory;
  tools: ToolCatalogLike;
  defaultTimezone: string;
  defaultTransport: 'gather' | 'relay';
  region?: string;
  /** Bridge clocks (tests). */
  bridge?: Pick<MediaBridgeOptions, 'idleMs' | 'endWaitMs' | 'startTimeoutMs'>;
}

/** How a realtime call is answered: the stream, signed for this call; the model says the greeting. */
export function mediaAnswer(options: { publicUrl: string; socketKey: Buffer }): AnswerTwiml {
  return ({ session, startRecording }) =>
    mediaConnectTwiml({
      agent: session.agent,
      callSid: session.callSid,
      publicUrl: options.publicUrl,
      socketKey: options.socketKey,
      session: session.call.relay_reconnects ?? 0,
      ...(startRecording ? { startRecording } : {}),
    });
}

export async function mediaRoutes(app: FastifyInstance, deps: MediaRouteDeps): Promise<void> {
  const { auth } = deps;

  /** Before the upgrade: a refused handshake never becomes a socket. */
  const checkHandshake = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const signature = request.headers['x-twilio-signature'];
    // Twilio signs the handshake over the URL our TwiML named (checked when present; the token always).
    if (auth.validate && typeof signature === 'string') {
      const check = verifyWebSocketSignature({
        authTokens: auth.authTokens,
        url: publicSocketUrl(auth.publicUrl, request.url),
        signature,
      });
      if (!check.valid) {
        request.log.warn({ reason: check.reason, route: MEDIA_SOCKET_ROUTE }, 'media handshake refused');
        await reply.code(403).send({ error: 'forbidden', message: 'invalid Twilio signature' });
        return;
      }
    }
    if (!readMediaSocketGrant(deps.mediaSocketKey, request.params)) {
      request.log.warn({ reason: 'no_call_grant', route: MEDIA_SOCKET_ROUTE }, 'media handshake refused');
      await reply.code(403).send({ error: 'forbidden', message: 'socket URL not signed for a call' });
    }
  };

  app.get(MEDIA_SOCKET_ROUTE, { websocket: true, onRequest: checkHandshake }, (socket, request) => {
    const grant = readMediaSocketGrant(deps.mediaSocketKey, request.params);
    if (!grant) return socket.close(1008, 'policy violation');
    new MediaBridge(socket, {
      engine: deps.engine,
      models: deps.models,
      tools: deps.tools,
      grant,
      accountSid: auth.accountSid,
      logger: request.log,
      defaultTimezone: deps.defaultTimezone,
      defaultTransport: deps.defaultTransport,
      ...(deps.region ? { region: deps.region } : {}),
      ...deps.bridge,
    });
  });

  app.post(MEDIA_ACTION_PATH, { preHandler: twilioSignatureCheck(auth) }, async (request, reply) => {
    const callSid = callSidOf(formParams(request));
    if (!callSid) return sendTwiml(reply, HANGUP_TWIML, 400);
    try {
      const twiml = await mediaActionTwiml(
        {
          engine: deps.engine,
          publicUrl: auth.publicUrl,
          mediaSocketKey: deps.mediaSocketKey,
          relaySocketKey: deps.relaySocketKey,
          defaultTransport: deps.defaultTransport,
        },
        callSid,
        request.log,
      );
      return sendTwiml(reply, twiml);
    } catch (error) {
      request.log.error({ err: error, call_sid: callSid }, 'media action failed; caller hears the fallback');
      return sendTwiml(reply, fallbackTwiml());
    }
  });
}
