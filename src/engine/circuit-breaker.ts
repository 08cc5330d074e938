export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerStateChange {
  /** 'provider:model': never a key, never anything a caller said. */
  name: string;
  from: BreakerState;
  to: BreakerState;
  consecutiveFailures: number;
}

export interface BreakerOptions {
  /** LLM_BREAKER_FAILURES: consecutive failures that open the circuit; 0 never opens it. */
  failureThreshold?: number;
  /** LLM_BREAKER_COOLDOWN_MS: how long an open circuit skips the model before one probe may pass. */
  coolDownMs?: number;
  onStateChange?: (change: BreakerStateChange) => void;
  now?: () => number;
}

const DEFAULTS = { failureThreshold: 5, coolDownMs: 30_000 };

/**
 * One model's circuit. Closed: every request passes. Open: none passes until the cool-down ends.
 * Half-open: exactly one request (the probe) passes; its success closes the circuit, its failure
 * opens it again for another cool-down.
 */
export class CircuitBreaker {
  readonly name: string;
  readonly #options: Required<Omit<BreakerOptions, 'onStateChange'>> & BreakerOptions;
  #state: BreakerState = 'closed';
  #consecutiveFailures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(name: string, options: BreakerOptions = {}) {
    this.name = name;
    this.#options = { ...DEFAULTS, now: Date.now, ...options };
  }

  get state(): BreakerState {
    return this.#state;
  }

  /**
   * Whether tryAcquire could pass now (closed, half-open, or open with its cool-down over), without
   * taking the probe: for choosing a path before the request is made.
   */
  mayPass(): boolean {
    if (this.#state === 'open') return this.#options.now() - this.#openedAt >= this.#options.coolDownMs;
    return !(this.#state === 'half-open' && this.#probeInFlight);
  }

  /** Whether a request may go to the model now; every true must be followed by one report. */
  tryAcquire(): boolean {
    if (this.#state === 'open') {
      if (this.#options.now() - this.#openedAt < this.#options.coolDownMs) return false;
      this.#move('half-open');
    }
    if (this.#state === 'half-open') {
      if (this.#probeInFlight) return false;
      this.#probeInFlight = true;
    }
    return true;
  }

  succeeded(): void {
    this.#consecutiveFailures = 0;
    this.#probeInFlight = false;
    if (this.#state !== 'closed') this.#move('closed');
  }

  failed(): void {
    this.#consecutiveFailures += 1;
    this.#probeInFlight = false;
    const threshold = this.#options.failureThreshold;
    const trips =
      this.#state === 'half-open' ||
      (this.#state === 'closed' && threshold > 0 && this.#consecutiveFailures >= threshold);
    if (trips) {
      this.#openedAt = this.#options.now();
      this.#move('open');
    }
  }

  /** A request that proved nothing about the model (the caller interrupted it). */
  released(): void {
    this.#probeInFlight = false;
  }

  #move(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    this.#options.onStateChange?.({
      name: this.name,
      from,
      to,
      consecutiveFailures: this.#consecutiveFailures,
    });
  }
}

/** The circuits of one process, one per provider:model, shared by every agent and call. */
export class CircuitBreakers {
  readonly #options: BreakerOptions;
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(options: BreakerOptions = {}) {
    this.#options = options;
  }

  for(name: string): CircuitBreaker {
    let breaker = this.#breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker(name, this.#options);
      this.#breakers.set(name, breaker);
    }
    return breaker;
  }
}
