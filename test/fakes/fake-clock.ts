// A clock a test moves itself: timers fire in time order as it advances, and after each one the
// test's idle check (work the timer started: HTTP requests, store writes) is awaited, so days of a
// campaign run in seconds with every step finished before the next.
import type { Clock } from '../../src/services/campaigns/clock.js';

interface Timer {
  id: number;
  at: number;
  run: () => unknown;
}

export class FakeClock implements Clock {
  private nowMs: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private readonly started = new Set<Promise<unknown>>();

  constructor(
    startMs: number,
    /** Resolves when the work the last timer started has settled. */
    private readonly idle: () => Promise<void> = async () => {},
  ) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(run: () => unknown, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.nowMs + Math.max(0, ms), run };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** The time of the next timer, if any. */
  nextAt(): number | undefined {
    return this.timers.reduce<number | undefined>(
      (min, t) => (min === undefined || t.at < min ? t.at : min),
      undefined,
    );
  }

  /** Fires the next timer (moving the clock to it) and waits for the work it started. */
  async step(): Promise<boolean> {
    if (this.timers.length === 0) return false;
    const next = this.timers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a));
    this.timers = this.timers.filter((timer) => timer !== next);
    this.nowMs = Math.max(this.nowMs, next.at);
    const result = next.run();
    if (result instanceof Promise) {
      const tracked = result.finally(() => this.started.delete(tracked));
      this.started.add(tracked);
    }
    await this.settled();
    return true;
  }

  /** Steps until `done` holds or the clock passes `untilMs`; returns whether `done` held. */
  async runUntil(done: () => boolean | Promise<boolean>, untilMs: number, checkEvery = 25): Promise<boolean> {
    for (let steps = 0; ; steps += 1) {
      if (steps % checkEvery === 0 && (await done())) return true;
      const at = this.nextAt();
      if (at === undefined || at > untilMs) return done();
      await this.step();
    }
  }

  private async settled(): Promise<void> {
    for (let round = 0; round < 10; round += 1) {
      while (this.started.size > 0) await Promise.allSettled([...this.started]);
      await this.idle();
      if (this.started.size === 0) return;
    }
  }
}
