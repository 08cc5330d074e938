// The web call transport ("Talk to this agent"): a call from the browser through the same engine and
// stores as a phone call, with typed (or browser-recognised) text in place of Twilio's speech results.
// Each message is one turn, taken by the call's turn runner like a Gather result; the call item is
// marked direction 'web' and ends like any call: a terminal status, then how it ended, summary,
// outcome and the end-of-call webhook. No clocks run here: abandoned calls are ended by the sweeper.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Agent } from '../../domain/agent.js';
import {
  isTerminal,
  type Call,
  type CallStatus,
  type CollectedValue,
  type EndedBy,
} from '../../domain/call.js';
import { AppError, notFound } from '../../domain/errors.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { TurnRunner } from '../../engine/turn-runner.js';
import { TimelineClock } from '../../engine/turn-timeline.js';
import type { TurnLog } from '../../engine/transport.js';
import type { CallStore } from '../../ports/call-store.js';
import type { AgentService } from '../../services/agent-service.js';
import type { CallService } from '../../services/call-service.js';
import { parseOrThrow } from '../../services/validation.js';

// Status sequences on the scale the Twilio status callback uses (rank × 1,000): a web call gets no
// callbacks, but its stored sequence then means the same thing as a phone call's.
const IN_PROGRESS_SEQUENCE = 3_000;
const COMPLETED_SEQUENCE = 4_000;

export const webCallStartSchema = z.object({ agent_id: z.string().min(1).max(64) }).strict();
export const webCallMessageSchema = z
  .object({
    text: z
      .string()
      .max(2_000)
      .refine((t) => t.trim().length > 0, 'must not be blank'),
  })
  .strict();

export interface WebCallStarted {
  call_sid: string;
  agent_id: string;
  language: string;
  voice: string;
  greeting: string;
}

export interface WebCallReply {
  seq: number;
  reply: string;
  ended: boolean;
  ended_by?: EndedBy;
  data_collected: Record<string, CollectedValue>;
}

export interface WebCallEnded {
  call_sid: string;
  status: CallStatus;
  ended_by?: EndedBy;
}

/** The parts of the container a web call needs (the container itself fits). */
export interface WebCallDeps {
  calls: Pick<CallService, 'newCall'>;
  callStore: Pick<CallStore, 'create' | 'get' | 'applyStatus'>;
  agents: Pick<AgentService, 'get'>;
  engine: CallEngine;
  onCallEnded: (callSid: string, status: CallStatus) => Promise<void>;
  logger: TurnLog;
}

export class WebCallService {
  private readonly now: () => Date;
  private readonly newSid: () => string;

  constructor(
    private readonly deps: WebCallDeps,
    options: { now?: () => Date; newSid?: () => string } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newSid = options.newSid ?? (() => `WC${randomBytes(16).toString('hex')}`);
  }

  /** Creates the call item (in progress) and stores the greeting as turn 0. */
  async start(input: unknown): Promise<WebCallStarted> {
    const clock = new TimelineClock(() => performance.now());
    const { agent_id } = parseOrThrow(webCallStartSchema, input);
    const agent = await this.agentForTrial(agent_id);
    const callSid = this.newSid();
    const call = this.deps.calls.newCall({
      callSid,
      agent,
      direction: 'web',
      recipient: 'web',
      ourNumber: 'web',
      status: 'in-progress',
    });
    await this.deps.callStore.create(call);
    await this.deps.callStore.applyStatus(callSid, {
      status: 'in-progress',
      sequence: IN_PROGRESS_SEQUENCE,
      at: call.started_at,
    });
    const { sessions, conversation, observer } = this.deps.engine;
    const session = await sessions.adopt(call, { agent, created: true });
    // A web call's person is nobody we could recognise again: no past calls are recalled.
    const greeting = await conversation.startCall(session, { recall: false, timeline: clock });
    clock.mark('stored');
    clock.mark('first_text_out');
    observer.greetingDone(call, 'web', clock.elapsed(), clock.timeline);
    return {
      call_sid: callSid,
      agent_id: agent.agent_id,
      language: agent.language,
      voice: agent.voice,
      greeting: greeting.agent_text,
    };
  }

  /**
   * One caller message: the next turn of the conversation. The call ends when the agent ends it.
   * `sending`: receives what to tell once the reply went out (its moment goes on the stored turn);
   * without it the reply counts as sent when this resolves.
   */
  async message(
    callSid: string,
    input: unknown,
    sending?: (answered: (sent: boolean) => void) => void,
  ): Promise<WebCallReply> {
    const { text } = parseOrThrow(webCallMessageSchema, input);
    const session = await this.deps.engine.sessions.open(callSid).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'not_found' ? notFound(`web call ${callSid}`) : error;
    });
    const { call } = session;
    if (call.direction !== 'web') throw notFound(`web call ${callSid}`);
    if (isTerminal(call.status) || call.ended_by) throw new AppError('conflict', 'this web call has ended');
    // The turn that ends the call hangs up before the reply is returned.
    const runner = new TurnRunner({ ...this.deps.engine, log: this.deps.logger }, session, {
      end: async () => {
        await this.end(callSid);
      },
    });
    const { outcome, answered } = await runner.take(
      { kind: 'speech', text: text.trim(), confidence: 1 },
      Math.max(session.nextSeq, 1),
    );
    if (sending) sending(answered);
    else answered();
    const endedBy = outcome.turn.ends_call;
    return {
      seq: outcome.turn.seq,
      reply: outcome.turn.agent_text,
      ended: endedBy !== undefined,
      ...(endedBy ? { ended_by: endedBy } : {}),
      data_collected: session.call.data_collected,
    };
  }

  /** Marks the call completed (once), then runs the usual end-of-call work. */
  async end(callSid: string): Promise<WebCallEnded> {
    const call = await this.webCall(callSid);
    if (!isTerminal(call.status)) {
      const at = this.now();
      const applied = await this.deps.callStore.applyStatus(callSid, {
        status: 'completed',
        sequence: COMPLETED_SEQUENCE,
        duration_seconds: Math.max(0, Math.round((at.getTime() - Date.parse(call.started_at)) / 1_000)),
        at: at.toISOString(),
      });
      if (applied) await this.deps.onCallEnded(callSid, 'completed');
    }
    const ended = (await this.deps.callStore.get(callSid)) ?? call;
    return {
      call_sid: callSid,
      status: ended.status,
      ...(ended.ended_by ? { ended_by: ended.ended_by } : {}),
    };
  }

  /** A call the browser left without hanging up: it ends for `reason` (unless it ended already). */
  async endAbandoned(call: Call, reason: EndedBy): Promise<WebCallEnded> {
    await this.deps.engine.operations.endCall(call, reason);
    return this.end(call.call_sid);
  }

  /** Any agent but an archived one: trying an inactive agent before switching it on is the point. */
  private async agentForTrial(agentId: string): Promise<Agent> {
    const agent = await this.deps.agents.get(agentId);
    if (agent.status === 'archived') throw notFound(`agent ${agentId}`);
    return agent;
  }

  private async webCall(callSid: string): Promise<Call> {
    const call = await this.deps.callStore.get(callSid);
    if (!call || call.direction !== 'web') throw notFound(`web call ${callSid}`);
    return call;
  }
}
