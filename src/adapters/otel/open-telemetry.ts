// Builds the tracing pipeline from the OTel settings: the SDK's batch span processor and OTLP
// exporter, the resource, the sampler. The container imports this module only when an OTLP endpoint
// is set, so with tracing off none of the SDK is loaded.
import { getNumberFromEnv } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, RandomIdGenerator, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtelSettings } from '../../config.js';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './attributes.js';
import { CallTraces } from './call-traces.js';
import { OtelTelemetry } from './otel-telemetry.js';
import { samplerFromEnv } from './sampler.js';
import { SpanRecorder } from './span-recorder.js';

// The SDK's default schedule for the batch span processor.
const DEFAULT_DELAY_MS = 5_000;

export interface OtelOptions {
  settings: OtelSettings;
  serviceVersion: string;
  /** How long spans wait before export (default OTEL_BSP_SCHEDULE_DELAY, else the SDK's 5 s). */
  scheduledDelayMs?: number;
}

async function createExporter(settings: OtelSettings): Promise<SpanExporter> {
  const config = { url: settings.tracesUrl, headers: settings.headers, timeoutMillis: settings.timeoutMs };
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
}

export async function createOtelTelemetry(options: OtelOptions): Promise<OtelTelemetry> {
  const { settings } = options;
  // The processor's other settings the SDK reads from the environment (OTEL_BSP_*) apply as well;
  // its schedule is also when the turns' spans are built (span-recorder.ts).
  const delayMs = options.scheduledDelayMs ?? getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY') ?? DEFAULT_DELAY_MS;
  const processor = new BatchSpanProcessor(await createExporter(settings), { scheduledDelayMillis: delayMs });
  const origin = {
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.resourceAttributes[ATTR_SERVICE_VERSION] ?? options.serviceVersion,
    }),
    scope: { name: 'voice-agent', version: options.serviceVersion },
  };
  return new OtelTelemetry(
    new SpanRecorder(processor, origin, new RandomIdGenerator(), delayMs),
    new CallTraces(samplerFromEnv()),
  );
}
