// The one place that builds adapters and wires them into services; used by the server and the CLI.
// To add a part: build it in the matching section below, add it to Container, and register its
// cleanup with onClose (cleanups run in reverse order).
import type { Config } from './config.js';
import {
  createDynamoClients,
  createTables,
  DynamoAgentStore,
  DynamoCallStore,
  DynamoPhoneNumberStore,
  type DynamoClients,
} from './adapters/dynamodb/index.js';
import {
  connectOrStartEmbeddedDynamo,
  startEmbeddedDynamo,
  type EmbeddedDynamo,
} from './adapters/embedded/dynalite.js';
import { openEmbeddedDynamoForServer } from './adapters/embedded/server-dynamo.js';
import {
  IN_MEMORY_DATA_DIR,
  loadLocalSecrets,
  type LocalSecrets,
} from './adapters/embedded/local-secrets.js';
import { AGENT_STATUSES, type Agent } from './domain/agent.js';
import type { Logger } from './logger.js';
import type { AgentStore } from './ports/agent-store.js';
import type { CallStore } from './ports/call-store.js';
import type { PhoneNumberStore } from './ports/phone-number-store.js';
import type { SessionRevocations } from './ports/session-revocations.js';
import type { Telephony } from './ports/telephony.js';
import { DynamoIdempotencyStore } from './adapters/dynamodb/idempotency-store.js';
import { DynamoSessionRevocations } from './adapters/dynamodb/session-revocation-store.js';
import { tableAnswers } from './adapters/dynamodb/table-answers.js';
import { wireItemRequests } from './adapters/dynamodb/lean-commands.js';
import { ModelSummarizer } from './adapters/llm/model-summarizer.js';
import { createLanguageModelFactory } from './adapters/llm/provider-factory.js';
import { CircuitBreakers } from './engine/circuit-breaker.js';
import { TwilioRestTelephony } from './adapters/twilio/rest-telephony.js';
import { deterministicSummarizer } from './engine/call-summary.js';
import { createCallEngine, type CallEngine } from './engine/call-engine.js';
import { createPolicySelector } from './engine/policy-selector.js';
import { ScriptedPolicy } from './engine/scripted-policy.js';
import type { ReplyPolicy } from './ports/reply-policy.js';
import type { CallStatus } from './domain/call.js';
import { AgentService } from './services/agent-service.js';
import { CallService } from './services/call-service.js';
import { DynamoRecordingJobStore } from './adapters/dynamodb/recording-job-store.js';
import { checkOutboundUrl, createGuardedFetch } from './adapters/net/url-guard.js';
import { openS3, type OpenedS3 } from './adapters/s3/open.js';
import { CallFinalizer } from './services/call-finalizer.js';
import { RecordingCopier } from './services/recording-copier.js';
import { mediaOriginsFor } from './services/media-origin.js';
import { WebhookNotifier } from './services/webhook-notifier.js';
import { DynamoWebhookJobStore } from './adapters/dynamodb/webhook-job-store.js';
import { RateLimiter } from './services/rate-limiter.js';
import { deriveKey } from './services/derived-keys.js';
import { PhoneNumberService } from './services/phone-number-service.js';
import { seedAgents } from './services/seed.js';
import { EventLoopMonitor } from './services/event-loop-monitor.js';
import { noopTelemetry, type Telemetry } from './ports/telemetry.js';
import type { TurnObserver } from './ports/turn-observer.js';
import { PrometheusMetrics } from './adapters/prometheus/prometheus-metrics.js';
import { countByStatus } from './adapters/dynamodb/status-count.js';
import { INDEXES } from './adapters/dynamodb/tables.js';
import { LatencyAlarms } from './services/latency-alarms.js';
import { TurnInsights } from './services/turn-insights.js';
import { AnalyticsService } from './services/analytics/analytics-service.js';
import { WebCallService } from './transports/web/web-calls.js';
import { WebCallSweeper } from './transports/web/web-call-sweeper.js';
import { AjvSchemaValidator } from './adapters/json-schema/ajv-schema-validator.js';
import { GuardedPool } from './adapters/net/guarded-pool.js';
import { EnvSecrets, firstOf } from './adapters/secrets/env-secrets.js';
import { SecretsManagerSecrets } from './adapters/secrets/secrets-manager-secrets.js';
import { HttpToolRunner } from './adapters/tools/http-tool-runner.js';
import { loggedToolRunner } from './adapters/tools/logged-tool-runner.js';
import { McpToolClient } from './adapters/tools/mcp-tool-client.js';
import { ToolCatalog } from './engine/tools/tool-catalog.js';
import type { SchemaValidator } from './ports/schema-validator.js';
import type { SecretSource } from './ports/secret-source.js';
import type { ToolRunner } from './ports/tool-runner.js';
import { toolConfigProblems } from './services/tool-config-check.js';
import { DynamoCampaignStore } from './adapters/dynamodb/campaign-store.js';
import { DynamoDoNotCallStore } from './adapters/dynamodb/do-not-call-store.js';
import { DynamoPacerStore } from './adapters/dynamodb/pacer-store.js';
import { numberTimeZones } from './adapters/phone/number-time-zones.js';
import { CampaignScheduler, type SchedulerOptions } from './services/campaigns/campaign-scheduler.js';
import { CampaignService } from './services/campaigns/campaign-service.js';
import { systemClock, type Clock } from './services/campaigns/clock.js';
import { DoNotCallService } from './services/campaigns/do-not-call-service.js';
import { SIMULATED_CALLER_NUMBER, SimulatedTelephony } from './simulator/simulated-telephony.js';
import type { CampaignStore, PacerStore } from './ports/campaign-store.js';
import type { DoNotCallStore } from './ports/do-not-call-store.js';

export type Role = 'server' | 'cli';

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

// Backlog gauges count at most this many jobs per status (a bounded query per scrape).
const BACKLOG_COUNT_MAX = 10_000;

// A command that holds DATA_DIR (agents …, an interactive simulate) usually ends within seconds;
// past this a server refuses to start rather than share a database that vanishes with the command.
const WAIT_FOR_COMMAND_MS = 30_000;

async function openEmbedded(
  config: Config,
  options: ContainerOptions,
  inMemory: boolean,
): Promise<EmbeddedDynamo> {
  // The database runs in a child process; if it dies, every store call fails until a restart.
  const onUnexpectedExit = (detail: string) => options.logger.error(`${detail}; restart this process`);
  if (inMemory) return startEmbeddedDynamo({ onUnexpectedExit });
  if ((options.dataDirRole ?? options.role) === 'server') {
    return openEmbeddedDynamoForServer(config.DATA_DIR, {
      waitMs: WAIT_FOR_COMMAND_MS,
      onWait: (message) => options.logger.warn(message),
      onUnexpectedExit,
    });
  }
  return connectOrStartEmbeddedDynamo(config.DATA_DIR, 'cli', { onUnexpectedExit });
}

async function isEmpty(store: AgentStore): Promise<boolean> {
  for (const status of AGENT_STATUSES) {
    if ((await store.list({ status, limit: 1 })).items.length > 0) return false;
  }
  return true;
}

export async function createContainer(config: Config, options: ContainerOptions): Promise<Container> {
  const { logger, role } = options;
  const inMemory = options.inMemory === true || config.DATA_DIR === IN_MEMORY_DATA_DIR;
  const cleanups: (() => Promise<void> | void)[] = [];
  const onClose = (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          logger.error({ err: error }, 'cleanup failed while closing');
        }
      }
    })());

  try {
    const secrets = loadLocalSecrets(inMemory ? { ...config, DATA_DIR: IN_MEMORY_DATA_DIR } : config);

    // Tracing: the SDK is imported only when an OTLP endpoint is set; otherwise a shared no-op.
    const tracing = config.otel
      ? await (await import('./adapters/otel/index.js')).openTracing(config.otel)
      : undefined;
    const telemetry = tracing?.telemetry ?? noopTelemetry;
    onClose(() => telemetry.shutdown());

    // Storage: embedded dynalite under DATA_DIR, or DynamoDB (AWS or DYNAMODB_ENDPOINT).
    let embedded: EmbeddedDynamo | undefined;
    if (config.embeddedDynamo || inMemory) {
      embedded = await openEmbedded(config, options, inMemory);
      onClose(() => embedded?.close());
    }
    const dynamo = createDynamoClients(
      embedded
        ? { endpoint: embedded.endpoint }
        : { endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION },
    );
    onClose(() => dynamo.destroy());
    // Cursors are signed with a key of their own, never with the webhook secret itself.
    const storeOptions = { doc: dynamo.doc, cursorSecret: deriveKey(secrets.signingSecret, 'cursor') };
    const agentStore = new DynamoAgentStore({ ...storeOptions, table: config.tables.agents });
    // A call's requests, from its voice webhook to its last turn, skip the SDK's middleware
    // (docs/decisions/0010-dynamodb-wire-client.md).
    const items = wireItemRequests(dynamo.wire);
    const dynamoCallStore = new DynamoCallStore({
      ...storeOptions,
      callsTable: config.tables.calls,
      turnsTable: config.tables.turns,
      items,
    });
    const callStore = tracing ? tracing.traceCallStore(dynamoCallStore) : dynamoCallStore;
    const phoneNumberStore = new DynamoPhoneNumberStore({
      doc: dynamo.doc,
      table: config.tables.phoneNumbers,
      items,
    });
    const sessionRevocations = new DynamoSessionRevocations({
      doc: dynamo.doc,
      table: config.tables.idempotency,
    });

    // Agents' own tools: arguments checked with Ajv, requests through a guarded keep-alive pool,
    // secrets from TOOL_SECRET_<NAME> then (when configured) Secrets Manager.
    const validator = new AjvSchemaValidator();
    const production = config.NODE_ENV === 'production';
    const pool = new GuardedPool();
    onClose(() => pool.close());
    const secretSources: SecretSource[] = [new EnvSecrets(config.toolSecrets)];
    if (config.TOOL_SECRETS_MANAGER_PREFIX) {
      const manager = new SecretsManagerSecrets({
        prefix: config.TOOL_SECRETS_MANAGER_PREFIX,
        ttlMs: config.TOOL_SECRETS_TTL_SECONDS * 1_000,
        region: config.AWS_REGION,
      });
      onClose(() => manager.close());
      secretSources.push(manager);
    }
    const toolSecrets = firstOf(...secretSources);
    const mcp = new McpToolClient({ pool, secrets: toolSecrets, signingSecret: secrets.signingSecret });
    onClose(() => mcp.close());
    const realToolRunner = new HttpToolRunner({
      pool,
      secrets: toolSecrets,
      signingSecret: secrets.signingSecret,
      privateNetworkAllowed: !production || config.TOOLS_ALLOW_PRIVATE_NETWORK,
      requireHttps: production,
      mcp,
    });
    const toolCatalog = new ToolCatalog({
      runner: loggedToolRunner(options.toolRunner ?? realToolRunner, logger),
      validator,
      onListFailed: (error, where) =>
        logger.warn(
          { err: error, agent_id: where.agentId, mcp_server: where.server },
          "an MCP server's tools could not be listed; they are left out of this turn",
        ),
    });

    // Services.
    const agents = new AgentService(agentStore, {
      checkTools: (fields) =>
        toolConfigProblems(fields, {
          validator,
          production,
          privateNetworkAllowed: config.TOOLS_ALLOW_PRIVATE_NETWORK,
        }),
      cacheTtlMs: config.AGENT_CACHE_TTL_SECONDS * 1_000,
      checkWebhookUrl: async (url) => {
        await checkOutboundUrl(url, {
          allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
          field: 'webhook_url',
          allowUnresolved: true,
        });
      },
    });
    const phoneNumbers = new PhoneNumberService(phoneNumberStore, agents, {
      cacheTtlMs: config.AGENT_CACHE_TTL_SECONDS * 1_000,
    });
    const analytics = new AnalyticsService({
      calls: callStore,
      fieldsOf: (agentId) =>
        agents.get(agentId).then(
          (agent) => agent.data_to_fill.map((field) => field.name),
          () => undefined,
        ),
    });

    // Metrics: store-backed gauges are counted on the status indexes at scrape time (cached).
    const statusCounts = (table: string, index: string, statuses: string[]) => () =>
      countByStatus(dynamo.doc, { table, index, statuses, max: BACKLOG_COUNT_MAX });
    const eventLoop = new EventLoopMonitor(logger);
    const metrics = new PrometheusMetrics({
      sources: {
        activeCalls: async () =>
          (await statusCounts(config.tables.calls, INDEXES.callsByStatus, ['in-progress'])())[
            'in-progress'
          ] ?? 0,
        webhookJobs: statusCounts(config.tables.webhookDeliveries, INDEXES.webhookDeliveriesByStatus, [
          'pending',
          'sending',
        ]),
        recordingJobs: statusCounts(config.tables.recordings, INDEXES.recordingsByStatus, [
          'pending',
          'copying',
        ]),
        eventLoop: () => eventLoop.current(),
      },
      onSourceError: (error) => logger.warn({ err: error }, 'metrics: a store count failed'),
    });
    const turnObserver = new TurnInsights({
      telemetry,
      metrics,
      alarms: new LatencyAlarms({
        logger,
        turnMs: config.TURN_ALARM_MS,
        greetingMs: config.GREETING_ALARM_MS,
      }),
    });

    // The conversation: the LLM (or scripted policy) behind one engine shared by every transport.
    const llm = createLanguageModelFactory(config);
    onClose(() => llm.close());
    // One breaker per model for the process: turns and end-of-call summaries see the same state.
    const breakers = new CircuitBreakers({
      failureThreshold: config.LLM_BREAKER_FAILURES,
      coolDownMs: config.LLM_BREAKER_COOLDOWN_MS,
      onStateChange: ({ name, from, to, consecutiveFailures }) => {
        metrics.circuitChanged({ name, to });
        logger.warn(
          { model: name, from, to, consecutive_failures: consecutiveFailures },
          `model circuit ${to}`,
        );
      },
    });
    const policyFor = createPolicySelector(llm, new ScriptedPolicy(), {
      firstTokenTimeoutMs: config.LLM_TIMEOUT_MS,
      turnBudgetMs: config.TURN_TIMEOUT_MS,
      temperature: config.LLM_TEMPERATURE,
      region: config.DEFAULT_PHONE_REGION,
      breakers,
      tools: toolCatalog,
    });
    const clock = options.campaigns?.clock ?? systemClock;
    const campaignStore = new DynamoCampaignStore({
      ...storeOptions,
      campaignsTable: config.tables.campaigns,
      contactsTable: config.tables.campaignContacts,
      attemptsTable: config.tables.campaignAttempts,
    });
    const pacerStore = new DynamoPacerStore({ doc: dynamo.doc, table: config.tables.campaigns });
    const doNotCallStore = new DynamoDoNotCallStore({ ...storeOptions, table: config.tables.doNotCall });
    const doNotCall = new DoNotCallService(doNotCallStore, clock);
    const engine = createCallEngine({
      onDoNotCall: (call) => doNotCall.fromCaller(call),
      calls: callStore,
      getAgent: (agentId) => agents.get(agentId),
      policyFor,
      turnTimeoutMs: config.TURN_TIMEOUT_MS,
      defaultTimezone: config.DEFAULT_TIMEZONE,
      onError: (error, context) =>
        logger.error({ err: error, call_sid: context.callSid, seq: context.seq }, 'turn failed'),
    });

    // Calls: Twilio's REST API (only with real credentials from the environment), guards, idempotency.
    const telephony = new TwilioRestTelephony({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_ACCOUNT_SID ? config.TWILIO_AUTH_TOKEN : undefined,
      apiUrl: config.TWILIO_API_URL,
      timeoutMs: config.TWILIO_TIMEOUT_MS,
    });
    const callDeps = {
      calls: callStore,
      agents,
      phoneNumbers,
      telephony,
      idempotency: new DynamoIdempotencyStore({ doc: dynamo.doc, table: config.tables.idempotency }),
      rateLimiter: new RateLimiter(config.CALLS_PER_MINUTE),
    };
    const callOptions = {
      publicUrl: config.publicUrl,
      defaultFrom: config.TWILIO_PHONE_NUMBER,
      allowedCountries: config.ALLOWED_DESTINATION_COUNTRIES,
      record: config.RECORD_CALLS,
      machineDetection: config.ANSWERING_MACHINE_DETECTION,
      defaultTransport: config.DEFAULT_TRANSPORT,
    };
    const calls = new CallService(callDeps, callOptions);

    // Campaigns: the scheduler places each attempt through CallService. Without a Twilio account a
    // second CallService (same guards, stores and rate limit) places them through the simulator.
    const simulatedTelephony =
      secrets.twilioSource === 'env'
        ? undefined
        : new SimulatedTelephony((error, callSid) =>
            logger.error({ err: error, call_sid: callSid }, 'simulated call failed'),
          );
    if (simulatedTelephony) onClose(() => simulatedTelephony.drain());
    const campaignCalls = simulatedTelephony
      ? new CallService(
          { ...callDeps, telephony: simulatedTelephony },
          { ...callOptions, defaultFrom: callOptions.defaultFrom ?? SIMULATED_CALLER_NUMBER },
        )
      : calls;
    const campaignScheduler = new CampaignScheduler({
      store: campaignStore,
      pacer: pacerStore,
      doNotCall: doNotCallStore,
      calls: callStore,
      placeCall: (request, campaign, key) => campaignCalls.startCampaignCall(request, campaign, key),
      clock,
      logger,
      options: options.campaigns?.scheduler,
    });
    const campaigns = new CampaignService({
      store: campaignStore,
      pacer: pacerStore,
      agents,
      clock,
      checkDestination: (number) => calls.checkDestination(number),
      zonesOfNumber: numberTimeZones,
      wake: () => campaignScheduler.wake({ refresh: true }),
    });

    // Recordings: copied from Twilio to S3 (embedded s3rver under DATA_DIR by default) off the
    // webhook's path, through durable jobs that survive restarts.
    const s3 = await openS3(config, { inMemory });
    onClose(() => s3.close());
    const recordings = new RecordingCopier({
      jobs: new DynamoRecordingJobStore({ doc: dynamo.doc, table: config.tables.recordings }),
      calls: callStore,
      recordings: s3.store,
      fetch: globalThis.fetch,
      credentials: { accountSid: secrets.twilioAccountSid, authToken: secrets.twilioAuthToken },
      format: config.RECORDING_FORMAT,
      // The download carries our Twilio credentials: only Twilio's media hosts (or the stand-in at
      // TWILIO_API_URL) may receive them, with real or local credentials alike.
      mediaOrigins: mediaOriginsFor(config.TWILIO_API_URL),
      deleteFromTwilio: config.DELETE_TWILIO_RECORDINGS,
      logger,
    });

    // After a call: summary, outcome and the signed end-of-call webhook.
    const notifier = new WebhookNotifier({
      calls: callStore,
      agents: agentStore,
      jobs: new DynamoWebhookJobStore({ doc: dynamo.doc, table: config.tables.webhookDeliveries }),
      post: createGuardedFetch({ allowPrivate: config.WEBHOOK_ALLOW_PRIVATE }),
      defaultUrl: config.WEBHOOK_URL,
      secret: secrets.signingSecret,
      publicUrl: config.publicUrl,
      logger,
      telemetry,
    });
    // The model writes summary and outcome when one serves the call's agent (its llm settings, else
    // LLM_PROVIDER); otherwise, and whenever the model fails, the deterministic summary is stored.
    const summarizer = new ModelSummarizer({
      modelFor: (agent) => llm.aiModelFor(agent?.llm),
      fallback: deterministicSummarizer,
      isUnavailable: (label) => breakers.for(label).state === 'open',
    });
    const finalizer = new CallFinalizer({
      calls: callStore,
      agents: agentStore,
      notifier,
      summarizer,
      logger,
      metrics,
      telemetry,
    });
    onClose(() => finalizer.drain());
    const onCallEnded = async (callSid: string, status: CallStatus) => {
      try {
        await engine.operations.callEnded(callSid, status);
      } catch (error) {
        logger.error({ err: error, call_sid: callSid }, 'recording the end of a call failed');
      }
      finalizer.finalizeInBackground(callSid);
      campaignScheduler.onCallEnded(callSid);
    };

    // Embedded stores are ready to use: tables exist and a fresh install has its agents.
    const seeded: string[] = [];
    if (embedded && options.prepareEmbedded !== false) {
      const created = await createTables(dynamo.client, config.tables);
      if (created.includes(config.tables.agents) || (await isEmpty(agentStore))) {
        seeded.push(...(await seedAgents(agents)));
        if (seeded.length > 0) logger.info({ agents: seeded }, 'seeded agents');
      }
    }

    eventLoop.start();
    onClose(() => eventLoop.stop());

    // Pending copies left by an earlier run are retried at start-up, then periodically.
    if (role === 'server') {
      recordings.start();
      onClose(() => recordings.stop());
      notifier.start();
      onClose(() => notifier.stop());
      // Web calls whose browser went away without hanging up are ended (a phone call gets Twilio's
      // final status instead).
      const webCalls = new WebCallService({ calls, callStore, agents, engine, onCallEnded, logger });
      const sweeper = new WebCallSweeper({ callStore, agents, webCalls, logger });
      sweeper.start();
      onClose(() => sweeper.stop());
      campaignScheduler.start();
      onClose(() => campaignScheduler.stop());
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
      phoneNumberStore,
      sessionRevocations,
      agents,
      phoneNumbers,
      calls,
      telephony,
      engine,
      policyFor,
      tools: {
        runner: realToolRunner,
        catalog: toolCatalog,
        trialCatalog: options.toolRunner
          ? new ToolCatalog({ runner: realToolRunner, validator })
          : toolCatalog,
        validator,
      },
      onCallEnded,
      s3,
      recordings,
      webhooks: notifier,
      finalizer,
      telemetry,
      metrics,
      turnObserver,
      analytics,
      campaigns,
      campaignStore,
      pacerStore,
      doNotCallStore,
      campaignScheduler,
      doNotCall,
      ...(simulatedTelephony ? { simulatedTelephony } : {}),
      onClose,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
