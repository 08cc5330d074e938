// Builds the tracing SDK from the OTel settings. The container imports this module only when an
// OTLP endpoint is set, so with tracing off none of the SDK is loaded.
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { OtelSettings } from '../../config.js';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './attributes.js';
import { CallIdGenerator } from './call-id-generator.js';
import { OtelTelemetry } from './otel-telemetry.js';

export interface OtelOptions {
  settings: OtelSettings;
  serviceVersion: string;
  /** How long spans wait in the batch before export (default the SDK's 5 s). */
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
  const ids = new CallIdGenerator();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.resourceAttributes[ATTR_SERVICE_VERSION] ?? options.serviceVersion,
    }),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor(await createExporter(settings), {
        ...(options.scheduledDelayMs !== undefined ? { scheduledDelayMillis: options.scheduledDelayMs } : {}),
      }),
    ],
  });
  return new OtelTelemetry(provider.getTracer('voice-agent', options.serviceVersion), ids, provider);
}
