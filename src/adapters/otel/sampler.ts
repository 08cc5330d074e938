// The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name, as the SDK's tracer provider
// builds it from the process environment (the SDK does not export that step). The adapter asks it
// once per call and trace: every built-in sampler decides a call's spans alike (docs/decisions/0031-tracing-cost.md).
import { diag } from '@opentelemetry/api';
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

function ratio(): number {
  const value = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (value === undefined || value < 0 || value > 1) {
    diag.error(`OTEL_TRACES_SAMPLER_ARG must be between 0 and 1 (got ${value}); sampling every trace.`);
    return 1;
  }
  return value;
}

export function samplerFromEnv(): Sampler {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      diag.error(`OTEL_TRACES_SAMPLER "${name}" is not one the SDK knows; using parentbased_always_on.`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
