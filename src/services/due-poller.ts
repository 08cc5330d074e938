// Runs a batch of due durable jobs at start-up and every intervalMs; a retry due sooner than the
// next poll gets a timer of its own (the interval stays the backstop). Keeps track of work in flight
// so shutdown and tests can wait for it.

export interface DuePollerOptions {
  /** Attempts every due job once; resolves the number of jobs looked at. */
  runDue: () => Promise<number>;
  intervalMs: number;
  onError: (error: unknown) => void;
}

export class DuePoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  private polling = false;

  constructor(private readonly options: DuePollerOptions) {}

  start(): void {
    if (this.timer) return;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Schedules a poll after delayMs when it comes before the next interval (only while started). */
  pollAfter(delayMs: number): void {
    if (!this.timer || delayMs >= this.options.intervalMs) return;
    const retry = setTimeout(() => {
      this.retryTimers.delete(retry);
      this.poll();
    }, delayMs);
    retry.unref();
    this.retryTimers.add(retry);
  }

  /** Keeps `work` in flight until it settles; its failure goes to onError. */
  track(work: Promise<unknown>): void {
    const settled = work.catch(this.options.onError).finally(() => this.inflight.delete(settled));
    this.inflight.add(settled);
  }

  /** Stops polling and waits for the work in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const retry of this.retryTimers) clearTimeout(retry);
    this.retryTimers.clear();
    await this.settled();
  }

  /** For tests: waits for work in flight, then runs due jobs until none is due. */
  async drain(maxRounds = 50): Promise<void> {
    await this.settled();
    for (let round = 0; round < maxRounds; round += 1) {
      if ((await this.options.runDue()) === 0) return;
      await this.settled();
    }
  }

  private async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    this.track(
      this.options.runDue().finally(() => {
        this.polling = false;
      }),
    );
  }
}
