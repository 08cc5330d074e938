// Tracing off (no OTLP endpoint) must cost the turn path nothing but a no-op: the SDK is never
// loaded, the store is not wrapped, and the per-turn calls hand back shared frozen objects.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noopTelemetry } from '../../src/ports/telemetry.js';
import { noopTurnObserver } from '../../src/ports/turn-observer.js';
import { startOtlpReceiver } from '../fakes/otlp-receiver.js';

const MAIN = resolve(import.meta.dirname, 'loaded-packages.main.ts');

function loadedWith(env: Record<string, string>) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', MAIN, JSON.stringify(env)], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { packages: string[]; tracing: boolean; store: string };
}

describe('tracing off', () => {
  it('loads none of the tracing SDK and leaves the store unwrapped', async () => {
    expect(loadedWith({})).toEqual({
      // Only the API (its no-op), which the Vercel AI SDK loads for its own telemetry hooks.
      packages: ['@opentelemetry/api'],
      tracing: false,
      store: 'DynamoCallStore',
    });
    // The same check sees the SDK when an endpoint is set.
    const receiver = await startOtlpReceiver();
    try {
      const on = loadedWith({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      });
      expect(on).toMatchObject({ tracing: true, store: 'TracingCallStore' });
      expect(on.packages).toEqual(
        expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']),
      );
      expect(on.packages).not.toContain('@opentelemetry/exporter-trace-otlp-proto');
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('hands the turn path the same frozen no-op objects every time', () => {
    const call = { call_sid: 'CA1', agent_id: 'a' };
    const span = noopTelemetry.startTurnSpan(call, 1, 'relay');
    expect(noopTelemetry.startTurnSpan(call, 2, 'gather')).toBe(span);
    expect(noopTurnObserver.startTurn(call, 3, 'relay')).toBe(span);
    expect(span.child('model')).toBe(noopTelemetry.startCallSpan('CA1', 'webhook POST'));
    expect(span.child('model').traceHeaders()).toBe(span.child('tool').traceHeaders());
    expect(span.child('model').traceHeaders()).toEqual({});
    expect(Object.isFrozen(span) && Object.isFrozen(noopTelemetry)).toBe(true);
  });
});
