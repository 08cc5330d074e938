import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loggerOptions } from '../logger.js';
import { EventLoopMonitor, STALL_WARN_MS } from './event-loop-monitor.js';

function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a synchronous stall, as a runaway loop would make
  }
}

describe('EventLoopMonitor', () => {
  it('sees a stall, reports it until the next window ends, and logs it once', async () => {
    const lines: string[] = [];
    const logger = pino(loggerOptions('info'), { write: (line: string) => void lines.push(line) });
    const monitor = new EventLoopMonitor(logger, 60_000);
    monitor.start();
    try {
      await sleep(50);
      expect(monitor.current().max_ms).toBeLessThan(STALL_WARN_MS);
      busy(STALL_WARN_MS + 100);
      await sleep(50);
      expect(monitor.current().max_ms).toBeGreaterThanOrEqual(STALL_WARN_MS);
      expect(monitor.closeWindow().max_ms).toBeGreaterThanOrEqual(STALL_WARN_MS);
      // The window that saw it is still reported; the one after it is quiet.
      expect(monitor.current().max_ms).toBeGreaterThanOrEqual(STALL_WARN_MS);
      await sleep(50);
      expect(monitor.closeWindow().max_ms).toBeLessThan(STALL_WARN_MS);
      expect(monitor.current().max_ms).toBeLessThan(STALL_WARN_MS);
      const stalls = lines.filter((line) => line.includes('event loop stalled'));
      expect(stalls).toHaveLength(1);
      expect(JSON.parse(stalls[0]!)).toMatchObject({ level: 40, event_loop_max_ms: expect.any(Number) });
    } finally {
      monitor.stop();
    }
  });
});
