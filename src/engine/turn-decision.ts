// What the agent says to one caller input: the engine's own rules first (the call's time is up,
// silence, speech heard too poorly), then the agent's policy within the turn budget, then goodbye and
// transfer. Decides only: the conversation stores the turn (conversation.ts).
import type { Agent, TransferTarget } from '../domain/agent.js';
import type { Call, EndedBy, Turn, TurnKind } from '../domain/call.js';
import type { ReplyPolicy, TurnContext, TurnReply } from '../ports/reply-policy.js';
import { doNotCallConfirmation, isDoNotCallRequest } from './do-not-call-request.js';
import { isGoodbye } from './end-of-call.js';
import type { ExtractionContext } from './extraction/index.js';
import { awaitedKeypadField, failedDigitFields, keyedEntryReply, keypadDue } from './keypad-fallback.js';
import { phrasesFor } from './phrases.js';
import { keypadPhrasesFor } from './phrases-keypad.js';
import { findTransferTarget } from './tools/transfer.js';
import { isBudgetExceeded, runWithBudget, type BudgetExceeded } from './turn-budget.js';
import type { TimelineClock } from './turn-timeline.js';

// A caller utterance longer than this is cut before it reaches a model (reliability.md B3).
export const MAX_CALLER_TEXT_CHARS = 2_000;
// Low-confidence speech is re-asked at most this many times in a row, then taken as heard.
const MAX_LOW_CONFIDENCE_REPROMPTS = 2;

export type CallerInput =
  | { kind: 'speech'; text: string; confidence?: number }
  | { kind: 'silence' }
  | { kind: 'dtmf'; digits: string };

export interface DecisionDeps {
  policyFor: (agent: Agent) => ReplyPolicy;
  turnTimeoutMs: number;
  defaultTimezone: string;
  /** ISO country of phone numbers keyed in without one (DEFAULT_PHONE_REGION); else from the language. */
  phoneRegion?: string;
  onError?: (error: unknown, context: { callSid: string; seq: number }) => void;
  /**
   * Puts the caller's number on the do-not-call list ("stop calling me"); the agent confirms only
   * after it resolves. Without it such a request goes to the policy like any other words.
   */
  onDoNotCall?: (call: Call, seq: number) => Promise<void>;
}

export interface DecisionRequest {
  /** The call as stored before this turn. */
  call: Call;
  agent: Agent;
  /** The turns before this one, oldest first. */
  history: Turn[];
  seq: number;
  input: CallerInput;
  receivedAt: Date;
  signal?: AbortSignal;
  onText?: (delta: string) => void;
  /** Told when one of the agent's own tools starts and ends. */
  onToolEvent?: TurnContext['onToolEvent'];
  /** The turn's timeline: the model's request, first token and last token are marked on it. */
  timeline?: TimelineClock;
  /** Answers instead of the agent's policy (a speech-to-speech model's reply, already spoken). */
  policy?: ReplyPolicy;
}

export interface TurnDecision {
  kind: TurnKind;
  reply: TurnReply;
  transfer?: TransferTarget;
  /** The caller asked not to be called again: their number went on the do-not-call list. */
  doNotCall?: boolean;
  /** Digit fields whose value failed validation this turn (keypad-fallback.ts). */
  failedFields?: string[];
  /** The reply asks the caller to key this field in on the keypad. */
  keypadField?: string;
}

/** What the caller said (or keyed), as stored and as the policy reads it. */
export function callerTextOf(input: Exclude<CallerInput, { kind: 'silence' }>): string {
  return input.kind === 'speech' ? clip(input.text) : input.digits;
}

export async function decideTurn(deps: DecisionDeps, request: DecisionRequest): Promise<TurnDecision> {
  const { call, agent, history, seq, input, receivedAt, onText, onToolEvent } = request;
  const lines = phrasesFor(agent.language);
  const say = (kind: TurnKind, text: string, end?: EndedBy) => ({
    kind,
    reply: { text, extracted: {}, end },
  });

  const elapsedMs = receivedAt.getTime() - Date.parse(call.started_at);
  if (elapsedMs > agent.max_call_seconds * 1_000)
    return say('speech', agent.closing_line ?? lines.closing(), 'system_timeout');

  const keypad = awaitedKeypadField(agent, call, history);
  if (input.kind === 'silence') {
    const silentInARow = trailingCount(history, 'silence') + 1;
    if (silentInARow > agent.silence_reprompts)
      return say('silence', lines.silenceGoodbye(), 'system_silence');
    const prompt = agent.silence_prompt ?? lines.stillThere();
    // Still waiting for keys: the keypad is asked for again, and the next input is still taken as keyed.
    if (keypad)
      return {
        ...say('silence', `${prompt} ${keypadPhrasesFor(agent.language).ask(keypad)}`),
        keypadField: keypad.name,
      };
    return say('silence', prompt);
  }
  if (keypad && input.kind === 'dtmf') {
    const reply = keyedEntryReply({
      agent,
      call,
      history,
      field: keypad,
      digits: input.digits,
      extraction: extractionOf(deps, request),
    });
    if (reply) return keyedDecision(agent, reply);
  }
  if (input.kind === 'speech') {
    const lowConfidence = input.confidence !== undefined && input.confidence < agent.confidence_threshold;
    if (lowConfidence && trailingCount(history, 'low_confidence') < MAX_LOW_CONFIDENCE_REPROMPTS) {
      return say('low_confidence', lines.sorryRepeat());
    }
  }

  if (input.kind === 'speech' && deps.onDoNotCall && isDoNotCallRequest(input.text)) {
    await deps.onDoNotCall(call, seq);
    return { ...say('speech', doNotCallConfirmation(agent.language), 'user'), doNotCall: true };
  }

  const callerText = callerTextOf(input);
  const policy = request.policy ?? deps.policyFor(agent);
  // Only a model's wait is the model's: the scripted policy's time is the server's own.
  const timeline = policy.name === 'scripted' ? undefined : request.timeline;
  timeline?.mark('model_request');
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
        timezone: agent.timezone ?? deps.defaultTimezone,
        signal,
        ...(onToolEvent ? { onToolEvent } : {}),
      }),
    {
      budgetMs: deps.turnTimeoutMs,
      signal: request.signal,
      onText: timeline ? firstTokenMarked(timeline, onText) : onText,
    },
  ).catch((error: unknown): TurnReply => {
    deps.onError?.(error, { callSid: call.call_sid, seq });
    return { text: lines.turnFailed(), extracted: {}, modelError: describeError(error) };
  });
  timeline?.mark('model_done');
  if (timeline && !isBudgetExceeded(reply)) firstTokenFromReply(timeline, reply);
  if (isBudgetExceeded(reply))
    return {
      kind: 'timeout',
      reply: { text: lines.turnFailed(), extracted: {}, ...spentBeforeTimeout(reply) },
    };

  const kind: TurnKind = input.kind === 'dtmf' ? 'dtmf' : 'speech';
  const goodbye = input.kind === 'speech' && isGoodbye(callerText, agent.language, agent.end_call_phrases);
  const end = reply.end ?? (goodbye ? 'user' : undefined);
  const transfer = findTransferTarget(agent, reply.transferTo);
  let text = reply.text.trim() || (end ? (agent.closing_line ?? lines.closing()) : lines.turnFailed());
  const failedFields = failedDigitFields(agent, reply.rejected);
  const have = (name: string) =>
    reply.extracted[name] !== undefined || call.data_collected[name] !== undefined;
  const askKeys = end || transfer ? undefined : keypadDue(agent, history, failedFields, have);
  if (askKeys && reply.keypadField !== askKeys.name) {
    // The policy's words went out as it spoke them: the ask follows them.
    const ask = ` ${keypadPhrasesFor(agent.language).ask(askKeys)}`;
    onText?.(ask);
    text += ask;
  }
  return {
    kind,
    reply: { ...reply, text, end: transfer ? 'transfer' : end },
    transfer,
    ...(failedFields.length > 0 ? { failedFields } : {}),
    ...(askKeys ? { keypadField: askKeys.name } : {}),
  };
}

/** A keyed entry answered by the engine (keypad-fallback.ts): no model is asked. */
function keyedDecision(agent: Agent, reply: TurnReply): TurnDecision {
  const failedFields = failedDigitFields(agent, reply.rejected);
  return {
    kind: 'dtmf',
    reply,
    ...(failedFields.length > 0 ? { failedFields } : {}),
    ...(reply.keypadField ? { keypadField: reply.keypadField } : {}),
  };
}

function extractionOf(deps: DecisionDeps, request: DecisionRequest): ExtractionContext {
  const { agent, receivedAt } = request;
  return {
    language: agent.language,
    ...(deps.phoneRegion ? { region: deps.phoneRegion } : {}),
    now: receivedAt,
    timezone: agent.timezone ?? deps.defaultTimezone,
  };
}

/** `onText` that marks the model's first token: one check per delta, no call. */
function firstTokenMarked(
  timeline: TimelineClock,
  onText?: (delta: string) => void,
): (delta: string) => void {
  let first = true;
  return (delta) => {
    if (first) {
      first = false;
      timeline.mark('first_token');
    }
    onText?.(delta);
  };
}

/**
 * The model's first token may be a tool call, before any text: the policy's own figure (from its
 * first request) says when, where it is earlier than the first text.
 */
function firstTokenFromReply(timeline: TimelineClock, reply: TurnReply): void {
  const { model_request: request, first_token: marked } = timeline.timeline;
  if (request === undefined || reply.modelFirstTokenMs === undefined) return;
  const first = request + Math.round(reply.modelFirstTokenMs);
  if (marked === undefined || first < marked) timeline.timeline.first_token = first;
}

function trailingCount(history: Turn[], kind: TurnKind): number {
  let count = 0;
  for (let i = history.length - 1; i >= 0 && history[i]?.kind === kind; i -= 1) count += 1;
  return count;
}

function clip(text: string): string {
  return text.length > MAX_CALLER_TEXT_CHARS ? text.slice(0, MAX_CALLER_TEXT_CHARS) : text;
}

/** The model's spend on a reply, as the turn stores it. */
export function usageOf(reply: TurnReply): Partial<Turn> {
  // Assigned one by one: a spread per field made a short-lived object each, every turn.
  const usage: Partial<Turn> = {};
  if (reply.modelLatencyMs !== undefined) usage.model_latency_ms = Math.round(reply.modelLatencyMs);
  if (reply.inputTokens !== undefined) usage.input_tokens = reply.inputTokens;
  if (reply.outputTokens !== undefined) usage.output_tokens = reply.outputTokens;
  if (reply.cachedInputTokens) usage.cached_input_tokens = reply.cachedInputTokens;
  if (reply.costMicroUsd !== undefined) usage.cost_micro_usd = Math.round(reply.costMicroUsd);
  if (reply.audioInMs !== undefined) usage.audio_in_ms = Math.round(reply.audioInMs);
  if (reply.audioOutMs !== undefined) usage.audio_out_ms = Math.round(reply.audioOutMs);
  if (reply.modelError) usage.model_error = reply.modelError.slice(0, 500);
  if (reply.model) usage.model = reply.model;
  if (reply.toolCalls?.length) usage.tool_calls = reply.toolCalls;
  return usage;
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
