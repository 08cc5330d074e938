// What a container opened, closed in reverse order once, each step on its own: a failing cleanup is
// logged and the rest still run.
import type { Logger } from '../logger.js';

export type Cleanup = () => Promise<void> | void;
export type OnClose = (cleanup: Cleanup) => void;

export function cleanups(logger: Logger): { onClose: OnClose; close: () => Promise<void> } {
  const steps: Cleanup[] = [];
  let closing: Promise<void> | undefined;
  return {
    onClose: (cleanup) => void steps.push(cleanup),
    close: () =>
      (closing ??= (async () => {
        for (const cleanup of steps.reverse()) {
          try {
            await cleanup();
          } catch (error) {
            logger.error({ err: error }, 'cleanup failed while closing');
          }
        }
      })()),
  };
}
