// A real server for relay tests: the in-memory container (embedded dynalite, seeded agents), the Twilio
// webhooks (voice, Gather, status) and the relay routes on a Fastify app listening on 127.0.0.1:0,
// with an engine whose policy the test chooses (the container's own wiring picks it from settings).
import { Writable } from 'node:stream';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createContainer, type Container } from '../../src/container.js';
import type { Agent } from '../../src/domain/agent.js';
import { createCallEngine, type CallEngine } from '../../src/engine/call-engine.js';
import { ScriptedPolicy } from '../../src/engine/scripted-policy.js';
import type { TwilioRelayDeps } from '../../src/transports/relay/relay-routes.js';
import { RelaySessions } from '../../src/transports/relay/relay-sessions.js';
import { relaySocketKey, relaySocketPath } from '../../src/transports/relay/relay-socket-grant.js';
import { twilioRoutes } from '../../src/transports/twilio/twilio-routes.js';
import { createLogger, loggerOptions } from '../../src/logger.js';
import type { CallStore } from '../../src/ports/call-store.js';
import type { IdempotencyStore } from '../../src/ports/idempotency-store.js';
import type { ReplyPolicy } from '../../src/ports/reply-policy.js';
import type { Telephony } from '../../src/ports/telephony.js';
import { CallService } from '../../src/services/call-service.js';
import { RateLimiter } from '../../src/services/rate-limiter.js';
import { runRelayCall, type RelayCallOptions, type RelayCallResult } from '../../src/simulator/relay-call.js';
import type { ConnectRelayOptions, RelaySetup } from '../../src/simulator/relay-client.js';
import {
  TwilioSimulator,
  type RelaySession,
  type SimulatedCall,
} from '../../src/simulator/twilio-simulator.js';

export const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const AUTH_TOKEN = 'relay-test-auth-token';
export const PUBLIC_URL = 'https://voice.example.test';
export const OUR_NUMBER = '+14155550100';
export const PERSON = '+14155550142';

export interface RelayHarness {
  app: FastifyInstance;
  container: Container;
  engine: CallEngine;
  sessions: RelaySessions;
  serverUrl: string;
  /** Plays Twilio against this server, with its account and token. */
  simulator: TwilioSimulator;
  createAgent(agentId: string, overrides?: Record<string, unknown>): Promise<Agent>;
  call(options: Pick<RelayCallOptions, 'lines'> & Partial<RelayCallOptions>): Promise<RelayCallResult>;
  /** Places an outbound call through the voice webhook, whatever the agent's transport. */
  placeCall(agentId: string): Promise<SimulatedCall>;
  /** Places an outbound call through the voice webhook; returns how to open its relay socket. */
  startCall(agentId: string): Promise<{ callSid: string; connect: ConnectRelayOptions; call: SimulatedCall }>;
  /** A socket URL this server signed for callSid (session `reconnect`), opened as Twilio would. */
  socketFor(
    callSid: string,
    options?: { reconnect?: number; setup?: Partial<RelaySetup> },
  ): ConnectRelayOptions;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The policy for agents whose id starts with "stream-"; others get the scripted form filler. */
  streaming?: ReplyPolicy;
  /** timing defaults to clocks that never fire within a test; a test that wants them sets them. */
  relay?: Partial<Pick<TwilioRelayDeps, 'limits' | 'endCloseDelayMs' | 'timing'>>;
  validateSignatures?: boolean;
  /** Lowers the voice and gather webhooks' deadline (13 s), past which a turn is redirected. */
  webhookDeadlineMs?: number;
  /** Wraps the call store the engine and the webhooks use (a decorator that counts requests). */
  wrapCalls?: (calls: CallStore) => CallStore;
  logLevel?: string;
  /** Receives every log record (JSON) at logLevel (default warn) instead of stdout. */
  onLog?: (record: Record<string, unknown>) => void;
}

/** How Twilio opens the socket of a relay session the server answered with (or reconnected to). */
export function connectOptions(relay: RelaySession): ConnectRelayOptions {
  return {
    wsUrl: relay.serverUrl,
    signedUrl: relay.url,
    authToken: AUTH_TOKEN,
    setup: relay.setup,
    replyTimeoutMs: 5_000,
  };
}

export async function startRelayHarness(options: HarnessOptions = {}): Promise<RelayHarness> {
  const config = loadConfig(
    {
      DATA_DIR: ':memory:',
      LOG_LEVEL: options.logLevel ?? 'silent',
      ADMIN_API_KEY: 'relay-test-admin-key-0123456789',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_URL,
      DEFAULT_TRANSPORT: 'relay',
      TWILIO_VALIDATE_SIGNATURES: options.validateSignatures === false ? 'false' : 'true',
    },
    '',
  );
  const onLog = options.onLog;
  const logger = onLog
    ? pino(
        loggerOptions(options.logLevel ?? 'warn'),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString('utf8').split('\n')) {
              if (line) onLog(JSON.parse(line) as Record<string, unknown>);
            }
            done();
          },
        }),
      )
    : createLogger(config);
  const container = await createContainer(config, { logger, role: 'server' });
  const scripted = new ScriptedPolicy();
  const calls = options.wrapCalls ? options.wrapCalls(container.callStore) : container.callStore;
  const engine = createCallEngine({
    calls,
    getAgent: (agentId) => container.agents.get(agentId),
    policyFor: (agent) =>
      agent.agent_id.startsWith('stream-') && options.streaming ? options.streaming : scripted,
    turnTimeoutMs: config.TURN_TIMEOUT_MS,
    defaultTimezone: config.DEFAULT_TIMEZONE,
  });
  const unused = () => Promise.reject(new Error('not used by relay tests'));
  const callService = new CallService(
    {
      calls,
      agents: container.agents,
      phoneNumbers: container.phoneNumbers,
      telephony: { createCall: unused, hangUp: unused, connectNumber: unused } as Telephony,
      idempotency: { claim: unused, complete: unused, release: unused } as IdempotencyStore,
      rateLimiter: new RateLimiter(config.CALLS_PER_MINUTE),
    },
    {
      publicUrl: config.publicUrl,
      allowedCountries: config.ALLOWED_DESTINATION_COUNTRIES,
      record: false,
      machineDetection: 'off',
      defaultTransport: 'relay',
    },
  );
  const auth = {
    publicUrl: config.publicUrl,
    authTokens: [AUTH_TOKEN],
    accountSid: ACCOUNT_SID,
    validate: config.TWILIO_VALIDATE_SIGNATURES,
  };
  const sessions = new RelaySessions();
  const socketKey = relaySocketKey(container.secrets.signingSecret);

  // The same plugins and limits as src/http/app.ts.
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.MAX_BODY_BYTES,
  }) as unknown as FastifyInstance;
  await app.register(websocket, { options: { maxPayload: 64 * 1_024 } });
  await app.register(twilioRoutes, {
    auth,
    relaySocketKey: socketKey,
    engine,
    callService,
    calls,
    bodyLimit: config.MAX_BODY_BYTES,
    relaySessions: sessions,
    relay: {
      ...options.relay,
      timing: { idleMs: 600_000, fillerMs: 600_000, ...options.relay?.timing },
    },
    ...(options.webhookDeadlineMs !== undefined ? { webhookDeadlineMs: options.webhookDeadlineMs } : {}),
  });
  const serverUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const simulator = new TwilioSimulator({
    serverUrl,
    publicUrl: PUBLIC_URL,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
  });
  const placeCall = (agentId: string) =>
    simulator.startCall({
      direction: 'outbound',
      from: OUR_NUMBER,
      to: PERSON,
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=${encodeURIComponent(agentId)}`,
      statusEvents: [],
    });
  const socketFor: RelayHarness['socketFor'] = (callSid, socketOptions = {}) => {
    const path = relaySocketPath(socketKey, { callSid, reconnect: socketOptions.reconnect ?? 0 });
    return {
      wsUrl: `${serverUrl.replace(/^http/, 'ws')}${path}`,
      signedUrl: `${PUBLIC_URL.replace(/^https/, 'wss')}${path}`,
      authToken: AUTH_TOKEN,
      setup: {
        callSid,
        accountSid: ACCOUNT_SID,
        from: OUR_NUMBER,
        to: PERSON,
        direction: 'outbound-api',
        ...socketOptions.setup,
      },
      replyTimeoutMs: 5_000,
    };
  };

  return {
    app,
    container,
    engine,
    sessions,
    serverUrl,
    simulator,
    placeCall,
    socketFor,
    createAgent: (agentId, overrides = {}) =>
      container.agents.create({
        agent_id: agentId,
        name: `Agent ${agentId}`,
        prompt: 'Help the caller.',
        voice: 'Polly.Joanna',
        language: 'en-US',
        greeting: 'Hello, how can I help?',
        transport: 'relay',
        ...overrides,
      }),
    call: (callOptions) =>
      runRelayCall({
        serverUrl,
        publicUrl: PUBLIC_URL,
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        from: OUR_NUMBER,
        to: PERSON,
        replyTimeoutMs: 5_000,
        ...callOptions,
      }),
    startCall: async (agentId) => {
      const call = await placeCall(agentId);
      const relay = call.relay;
      if (!relay) throw new Error(`agent ${agentId} did not get a relay session (call is ${call.state})`);
      return { callSid: call.callSid, call, connect: connectOptions(relay) };
    },
    close: async () => {
      await app.close();
      await container.close();
    },
  };
}
