// Builds the Fastify app from the container; never listens (server.ts does), so tests use inject().
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Container } from '../container.js';
import { registerAdminAuth } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { agentRoutes } from './routes/agents.js';
import { agentToolRoutes } from './routes/agent-tools.js';
import { agentTestRoutes, type StartSandbox } from './routes/agent-tests.js';
import { healthRoutes } from './routes/health.js';
import { phoneNumberRoutes } from './routes/phone-numbers.js';
import { callRoutes } from './routes/calls.js';
import { recordingRoutes } from './routes/recordings.js';
import { RelaySessions } from '../transports/relay/relay-sessions.js';
import { mediaSocketKey } from '../transports/media/media-socket-grant.js';
import { relaySocketKey } from '../transports/relay/relay-socket-grant.js';
import { twilioRoutes } from '../transports/twilio/twilio-routes.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { metaRoutes } from './routes/meta.js';
import { metricsRoutes } from './routes/metrics.js';
import { analyticsRoutes } from './routes/analytics.js';
import { webCallRoutes } from '../transports/web/web-call-routes.js';
import { WebCallService } from '../transports/web/web-calls.js';
import { useZodSchemas } from './zod-schemas.js';
import { campaignRoutes } from './routes/campaigns.js';
import { doNotCallRoutes } from './routes/do-not-call.js';

// Twilio's ConversationRelay messages are small JSON frames; 64 KB bounds a hostile sender.
const WEBSOCKET_MAX_PAYLOAD_BYTES = 64 * 1_024;
// Turns in flight get this long to finish before their sessions are handed to another instance;
// with the 20 s drain that keeps shutdown under the usual 30 s grace period.
const RELAY_HANDOFF_GRACE_MS = 15_000;

export interface AppOptions {
  /** For POST /agents/:id/test: the sandbox server its scenarios call (src/agent-tests/sandbox.ts). */
  startSandbox?: StartSandbox;
}

export async function buildApp(container: Container, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = container;
  const app = Fastify({
    loggerInstance: container.logger,
    bodyLimit: config.MAX_BODY_BYTES,
    // Only for request.ip (whom to count a wrong admin key against): URLs we hand out come from
    // PUBLIC_URL, never from X-Forwarded-* headers, trusted proxy or not.
    trustProxy: config.TRUST_PROXY,
  }) as unknown as FastifyInstance;

  useZodSchemas(app);
  registerErrorHandler(app);
  // Open relay sessions are handed off (`end` with reason server-restart) on shutdown. This hook must
  // be added before @fastify/websocket's own preClose, which closes every socket without a word.
  const relaySessions = new RelaySessions();
  container.metrics.registerRelaySockets(() => relaySessions.size);
  app.addHook('preClose', () => relaySessions.closeAll({ graceMs: RELAY_HANDOFF_GRACE_MS }));
  await app.register(websocket, { options: { maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES } });
  await registerOpenApi(app);
  registerAdminAuth(app, { apiKey: container.secrets.adminApiKey });

  // Routes, one line each. Every route needs the admin key unless it sets `config: { public: true }`
  // or lives under /twilio/ (signature-checked instead); see auth.ts.
  await app.register(healthRoutes, {
    mode: () => container.mode,
    storeAnswers: () => container.storeAnswers(),
    eventLoop: () => container.eventLoop.current(),
  });
  await app.register(agentRoutes, { agents: container.agents });
  await app.register(agentToolRoutes, { agents: container.agents, catalog: container.tools.trialCatalog });
  await app.register(agentTestRoutes, {
    agents: container.agents,
    config,
    ...(options.startSandbox ? { startSandbox: options.startSandbox } : {}),
  });
  await app.register(phoneNumberRoutes, { phoneNumbers: container.phoneNumbers });
  await app.register(callRoutes, { calls: container.callStore, callService: container.calls });
  await app.register(analyticsRoutes, { analytics: container.analytics });
  const twilioAuth = {
    publicUrl: config.publicUrl,
    authTokens: [container.secrets.twilioAuthToken],
    accountSid: container.secrets.twilioAccountSid,
    validate: config.TWILIO_VALIDATE_SIGNATURES,
  };
  await app.register(recordingRoutes, { calls: container.callStore, recordings: container.s3.store });
  // Twilio's webhooks and socket in a context of their own, whose only body parser is Twilio's flat
  // form; everywhere else bodies are JSON.
  await app.register(twilioRoutes, {
    auth: twilioAuth,
    relaySocketKey: relaySocketKey(container.secrets.signingSecret),
    engine: container.engine,
    callService: container.calls,
    calls: container.callStore,
    bodyLimit: config.MAX_BODY_BYTES,
    relaySessions,
    relay: { timing: { idleMs: config.RELAY_IDLE_MS, fillerMs: config.RELAY_FILLER_MS } },
    toolFillerMs: config.TOOL_FILLER_MS,
    media: {
      mediaSocketKey: mediaSocketKey(container.secrets.signingSecret),
      models: container.realtimeModels,
      tools: container.tools.catalog,
      defaultTimezone: config.DEFAULT_TIMEZONE,
      defaultTransport: config.DEFAULT_TRANSPORT,
      region: config.DEFAULT_PHONE_REGION,
      bridge: { idleMs: config.RELAY_IDLE_MS },
    },
    onCallEnded: container.onCallEnded,
    handleRecording: (params) => container.recordings.handleCallback(params),
  });
  await app.register(dashboardRoutes, {
    adminApiKey: container.secrets.adminApiKey,
    signingSecret: container.secrets.signingSecret,
    publicUrl: config.publicUrl,
    revocations: container.sessionRevocations,
  });
  await app.register(metaRoutes);
  await app.register(metricsRoutes, {
    render: () => container.metrics.render(),
    token: config.METRICS_TOKEN,
  });
  await app.register(webCallRoutes, { webCalls: new WebCallService(container) });
  await app.register(campaignRoutes, { campaigns: container.campaigns, calls: container.callStore });
  await app.register(doNotCallRoutes, { doNotCall: container.doNotCall });

  return app;
}
