// Builds the Fastify app from the container; never listens (server.ts does), so tests use inject().
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Container } from '../container.js';
import { registerAdminAuth } from './auth.js';
import { registerErrorHandler } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { agentRoutes } from './routes/agents.js';
import { healthRoutes } from './routes/health.js';
import { phoneNumberRoutes } from './routes/phone-numbers.js';
import { callRoutes } from './routes/calls.js';
import { recordingRoutes } from './routes/recordings.js';
import { twilioWebhookRoutes } from './routes/twilio-webhooks.js';
import { useZodSchemas } from './zod-schemas.js';

// Twilio's ConversationRelay messages are small JSON frames; 64 KB bounds a hostile sender.
const WEBSOCKET_MAX_PAYLOAD_BYTES = 64 * 1_024;

export async function buildApp(container: Container): Promise<FastifyInstance> {
  const { config } = container;
  const app = Fastify({
    loggerInstance: container.logger,
    bodyLimit: config.MAX_BODY_BYTES,
    // URLs we hand out come from PUBLIC_URL, never from X-Forwarded-* headers a client can forge.
    trustProxy: false,
  }) as unknown as FastifyInstance;

  useZodSchemas(app);
  registerErrorHandler(app);
  await app.register(formbody, { bodyLimit: config.MAX_BODY_BYTES });
  await app.register(websocket, { options: { maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES } });
  await registerOpenApi(app);
  registerAdminAuth(app, { apiKey: container.secrets.adminApiKey });

  // Routes, one line each. Every route needs the admin key unless it sets `config: { public: true }`
  // or lives under /twilio/ (signature-checked instead); see auth.ts.
  await app.register(healthRoutes, { mode: () => container.mode });
  await app.register(agentRoutes, { agents: container.agents });
  await app.register(phoneNumberRoutes, { phoneNumbers: container.phoneNumbers });
  await app.register(callRoutes, { calls: container.callStore, callService: container.calls });
  await app.register(twilioWebhookRoutes, {
    auth: {
      publicUrl: config.publicUrl,
      authTokens: [container.secrets.twilioAuthToken],
      accountSid: container.secrets.twilioAccountSid,
      validate: config.TWILIO_VALIDATE_SIGNATURES,
    },
    conversation: container.conversation,
    callService: container.calls,
    calls: container.callStore,
    onCallEnded: container.onCallEnded,
    handleRecording: (params) => container.recordings.handleCallback(params),
  });
  await app.register(recordingRoutes, { calls: container.callStore, recordings: container.s3.store });

  return app;
}
