// Tracing, switched on by an OTLP endpoint. The container loads this module with import() only then.
import packageJson from '../../../package.json' with { type: 'json' };
import type { OtelSettings } from '../../config.js';
import type { CallStore } from '../../ports/call-store.js';
import type { Telemetry } from '../../ports/telemetry.js';
import type { ToolRunner } from '../../ports/tool-runner.js';
import { createOtelTelemetry } from './open-telemetry.js';
import { TracingCallStore } from './tracing-call-store.js';
import { tracingToolRunner } from './tracing-tool-runner.js';

export interface Tracing {
  telemetry: Telemetry;
  /** The store whose call-scoped operations are spans in each call's trace. */
  traceCallStore(store: CallStore): CallStore;
  /** The runner whose tool requests are spans in the call's trace and carry its `traceparent`. */
  traceToolRunner(runner: ToolRunner): ToolRunner;
}

export async function openTracing(
  settings: OtelSettings,
  options: { scheduledDelayMs?: number } = {},
): Promise<Tracing> {
  const telemetry = await createOtelTelemetry({ settings, serviceVersion: packageJson.version, ...options });
  return {
    telemetry,
    traceCallStore: (store) => new TracingCallStore(store, telemetry),
    traceToolRunner: (runner) => tracingToolRunner(runner, telemetry),
  };
}
