// What happens after a call: recordings copied from Twilio to S3 (embedded s3rver under DATA_DIR by
// default) and the summary, outcome and signed end-of-call webhook, each through durable jobs that
// survive restarts, off the webhook's path.
import type { DynamoClients } from '../adapters/dynamodb/index.js';
import { DynamoRecordingJobStore } from '../adapters/dynamodb/recording-job-store.js';
import { DynamoWebhookJobStore } from '../adapters/dynamodb/webhook-job-store.js';
import type { ManagedLanguageModelFactory } from '../adapters/llm/provider-factory.js';
import { ModelSummarizer } from '../adapters/llm/model-summarizer.js';
import type { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import type { LocalSecrets } from '../adapters/embedded/local-secrets.js';
import { createGuardedFetch } from '../adapters/net/url-guard.js';
import { openS3, type OpenedS3 } from '../adapters/s3/open.js';
import type { Config } from '../config.js';
import { deterministicSummarizer } from '../engine/call-summary.js';
import type { CircuitBreakers } from '../engine/circuit-breaker.js';
import type { Logger } from '../logger.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CallStore } from '../ports/call-store.js';
import type { Telemetry } from '../ports/telemetry.js';
import { CallFinalizer } from '../services/call-finalizer.js';
import { mediaOriginsFor } from '../services/media-origin.js';
import { RecordingCopier } from '../services/recording-copier.js';
import { WebhookNotifier } from '../services/webhook-notifier.js';
import type { OnClose } from './cleanups.js';

export interface AfterCallDeps {
  dynamo: DynamoClients;
  calls: CallStore;
  agents: AgentStore;
  secrets: LocalSecrets;
  llm: ManagedLanguageModelFactory;
  breakers: CircuitBreakers;
  metrics: PrometheusMetrics;
  telemetry: Telemetry;
  logger: Logger;
  /** The recordings bucket (openRecordingsBucket). */
  s3: OpenedS3;
}

/**
 * Starts opening the recordings bucket, and registers its closing at once: a container that fails
 * before it awaits the bucket still ends the embedded S3's child process.
 */
export function openRecordingsBucket(
  config: Config,
  deps: { inMemory: boolean; logger: Logger },
  onClose: OnClose,
): Promise<OpenedS3> {
  // The embedded S3 runs in a child process; if it dies, recordings fail until a restart.
  const opening = openS3(config, {
    inMemory: deps.inMemory,
    onUnexpectedExit: (detail) => deps.logger.error(`${detail}; restart this process`),
  });
  // Its failure surfaces where the container awaits it; meanwhile it must not count as unhandled.
  opening.catch(() => {});
  onClose(async () => (await opening.catch(() => undefined))?.close());
  return opening;
}

export async function buildAfterCall(config: Config, deps: AfterCallDeps, onClose: OnClose) {
  const { dynamo, calls, agents, secrets, logger, telemetry, s3 } = deps;
  const recordings = new RecordingCopier({
    jobs: new DynamoRecordingJobStore({ doc: dynamo.doc, table: config.tables.recordings }),
    calls,
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
  const notifier = new WebhookNotifier({
    calls,
    agents,
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
    modelFor: (agent) => deps.llm.aiModelFor(agent?.llm),
    fallback: deterministicSummarizer,
    isUnavailable: (label) => deps.breakers.for(label).state === 'open',
  });
  const finalizer = new CallFinalizer({
    calls,
    agents,
    notifier,
    summarizer,
    logger,
    metrics: deps.metrics,
    telemetry,
  });
  onClose(() => finalizer.drain());
  return { s3, recordings, notifier, finalizer };
}
