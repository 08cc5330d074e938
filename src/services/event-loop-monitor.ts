// A stalled event loop delays every call's turn on this instance at once (a synchronous loop, a
// huge JSON parse, a GC storm). It is measured all the time, reported by GET /health, and logged
// when a window saw a stall, so an operator can see it and a load balancer can act on it.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from '../logger.js';

const WINDOW_MS = 10_000;
const RESOLUTION_MS = 10;
// A turn's whole server-side budget is tens of milliseconds; a stall this long is heard by callers.
export const STALL_WARN_MS = 200;

export interface EventLoopDelay {
  /** The 99th percentile and the longest delay, in the last full window and the current one. */
  p99_ms: number;
  max_ms: number;
}

const toMs = (nanoseconds: number) => Math.round(nanoseconds / 1e5) / 10;

export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private lastWindow: EventLoopDelay = { p99_ms: 0, max_ms: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = WINDOW_MS,
  ) {}

  start(): void {
    this.histogram.enable();
    this.timer ??= setInterval(() => this.closeWindow(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
  }

  current(): EventLoopDelay {
    const running = this.read();
    return {
      p99_ms: Math.max(this.lastWindow.p99_ms, running.p99_ms),
      max_ms: Math.max(this.lastWindow.max_ms, running.max_ms),
    };
  }

  /** Ends the current window: keeps its figures and logs a stall it saw. */
  closeWindow(): EventLoopDelay {
    this.lastWindow = this.read();
    this.histogram.reset();
    if (this.lastWindow.max_ms >= STALL_WARN_MS) {
      this.logger.warn(
        { event_loop_max_ms: this.lastWindow.max_ms, event_loop_p99_ms: this.lastWindow.p99_ms },
        'event loop stalled: every call on this instance waited',
      );
    }
    return this.lastWindow;
  }

  private read(): EventLoopDelay {
    // An empty histogram reports its maximum as a huge number.
    if (this.histogram.count === 0) return { p99_ms: 0, max_ms: 0 };
    return { p99_ms: toMs(this.histogram.percentile(99)), max_ms: toMs(this.histogram.max) };
  }
}
