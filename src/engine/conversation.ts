import type { Agent, TransferTarget } from '../domain/agent.js';
import type { Call, EndedBy, Turn, TurnKind } from '../domain/call.js';
import { notFound } from '../domain/errors.js';
import type { CallStore } from '../ports/call-store.js';
import type { ReplyPolicy, TurnContext, TurnReply } from '../ports/reply-policy.js';
import { personalize } from './contact-variables.js';
import { countTurns, findTarget } from './count-turns.js';
import { findTransferTarget } from './tools/transfer.js';
import { doNotCallConfirmation, isDoNotCallRequest } from './do-not-call-request.js';
import { isGoodbye } from './end-of-call.js';
import { phrasesFor } from './phrases.js';
import { isBudgetExceeded, runWithBudget, type BudgetExceeded } from './turn-budget.js';
import { updateCallWithRetry } from './update-call.js';

// A caller utterance longer than this is cut before it reaches a model (reliability.md B3).
export const MAX_CALLER_TEXT_CHARS = 2_000;
// Low-confidence speech is re-asked at most this many times in a row, then taken as heard.
const MAX_LOW_CONFIDENCE_REPROMPTS = 2;
// Turns handed to the policy; the prompt builder bounds them further by size. Keeps a long call's
// turn cost flat instead of growing with every turn.
const HISTORY_TURNS = 60;

export type CallerInput =
  | { kind: 'speech'; text: string; confidence?: number }
  | { kind: 'silence' }
  | { kind: 'dtmf'; digits: string };

export interface TurnOutcome {
  turn: Turn;
  /** The call as it was before this turn, and its agent. */
  call: Call;
  agent: Agent;
  /** The turn was already stored: a duplicate delivery gets the same answer. */
  duplicate: boolean;
  transfer?: TransferTarget;
}

export interface TurnOptions {
  /** Receives reply text as the policy produces it (streaming transports). */
  onText?: (delta: string) => void;
  /** Aborts the turn, e.g. when the caller interrupts. */
  signal?: AbortSignal;
  /** Moment the transport received the caller input. */
  receivedAt?: Date;
  /** Told when one of the agent's own tools starts and ends (a slow tool's filler line). */
  onToolEvent?: TurnContext['onToolEvent'];
}

export interface ConversationDeps {
  calls: CallStore;
  getAgent: (agentId: string) => Promise<Agent>;
  policyFor: (agent: Agent) => ReplyPolicy;
  turnTimeoutMs: number;
  defaultTimezone: string;
  now?: () => Date;
  onError?: (error: unknown, context: { callSid: string; seq: number }) => void;
  /**
   * Puts the caller's number on the do-not-call list ("stop calling me"); the agent confirms only
   * after it resolves. Without it such a request goes to the policy like any other words.
   */
  onDoNotCall?: (call: Call, seq: number) => Promise<void>;
}

/**
 * One conversation engine for every transport: it turns a caller input into the agent's next line,
 * stores the turn before the caller hears it, and applies the end-of-call rules. It keeps no call
 * state in memory, so any instance can take any turn of any call.
 */
export class Conversation {
  private readonly inFlight = new Map<string, Promise<TurnOutcome>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ConversationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Stores and returns turn 0, the agent's greeting (no model call before it). */
  async greet(callSid: string): Promise<Turn> {
    const existing = await this.deps.calls.getTurn(callSid, 0);
    if (existing) return existing;
    const call = await this.requireCall(callSid);
    const agent = personalize(await this.deps.getAgent(call.agent_id), call);
    const at = this.now().toISOString();
    const turn: Turn = {
      call_sid: callSid,
      seq: 0,
      kind: 'greeting',
      agent_text: agent.greeting,
      received_at: at,
      replied_at: at,
      latency_ms: 0,
    };
    if (await this.deps.calls.putTurn(turn)) {
      // Stored: the caller is greeted even if counting it fails now (the next turn counts it).
      await this.updateCall(callSid, (current) => ({ turn_count: Math.max(current.turn_count, 1) })).catch(
        (error: unknown) => this.deps.onError?.(error, { callSid, seq: 0 }),
      );
      return turn;
    }
    return (await this.deps.calls.getTurn(callSid, 0)) ?? turn;
  }

  /** Handles caller input `seq`; a second delivery of the same seq returns the stored turn. */
  handleInput(
    callSid: string,
    seq: number,
    input: CallerInput,
    options: TurnOptions = {},
  ): Promise<TurnOutcome> {
    const key = `${callSid}:${seq}`;
    const running = this.inFlight.get(key);
    if (running) return running.then((outcome) => ({ ...outcome, duplicate: true }));
    const promise = this.runTurn(callSid, seq, input, options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async runTurn(
    callSid: string,
    seq: number,
    input: CallerInput,
    options: TurnOptions,
  ): Promise<TurnOutcome> {
    const receivedAt = options.receivedAt ?? this.now();
    // A redelivered turn is among the recent ones (Twilio retries within seconds); an older one is
    // still caught by the conditional put below. One store request fewer per turn.
    const [call, recent] = await Promise.all([
      this.requireCall(callSid),
      this.deps.calls.listTurns(callSid, { last: HISTORY_TURNS }),
    ]);
    const agent = personalize(await this.deps.getAgent(call.agent_id), call);
    const stored = recent.find((t) => t.seq === seq);
    const history = recent.filter((t) => t.seq < seq);
    if (stored) {
      // A redelivery after the turn was stored but not yet counted on the call (a crash or a store
      // fault between the two writes): count it now, once.
      if (call.turn_count <= stored.seq) {
        await this.recordTurnOnCall(call, agent, stored, history, { onlyIfUncounted: true }).catch(
          (error: unknown) => this.deps.onError?.(error, { callSid, seq }),
        );
      }
      return { turn: stored, call, agent, duplicate: true, transfer: findTarget(agent, stored) };
    }
    const decision = await this.decide(call, agent, history, seq, input, options, receivedAt);
    const repliedAt = this.now();
    const turn: Turn = {
      call_sid: callSid,
      seq,
      kind: decision.kind,
      ...(input.kind === 'speech' ? { caller_text: clip(input.text) } : {}),
      ...(input.kind === 'dtmf' ? { caller_text: input.digits } : {}),
      ...(input.kind === 'speech' && input.confidence !== undefined ? { confidence: input.confidence } : {}),
      agent_text: decision.reply.text,
      ...(decision.reply.end ? { ends_call: decision.reply.end } : {}),
      ...(Object.keys(decision.reply.extracted).length > 0 ? { extracted: decision.reply.extracted } : {}),
      ...(decision.transfer ? { transfer_to: decision.transfer.id } : {}),
      ...(decision.doNotCall ? { do_not_call: true } : {}),
      received_at: receivedAt.toISOString(),
      replied_at: repliedAt.toISOString(),
      latency_ms: Math.max(0, repliedAt.getTime() - receivedAt.getTime()),
      ...usageOf(decision.reply),
    };
    if (!(await this.deps.calls.putTurn(turn))) {
      const winner = await this.deps.calls.getTurn(callSid, seq);
      if (winner) return { turn: winner, call, agent, duplicate: true, transfer: findTarget(agent, winner) };
    }
    // The turn is stored: the caller hears it even if counting it on the call fails now. The next
    // turn (or a redelivery of this one) counts it, because turns the call lags behind are folded in.
    await this.recordTurnOnCall(call, agent, turn, history).catch((error: unknown) =>
      this.deps.onError?.(error, { callSid, seq }),
    );
    return { turn, call, agent, duplicate: false, transfer: decision.transfer };
  }

  private async decide(
    call: Call,
    agent: Agent,
    history: Turn[],
    seq: number,
    input: CallerInput,
    options: TurnOptions,
    receivedAt: Date,
  ): Promise<{ kind: TurnKind; reply: TurnReply; transfer?: TransferTarget; doNotCall?: boolean }> {
    const lines = phrasesFor(agent.language);
    const say = (kind: TurnKind, text: string, end?: EndedBy) => ({
      kind,
      reply: { text, extracted: {}, end },
    });

    const elapsedMs = receivedAt.getTime() - Date.parse(call.started_at);
    if (elapsedMs > agent.max_call_seconds * 1_000)
      return say('speech', agent.closing_line ?? lines.closing(), 'system_timeout');

    if (input.kind === 'silence') {
      const silentInARow = trailingCount(history, 'silence') + 1;
      if (silentInARow > agent.silence_reprompts)
        return say('silence', lines.silenceGoodbye(), 'system_silence');
      return say('silence', agent.silence_prompt ?? lines.stillThere());
    }
    if (input.kind === 'speech') {
      const lowConfidence = input.confidence !== undefined && input.confidence < agent.confidence_threshold;
      if (lowConfidence && trailingCount(history, 'low_confidence') < MAX_LOW_CONFIDENCE_REPROMPTS) {
        return say('low_confidence', lines.sorryRepeat());
      }
    }

    if (input.kind === 'speech' && this.deps.onDoNotCall && isDoNotCallRequest(input.text)) {
      await this.deps.onDoNotCall(call, seq);
      return { ...say('speech', doNotCallConfirmation(agent.language), 'user'), doNotCall: true };
    }

    const callerText = input.kind === 'speech' ? clip(input.text) : input.digits;
    const policy = this.deps.policyFor(agent);
    const reply = await runWithBudget(
      (signal) =>
        policy.respond({
          agent,
          call,
          history,
          pastCalls: call.past_calls ?? [],
          callerText,
          seq,
          now: receivedAt,
          timezone: agent.timezone ?? this.deps.defaultTimezone,
          signal,
          ...(options.onToolEvent ? { onToolEvent: options.onToolEvent } : {}),
        }),
      { budgetMs: this.deps.turnTimeoutMs, signal: options.signal, onText: options.onText },
    ).catch((error: unknown): TurnReply => {
      this.deps.onError?.(error, { callSid: call.call_sid, seq });
      return { text: lines.turnFailed(), extracted: {}, modelError: describeError(error) };
    });
    if (isBudgetExceeded(reply))
      return {
        kind: 'timeout',
        reply: { text: lines.turnFailed(), extracted: {}, ...spentBeforeTimeout(reply) },
      };

    const kind: TurnKind = input.kind === 'dtmf' ? 'dtmf' : 'speech';
    const goodbye = input.kind === 'speech' && isGoodbye(callerText, agent.language, agent.end_call_phrases);
    const end = reply.end ?? (goodbye ? 'user' : undefined);
    const transfer = findTransferTarget(agent, reply.transferTo);
    const text = reply.text.trim() || (end ? (agent.closing_line ?? lines.closing()) : lines.turnFailed());
    return { kind, reply: { ...reply, text, end: transfer ? 'transfer' : end }, transfer };
  }

  /**
   * Counts a stored turn on the call item (collected data, turn count, totals), together with any
   * earlier stored turn the call has not counted yet (turn_count lags behind it).
   */
  private async recordTurnOnCall(
    call: Call,
    agent: Agent,
    turn: Turn,
    /** The stored turns before `turn`. */
    history: Turn[],
    /** Skip `turn` when the call already counts it (a concurrent delivery of the same turn did). */
    options: { onlyIfUncounted?: boolean } = {},
  ): Promise<void> {
    await updateCallWithRetry(
      this.deps.calls,
      call.call_sid,
      (current) => {
        if (options.onlyIfUncounted && current.turn_count > turn.seq) return undefined;
        return countTurns(current, [...history, turn], agent);
      },
      call,
    );
  }

  /** Read-modify-write with the call's version; retried when another writer got there first. */
  async updateCall(callSid: string, change: (current: Call) => Partial<Call>, known?: Call): Promise<Call> {
    const updated = await updateCallWithRetry(this.deps.calls, callSid, change, known);
    if (!updated) throw notFound('call');
    return updated;
  }

  private async requireCall(callSid: string): Promise<Call> {
    const call = await this.deps.calls.get(callSid);
    if (!call) throw notFound('call');
    return call;
  }
}

function trailingCount(history: Turn[], kind: TurnKind): number {
  let count = 0;
  for (let i = history.length - 1; i >= 0 && history[i]?.kind === kind; i -= 1) count += 1;
  return count;
}

function clip(text: string): string {
  return text.length > MAX_CALLER_TEXT_CHARS ? text.slice(0, MAX_CALLER_TEXT_CHARS) : text;
}

function usageOf(reply: TurnReply): Partial<Turn> {
  return {
    ...(reply.modelLatencyMs !== undefined ? { model_latency_ms: Math.round(reply.modelLatencyMs) } : {}),
    ...(reply.inputTokens !== undefined ? { input_tokens: reply.inputTokens } : {}),
    ...(reply.outputTokens !== undefined ? { output_tokens: reply.outputTokens } : {}),
    ...(reply.cachedInputTokens ? { cached_input_tokens: reply.cachedInputTokens } : {}),
    ...(reply.costMicroUsd !== undefined ? { cost_micro_usd: Math.round(reply.costMicroUsd) } : {}),
    ...(reply.modelError ? { model_error: reply.modelError.slice(0, 500) } : {}),
    ...(reply.model ? { model: reply.model } : {}),
    ...(reply.toolCalls?.length ? { tool_calls: reply.toolCalls } : {}),
  };
}

/** What a turn that ran out its budget still spent: the policy's latency and tokens, if it said. */
function spentBeforeTimeout(exceeded: BudgetExceeded): Partial<TurnReply> {
  const { late } = exceeded;
  const tokens = (late?.inputTokens ?? 0) + (late?.outputTokens ?? 0) > 0;
  return {
    modelError: `turn budget of ${exceeded.budgetMs} ms exceeded`,
    modelLatencyMs: late?.modelLatencyMs ?? exceeded.elapsedMs,
    ...(tokens
      ? { inputTokens: late?.inputTokens, outputTokens: late?.outputTokens, costMicroUsd: late?.costMicroUsd }
      : {}),
    ...(late?.toolCalls ? { toolCalls: late.toolCalls } : {}),
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : 'unknown error';
}
