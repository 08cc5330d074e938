// Item 5 of the "every millisecond" issue: a slow turn or greeting leaves one warning in the logs
// with its timeline (names and numbers, no words), so an operator sees where the time went.
import type { TurnKind, TurnTimeline } from '../domain/call.js';
import { serverAddedMs } from '../engine/turn-timeline.js';
import type { Logger } from '../logger.js';

export interface LatencyAlarmOptions {
  logger: Logger;
  /** TURN_ALARM_MS: server-added time past this is a slow turn. */
  turnMs: number;
  /** GREETING_ALARM_MS: a greeting slower than this is a slow greeting. */
  greetingMs: number;
}

export interface TurnAlarmInput {
  call_sid: string;
  agent_id: string;
  transport: string;
  seq: number;
  kind?: TurnKind;
  timeline: TurnTimeline;
}

export interface GreetingAlarmInput {
  call_sid: string;
  agent_id: string;
  transport: string;
  ms: number;
  timeline?: TurnTimeline;
}

export class LatencyAlarms {
  constructor(private readonly options: LatencyAlarmOptions) {}

  /** Logs one warning when the turn's server-added time passes TURN_ALARM_MS; returns whether it did. */
  turn(input: TurnAlarmInput): boolean {
    const added = serverAddedMs(input.timeline);
    if (added === undefined || added <= this.options.turnMs) return false;
    this.options.logger.warn(
      {
        call_sid: input.call_sid,
        agent_id: input.agent_id,
        transport: input.transport,
        seq: input.seq,
        kind: input.kind,
        server_added_ms: added,
        threshold_ms: this.options.turnMs,
        timeline: input.timeline,
      },
      'slow turn: the server added more than TURN_ALARM_MS',
    );
    return true;
  }

  /** Logs one warning when the greeting took longer than GREETING_ALARM_MS; returns whether it did. */
  greeting(input: GreetingAlarmInput): boolean {
    if (input.ms <= this.options.greetingMs) return false;
    this.options.logger.warn(
      {
        call_sid: input.call_sid,
        agent_id: input.agent_id,
        transport: input.transport,
        greeting_ms: Math.round(input.ms),
        threshold_ms: this.options.greetingMs,
        ...(input.timeline ? { timeline: input.timeline } : {}),
      },
      'slow greeting: answer to greeting out took more than GREETING_ALARM_MS',
    );
    return true;
  }
}
