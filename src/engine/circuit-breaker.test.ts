import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakers, type BreakerStateChange } from './circuit-breaker.js';

function breakerWith(failureThreshold: number) {
  const clock = { now: 1_000 };
  const changes: BreakerStateChange[] = [];
  const breaker = new CircuitBreaker('openai:gpt-4o-mini', {
    failureThreshold,
    coolDownMs: 5_000,
    now: () => clock.now,
    onStateChange: (change) => changes.push(change),
  });
  return { breaker, clock, changes };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and lets nothing through during the cool-down', () => {
    const { breaker, clock, changes } = breakerWith(3);
    for (let i = 0; i < 2; i += 1) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed();
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([
      { name: 'openai:gpt-4o-mini', from: 'closed', to: 'open', consecutiveFailures: 3 },
    ]);
    clock.now += 4_999;
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('mayPass tells what tryAcquire would answer without taking the probe', () => {
    const { breaker, clock } = breakerWith(1);
    expect(breaker.mayPass()).toBe(true);
    breaker.failed();
    expect(breaker.mayPass()).toBe(false);
    clock.now += 5_000;
    expect(breaker.mayPass()).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.mayPass()).toBe(false);
    breaker.succeeded();
    expect(breaker.mayPass()).toBe(true);
  });

  it('counts only consecutive failures: a success starts the count again', () => {
    const { breaker } = breakerWith(2);
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cool-down; its success closes the circuit', () => {
    const { breaker, clock, changes } = breakerWith(1);
    breaker.failed();
    clock.now += 5_000;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again for a whole cool-down when the probe fails', () => {
    const { breaker, clock } = breakerWith(1);
    breaker.failed();
    clock.now += 5_000;
    breaker.tryAcquire();
    clock.now += 1_000;
    breaker.failed();
    expect(breaker.state).toBe('open');
    clock.now += 4_999;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now += 1;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('frees the probe slot when the probe proved nothing (the caller interrupted it)', () => {
    const { breaker, clock } = breakerWith(1);
    breaker.failed();
    clock.now += 5_000;
    breaker.tryAcquire();
    breaker.released();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('never opens with a threshold of 0', () => {
    const { breaker } = breakerWith(0);
    for (let i = 0; i < 50; i += 1) breaker.failed();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('CircuitBreakers', () => {
  it('keeps one circuit per provider:model', () => {
    const breakers = new CircuitBreakers({ failureThreshold: 1 });
    breakers.for('a:x').failed();
    expect(breakers.for('a:x').state).toBe('open');
    expect(breakers.for('a:y').state).toBe('closed');
    expect(breakers.for('a:x')).toBe(breakers.for('a:x'));
  });
});
