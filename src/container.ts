// The one place that builds adapters and wires them into services; used by the server and the CLI.
// Each part is built by a file of src/wiring/ (stores, tools, models, metrics, campaigns, after the
// call); this file puts them together in order. To add a part: build it in the matching wiring file
// (or a new one), add it to Container, and register its cleanup with onClose (cleanups run in
// reverse order).
import type { Config } from './config.js';
import type { DynamoClients } from './adapters/dynamodb/index.js';
import { tableAnswers } from './adapters/dynamodb/table-answers.js';
import {
  IN_MEMORY_DATA_DIR,
  loadLocalSecrets,
  type LocalSecrets,
} from './adapters/embedded/local-secrets.js';
import type { PrometheusMetrics } from './adapters/prometheus/prometheus-metrics.js';
import type { OpenedS3 } from './adapters/s3/open.js';
import type { HttpToolRunner } from './adapters/tools/http-tool-runner.js';
import type { Agent } from './domain/agent.js';
import type { CallStatus } from './domain/call.js';
import { createCallEngine, type CallEngine } from './engine/call-engine.js';
import type { ToolCatalog } from './engine/tools/tool-catalog.js';
import type { Logger } from './logger.js';
import type { AgentStore } from './ports/agent-store.js';
import type { CallStore } from './ports/call-store.js';
import type { CampaignStore, PacerStore } from './ports/campaign-store.js';
import type { DoNotCallStore } from './ports/do-not-call-store.js';
import type { PhoneNumberStore } from './ports/phone-number-store.js';
import type { RealtimeModelFactory } from './ports/realtime-model.js';
import type { ReplyPolicy } from './ports/reply-policy.js';
import type { SchemaValidator } from './ports/schema-validator.js';
import type { SessionRevocations } from './ports/session-revocations.js';
import type { Telemetry } from './ports/telemetry.js';
import type { Telephony } from './ports/telephony.js';
import type { ToolRunner } from './ports/tool-runner.js';
import type { TurnObserver } from './ports/turn-observer.js';
import type { AgentService } from './services/agent-service.js';
import type { AnalyticsService } from './services/analytics/analytics-service.js';
import type { CallService } from './services/call-service.js';
import type { CallFinalizer } from './services/call-finalizer.js';
import type { CampaignScheduler, SchedulerOptions } from './services/campaigns/campaign-scheduler.js';
import type { CampaignService } from './services/campaigns/campaign-service.js';
import type { Clock } from './services/campaigns/clock.js';
import type { DoNotCallService } from './services/campaigns/do-not-call-service.js';
import type { EventLoopMonitor } from './services/event-loop-monitor.js';
import type { PhoneNumberService } from './services/phone-number-service.js';
import type { RecordingCopier } from './services/recording-copier.js';
import type { WebhookNotifier } from './services/webhook-notifier.js';
import type { SimulatedTelephony } from './simulator/simulated-telephony.js';
import { WebCallSweeper } from './transports/web/web-call-sweeper.js';
import { WebCallService } from './transports/web/web-calls.js';
import { buildAfterCall, openRecordingsBucket } from './wiring/after-call.js';
import { buildAgents } from './wiring/agents.js';
import { buildCalls } from './wiring/calls.js';
import { buildCampaigns, buildDoNotCall } from './wiring/campaigns.js';
import { cleanups } from './wiring/cleanups.js';
import { buildModels } from './wiring/models.js';
import { buildMetrics, openTracing } from './wiring/observability.js';
import { prepareEmbedded } from './wiring/prepare-embedded.js';
import { openStores, type Role } from './wiring/stores.js';
import { buildTools } from './wiring/tools.js';

export type { Role };

export interface ContainerOptions {
  logger: Logger;
  role: Role;
  /** A fresh in-memory dynalite and throwaway secrets (tests); also when DATA_DIR is ':memory:'. */
  inMemory?: boolean;
  /** Create tables and seed agents when the store is embedded (default true). */
  prepareEmbedded?: boolean;
  /**
   * How this process uses an embedded DATA_DIR (default: role): 'server' owns the folder or does
   * not start; 'cli' (a command, or a server a command runs for itself) shares a running one's.
   */
  dataDirRole?: Role;
  /**
   * Runs agents' tools on calls instead of the real runner: `voice-agent test` passes its stubs,
   * which never leave the process. "Try it" (POST /agents/:id/tools/:name/try) always uses the real one.
   */
  toolRunner?: ToolRunner;
  /** The campaign scheduler's clock and timings (tests and benchmarks run campaigns on their own clock). */
  campaigns?: { clock?: Clock; scheduler?: Partial<SchedulerOptions> };
}

export interface RuntimeMode {
  store: 'embedded' | 'aws';
  llm: string;
}

export interface Container {
  config: Config;
  logger: Logger;
  role: Role;
  secrets: LocalSecrets;
  mode: RuntimeMode;
  dynamo: DynamoClients;
  /**
   * The embedded DynamoDB, when embedded: its endpoint, and the pid of the child process that runs it
   * (none when shared: another process on DATA_DIR runs it).
   */
  embedded?: { endpoint: string; shared: boolean; pid?: number };
  /** Agent ids seeded while this container started. */
  seeded: string[];
  /** Whether the store answers a read now (GET /health). */
  storeAnswers: () => Promise<boolean>;
  /** This process's event-loop delay (GET /health; a stall is logged). */
  eventLoop: EventLoopMonitor;
  agentStore: AgentStore;
  callStore: CallStore;
  phoneNumberStore: PhoneNumberStore;
  /** Signed-out dashboard sessions, shared by every instance. */
  sessionRevocations: SessionRevocations;
  agents: AgentService;
  phoneNumbers: PhoneNumberService;
  calls: CallService;
  /** Twilio's REST API (calls, number webhooks); its client is created on first use. */
  telephony: Telephony;
  /** The engine: call sessions, the conversation, and the named operations on a call. */
  engine: CallEngine;
  /** Realtime speech-to-speech models (an agent's llm.realtime), when their provider has a key. */
  realtimeModels: RealtimeModelFactory;
  /** The brain for an agent: its LLM, or the scripted policy when none is configured. */
  policyFor: (agent: Agent) => ReplyPolicy;
  /** Agents' own tools: the real runner (guarded, signed), the catalog calls use, the schema validator. */
  tools: {
    runner: HttpToolRunner;
    /** The tools calls use (stubs under `voice-agent test`). */
    catalog: ToolCatalog;
    /** The same tools on the real runner, always: what "Try it" runs. */
    trialCatalog: ToolCatalog;
    validator: SchemaValidator;
  };
  /** After a call's terminal status: how it ended, then summary, outcome and webhook. Never throws. */
  onCallEnded: (callSid: string, status: CallStatus) => Promise<void>;
  s3: OpenedS3;
  recordings: RecordingCopier;
  /** End-of-call reports, through durable delivery jobs retried at start-up and periodically. */
  webhooks: WebhookNotifier;
  finalizer: CallFinalizer;
  /** Traces (OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set, else a shared no-op). */
  telemetry: Telemetry;
  /** Counters, histograms and gauges for GET /metrics. */
  metrics: PrometheusMetrics;
  /** What the turn runner reports each turn and greeting to: span, metrics, slow-turn alarm. */
  turnObserver: TurnObserver;
  /** GET /analytics: figures over a date range of calls. */
  analytics: AnalyticsService;
  campaigns: CampaignService;
  campaignStore: CampaignStore;
  pacerStore: PacerStore;
  doNotCallStore: DoNotCallStore;
  /** Runs running campaigns (started on the server only). */
  campaignScheduler: CampaignScheduler;
  doNotCall: DoNotCallService;
  /**
   * Without a Twilio account: places campaign calls through the built-in simulator, once the
   * server tells it where it listens.
   */
  simulatedTelephony?: SimulatedTelephony;
  onClose(cleanup: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export async function createContainer(config: Config, options: ContainerOptions): Promise<Container> {
  const { logger, role } = options;
  const inMemory = options.inMemory === true || config.DATA_DIR === IN_MEMORY_DATA_DIR;
  const { onClose, close } = cleanups(logger);

  try {
    // In memory (tests, benchmarks) nothing goes through DATA_DIR's discovery record, so the embedded
    // S3's child process starts beside the store's (~0.3 s each). On a folder it starts after the
    // store: the record must be this process's before it records its S3 or looks for another's.
    const earlyS3 = inMemory ? openRecordingsBucket(config, { inMemory, logger }, onClose) : undefined;
    const secrets = loadLocalSecrets(inMemory ? { ...config, DATA_DIR: IN_MEMORY_DATA_DIR } : config);
    const { tracing, telemetry } = await openTracing(config, onClose);
    const stores = await openStores(
      config,
      {
        logger,
        dataDirRole: options.dataDirRole ?? role,
        inMemory,
        signingSecret: secrets.signingSecret,
        ...(tracing ? { traceCallStore: (store: CallStore) => tracing.traceCallStore(store) } : {}),
      },
      onClose,
    );
    const { embedded, dynamo, agentStore, callStore } = stores;
    const tools = buildTools(
      config,
      {
        logger,
        signingSecret: secrets.signingSecret,
        stubRunner: options.toolRunner,
        ...(tracing ? { traceToolRunner: (runner: ToolRunner) => tracing.traceToolRunner(runner) } : {}),
      },
      onClose,
    );
    const { eventLoop, metrics, turnObserver } = buildMetrics(config, { dynamo, telemetry, logger }, onClose);

    const { agents, phoneNumbers, analytics } = buildAgents(config, {
      agentStore,
      phoneNumberStore: stores.phoneNumberStore,
      calls: callStore,
      validator: tools.validator,
      onAgentLoaded: tools.onAgentLoaded,
    });

    // The conversation: the LLM (or scripted policy) behind one engine shared by every transport.
    const { llm, breakers, policyFor, realtimeModels } = await buildModels(
      config,
      { logger, metrics, tools: tools.catalog },
      onClose,
    );
    const clock = options.campaigns?.clock;
    const doNotCallParts = buildDoNotCall(config, { storeOptions: stores.storeOptions, clock });
    const engine = createCallEngine({
      onDoNotCall: (call) => doNotCallParts.doNotCall.fromCaller(call),
      calls: callStore,
      getAgent: (agentId) => agents.get(agentId),
      policyFor,
      turnTimeoutMs: config.TURN_TIMEOUT_MS,
      defaultTimezone: config.DEFAULT_TIMEZONE,
      observer: turnObserver,
      ...(config.DEFAULT_PHONE_REGION ? { phoneRegion: config.DEFAULT_PHONE_REGION } : {}),
      onError: (error, context) =>
        logger.error({ err: error, call_sid: context.callSid, seq: context.seq }, 'turn failed'),
    });
    // Moments of turns that came after their store and no later turn carried yet.
    onClose(() => engine.late.flushAll());

    const { telephony, callServiceParts, calls } = buildCalls(config, {
      dynamo,
      calls: callStore,
      agents,
      phoneNumbers,
      realtimeModels,
    });
    const campaignParts = buildCampaigns(
      config,
      {
        ...doNotCallParts,
        dynamo,
        storeOptions: stores.storeOptions,
        calls: callStore,
        agents,
        callService: calls,
        callServiceParts,
        realTwilio: secrets.twilioSource === 'env',
        logger,
        clock,
        scheduler: options.campaigns?.scheduler,
      },
      onClose,
    );

    const s3 = await (earlyS3 ?? openRecordingsBucket(config, { inMemory, logger }, onClose));
    const afterCall = await buildAfterCall(
      config,
      {
        s3,
        dynamo,
        calls: callStore,
        agents: agentStore,
        secrets,
        llm,
        breakers,
        metrics,
        telemetry,
        logger,
      },
      onClose,
    );
    const onCallEnded = async (callSid: string, status: CallStatus) => {
      try {
        await engine.operations.callEnded(callSid, status);
      } catch (error) {
        logger.error({ err: error, call_sid: callSid }, 'recording the end of a call failed');
      }
      // Moments of its last turns held here are written before its summary reads the turns.
      await engine.late.flush(callSid);
      afterCall.finalizer.finalizeInBackground(callSid);
      campaignParts.campaignScheduler.onCallEnded(callSid);
    };

    // Embedded stores are ready to use: tables exist and a fresh install has its agents.
    const seeded =
      embedded && options.prepareEmbedded !== false
        ? await prepareEmbedded(config, dynamo, agents, logger)
        : [];

    // Pending copies left by an earlier run are retried at start-up, then periodically.
    if (role === 'server') {
      afterCall.recordings.start();
      onClose(() => afterCall.recordings.stop());
      afterCall.notifier.start();
      onClose(() => afterCall.notifier.stop());
      // Web calls whose browser went away without hanging up are ended (a phone call gets Twilio's
      // final status instead).
      const webCalls = new WebCallService({ calls, callStore, agents, engine, onCallEnded, logger });
      const sweeper = new WebCallSweeper({ callStore, agents, webCalls, logger });
      sweeper.start();
      onClose(() => sweeper.stop());
      campaignParts.campaignScheduler.start();
      onClose(() => campaignParts.campaignScheduler.stop());
    }

    return {
      config,
      logger,
      role,
      secrets,
      mode: { store: embedded ? 'embedded' : 'aws', llm: llm.describe() },
      dynamo,
      ...(embedded
        ? { embedded: { endpoint: embedded.endpoint, shared: embedded.shared, pid: embedded.pid } }
        : {}),
      seeded,
      storeAnswers: () =>
        tableAnswers(dynamo.doc, config.tables.agents, { agent_id: '__health__' }, (error) =>
          logger.warn({ err: error }, 'health check: the store did not answer'),
        ),
      eventLoop,
      agentStore,
      callStore,
      phoneNumberStore: stores.phoneNumberStore,
      sessionRevocations: stores.sessionRevocations,
      agents,
      phoneNumbers,
      calls,
      telephony,
      engine,
      realtimeModels,
      policyFor,
      tools,
      onCallEnded,
      s3: afterCall.s3,
      recordings: afterCall.recordings,
      webhooks: afterCall.notifier,
      finalizer: afterCall.finalizer,
      telemetry,
      metrics,
      turnObserver,
      analytics,
      ...doNotCallParts,
      ...campaignParts,
      onClose,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
