// Twilio's side of the server, in a context of its own whose only body parser is Twilio's flat form:
// the answer webhook every call starts with, each Twilio transport's binding (Gather's webhooks,
// ConversationRelay's socket and action URL, Media Streams' socket and action URL), and the status and
// recording callbacks. A transport brings its answer and its routes: one line each.
import type { FastifyInstance } from 'fastify';
import type { CallEngine } from '../../engine/call-engine.js';
import type { CallService } from '../../services/call-service.js';
import { gatherAnswer, gatherRoutes } from '../gather/gather-routes.js';
import { mediaAnswer, mediaRoutes, type MediaRouteDeps } from '../media/media-routes.js';
import type { RelayLimits } from '../relay/inbound-guard.js';
import { relayAnswer, twilioRelayRoutes } from '../relay/relay-routes.js';
import type { RelaySessions } from '../relay/relay-sessions.js';
import type { RelayTiming } from '../relay/relay-timing.js';
import { acceptTwilioFormsOnly } from './form-body.js';
import type { TwilioWebhookAuth } from './signature-check.js';
import { twilioSignatureCheck } from './signature-check.js';
import { statusRoutes, type StatusDeps } from './status-routes.js';
import { voiceRoutes } from './voice-routes.js';

export interface TwilioRoutesDeps extends Omit<StatusDeps, 'calls'> {
  auth: TwilioWebhookAuth;
  /** Signs the relay socket URLs (relaySocketKey). */
  relaySocketKey: Buffer;
  engine: CallEngine;
  callService: Pick<CallService, 'ensureCall' | 'recordingStartFor'>;
  calls: StatusDeps['calls'];
  bodyLimit: number;
  /** The app's open relay sessions (closed on shutdown). */
  relaySessions: RelaySessions;
  relay?: { limits?: Partial<RelayLimits>; timing?: Partial<RelayTiming>; endCloseDelayMs?: number };
  /** Media Streams with realtime models: the socket key, the models, the tools and defaults. */
  media?: Omit<MediaRouteDeps, 'auth' | 'engine' | 'relaySocketKey'>;
  /** Overrides the voice and gather webhooks' 13 s deadline (tests). */
  webhookDeadlineMs?: number;
  /** TOOL_FILLER_MS: how long an agent's tool may run unanswered before its filler line (both transports). */
  toolFillerMs?: number;
}

export async function twilioRoutes(app: FastifyInstance, deps: TwilioRoutesDeps): Promise<void> {
  acceptTwilioFormsOnly(app, { bodyLimit: deps.bodyLimit });
  const { auth, engine } = deps;
  const deadline = deps.webhookDeadlineMs !== undefined ? { webhookDeadlineMs: deps.webhookDeadlineMs } : {};
  await app.register(voiceRoutes, {
    auth,
    engine,
    callService: deps.callService,
    answers: {
      gather: gatherAnswer(auth.publicUrl),
      relay: relayAnswer({ publicUrl: auth.publicUrl, socketKey: deps.relaySocketKey }),
      // Without Media Streams no call is put on the realtime transport (CallService.transportFor).
      realtime: deps.media
        ? mediaAnswer({ publicUrl: auth.publicUrl, socketKey: deps.media.mediaSocketKey })
        : gatherAnswer(auth.publicUrl),
    },
    ...deadline,
  });
  const toolFiller = deps.toolFillerMs !== undefined ? { toolFillerMs: deps.toolFillerMs } : {};
  await app.register(gatherRoutes, { auth, engine, calls: deps.calls, ...deadline, ...toolFiller });
  await app.register(twilioRelayRoutes, {
    auth,
    relaySocketKey: deps.relaySocketKey,
    engine,
    sessions: deps.relaySessions,
    ...deps.relay,
    timing: { ...deps.relay?.timing, ...toolFiller },
  });
  if (deps.media)
    await app.register(mediaRoutes, { auth, engine, relaySocketKey: deps.relaySocketKey, ...deps.media });
  await app.register(statusRoutes, {
    calls: deps.calls,
    ...(deps.onCallEnded ? { onCallEnded: deps.onCallEnded } : {}),
    ...(deps.handleRecording ? { handleRecording: deps.handleRecording } : {}),
    checkSignature: twilioSignatureCheck(auth),
  });
}
