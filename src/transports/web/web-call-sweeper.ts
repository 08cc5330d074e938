// A web call ends when the browser says so, but a closed tab, a crash or a lost network never does.
// Phone calls always get a final status from Twilio; web calls get this instead: calls left idle, or
// past their agent's maximum duration, are ended as the engine would have ended them, so they leave
// "in progress", get a summary, an outcome and their end-of-call webhook.
import type { Call, EndedBy } from '../../domain/call.js';
import type { Logger } from '../../logger.js';
import type { CallStore } from '../../ports/call-store.js';
import type { AgentService } from '../../services/agent-service.js';
import type { WebCallService } from './web-calls.js';

// Nobody types or speaks for five minutes in a conversation they are still having.
export const WEB_CALL_IDLE_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;
const PAGE_SIZE = 100;
// A call past its maximum duration is given this long to end through its own next turn first.
const MAX_DURATION_GRACE_MS = 60_000;

export interface WebCallSweeperDeps {
  callStore: CallStore;
  agents: AgentService;
  webCalls: WebCallService;
  logger: Logger;
}

export class WebCallSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly deps: WebCallSweeperDeps,
    private readonly options: { idleMs?: number; intervalMs?: number; now?: () => Date } = {},
  ) {}

  /** Ends the abandoned web calls in progress; resolves with the ones it ended. */
  async sweep(): Promise<string[]> {
    const ended: string[] = [];
    // One agent read per agent per sweep, however many of its calls are in progress.
    const maxSeconds = new Map<string, Promise<number | undefined>>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.callStore.list({ status: 'in-progress', limit: PAGE_SIZE, cursor });
      for (const call of page.items) {
        if (call.direction !== 'web') continue;
        // One call that cannot be ended now must not keep the others in progress.
        try {
          if (!maxSeconds.has(call.agent_id)) maxSeconds.set(call.agent_id, this.maxSecondsOf(call.agent_id));
          const reason = await this.abandonedBecause(call, await maxSeconds.get(call.agent_id));
          if (!reason) continue;
          await this.deps.webCalls.endAbandoned(call, reason);
          ended.push(call.call_sid);
        } catch (error) {
          this.deps.logger.warn(
            { err: error, call_sid: call.call_sid },
            'could not end an abandoned web call',
          );
        }
      }
      cursor = page.cursor;
    } while (cursor);
    if (ended.length > 0) this.deps.logger.info({ calls: ended.length }, 'ended abandoned web calls');
    return ended;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'web call sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The agent's maximum call duration; undefined for an agent that is gone (idle rule only). */
  private maxSecondsOf(agentId: string): Promise<number | undefined> {
    return this.deps.agents.get(agentId).then(
      (agent) => agent.max_call_seconds,
      () => undefined,
    );
  }

  private async abandonedBecause(call: Call, maxSeconds: number | undefined): Promise<EndedBy | undefined> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const maxMs = (maxSeconds ?? 0) * 1_000 + MAX_DURATION_GRACE_MS;
    if (maxSeconds !== undefined && now - Date.parse(call.started_at) > maxMs) return 'system_timeout';
    const [last] = await this.deps.callStore.listTurns(call.call_sid, { last: 1 });
    const lastActivity = Date.parse(last?.replied_at ?? call.started_at);
    return now - lastActivity > (this.options.idleMs ?? WEB_CALL_IDLE_MS) ? 'system_silence' : undefined;
  }
}
