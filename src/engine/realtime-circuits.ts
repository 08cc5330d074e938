// Realtime models behind the process's circuit breakers, one per provider:model. Opening a session is
// the request the circuit counts: a model that refused LLM_BREAKER_FAILURES sessions in a row is
// skipped for LLM_BREAKER_COOLDOWN_MS, so a new call is answered over its fallback transport at once
// instead of each caller waiting out the open timeout in silence; then one call probes it again.
import { AppError } from '../domain/errors.js';
import type {
  RealtimeEventHandler,
  RealtimeModel,
  RealtimeModelChoice,
  RealtimeModelFactory,
  RealtimeSession,
  RealtimeSessionConfig,
} from '../ports/realtime-model.js';
import type { CircuitBreaker, CircuitBreakers } from './circuit-breaker.js';

/** The breaker's name for a realtime model: apart from the chat models' circuits. */
export const realtimeCircuitName = (choice: RealtimeModelChoice): string =>
  `${choice.provider}-realtime:${choice.model}`;

class GuardedRealtimeModel implements RealtimeModel {
  readonly provider: string;
  readonly model: string;

  constructor(
    private readonly inner: RealtimeModel,
    private readonly breaker: CircuitBreaker,
  ) {
    this.provider = inner.provider;
    this.model = inner.model;
  }

  async open(config: RealtimeSessionConfig, onEvent: RealtimeEventHandler): Promise<RealtimeSession> {
    // Another call is probing a model that was failing: this one does not wait on it.
    if (!this.breaker.tryAcquire())
      throw new AppError('unavailable', `${this.breaker.name}: circuit open`, { retryable: true });
    try {
      const session = await this.inner.open(config, onEvent);
      this.breaker.succeeded();
      return session;
    } catch (error) {
      this.breaker.failed();
      throw error;
    }
  }
}

/**
 * The factory's models, each counted by its circuit; a model whose circuit is open (cool-down not
 * over) is not offered, as if it had no key: callers choose the fallback transport.
 */
export function guardRealtimeModels(
  factory: RealtimeModelFactory,
  breakers: CircuitBreakers,
): RealtimeModelFactory {
  return {
    forAgent(choice) {
      const model = factory.forAgent(choice);
      if (!model) return undefined;
      const breaker = breakers.for(realtimeCircuitName(choice));
      return breaker.mayPass() ? new GuardedRealtimeModel(model, breaker) : undefined;
    },
  };
}
