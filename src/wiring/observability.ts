// What the server reports about itself: traces (the OpenTelemetry SDK is imported only when an OTLP
// endpoint is set; otherwise a shared no-op), GET /metrics, the event-loop monitor and what each turn
// and greeting is reported to.
import type { DynamoClients } from '../adapters/dynamodb/index.js';
import { countByStatus } from '../adapters/dynamodb/status-count.js';
import { INDEXES } from '../adapters/dynamodb/tables.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { noopTelemetry, type Telemetry } from '../ports/telemetry.js';
import { EventLoopMonitor } from '../services/event-loop-monitor.js';
import { LatencyAlarms } from '../services/latency-alarms.js';
import { TurnInsights } from '../services/turn-insights.js';
import type { OnClose } from './cleanups.js';

// Backlog gauges count at most this many jobs per status (a bounded query per scrape).
const BACKLOG_COUNT_MAX = 10_000;

export async function openTracing(config: Config, onClose: OnClose) {
  const tracing = config.otel
    ? await (await import('../adapters/otel/index.js')).openTracing(config.otel)
    : undefined;
  const telemetry = tracing?.telemetry ?? noopTelemetry;
  onClose(() => telemetry.shutdown());
  return { tracing, telemetry };
}

export function buildMetrics(
  config: Config,
  deps: { dynamo: DynamoClients; telemetry: Telemetry; logger: Logger },
  onClose: OnClose,
) {
  const { dynamo, logger } = deps;
  // Store-backed gauges are counted on the status indexes at scrape time (cached).
  const statusCounts = (table: string, index: string, statuses: string[]) => () =>
    countByStatus(dynamo.doc, { table, index, statuses, max: BACKLOG_COUNT_MAX });
  const eventLoop = new EventLoopMonitor(logger);
  eventLoop.start();
  onClose(() => eventLoop.stop());
  const metrics = new PrometheusMetrics({
    sources: {
      activeCalls: async () =>
        (await statusCounts(config.tables.calls, INDEXES.callsByStatus, ['in-progress'])())['in-progress'] ??
        0,
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
    telemetry: deps.telemetry,
    metrics,
    alarms: new LatencyAlarms({ logger, turnMs: config.TURN_ALARM_MS, greetingMs: config.GREETING_ALARM_MS }),
  });
  return { eventLoop, metrics, turnObserver };
}
