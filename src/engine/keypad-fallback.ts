// The keypad fallback for digit fields (docs/decisions/0027-keypad-fallback.md). A phone number or
// other digit field whose spoken value fails validation twice in a call is asked for on the keypad,
// and the keyed entry that follows is taken as given, through the same validator. The state lives on
// the call's stored turns (which fields failed, which turn asked for keys), so a redelivery, a
// reconnected socket or another instance knows it from the call's session with no read or write of
// its own, and a turn pays for it with a scan of the recent turns it already holds.
import type { Agent, DataField } from '../domain/agent.js';
import type { Call, Turn } from '../domain/call.js';
import type { TurnReply } from '../ports/reply-policy.js';
import { defaultRegion, normalizeValue, type ExtractionContext } from './extraction/index.js';
import { phrasesFor } from './phrases.js';
import { keypadPhrasesFor } from './phrases-keypad.js';

/** Validation failures of one field in a call (the current one included) before the keypad is offered. */
export const KEYPAD_AFTER_FAILURES = 2;
/** Times one field is asked for on the keypad in a call; past that it is asked for by voice again. */
export const MAX_KEYPAD_ASKS = 2;

/** A field whose value is digits: what a caller can key in. */
export function isDigitField(field: DataField): boolean {
  return field.type === 'phone' || field.type === 'number';
}

/** The digit fields among the names a policy rejected: the failures a turn keeps. */
export function failedDigitFields(agent: Agent, rejected: readonly string[] | undefined): string[] {
  if (!rejected?.length) return [];
  const names = new Set(rejected);
  return agent.data_to_fill.filter((f) => names.has(f.name) && isDigitField(f)).map((f) => f.name);
}

/** The field the previous turn asked the caller to key in, while the call still lacks it. */
export function awaitedKeypadField(
  agent: Agent,
  call: Call,
  history: readonly Turn[],
): DataField | undefined {
  const name = history.at(-1)?.keypad_field;
  if (!name || call.data_collected[name] !== undefined) return undefined;
  return agent.data_to_fill.find((f) => f.name === name);
}

/** Turns that asked for `name` on the keypad (a repeat after silence is not a new ask). */
function keypadAsks(history: readonly Turn[], name: string): number {
  return history.filter((t) => t.keypad_field === name && t.kind !== 'silence').length;
}

/**
 * The digit field to ask for on the keypad after this turn's failures, if one is due: it failed
 * KEYPAD_AFTER_FAILURES times in the call, is still missing, and has keypad asks left.
 */
export function keypadDue(
  agent: Agent,
  history: readonly Turn[],
  failedNow: readonly string[],
  have: (name: string) => boolean,
): DataField | undefined {
  for (const name of failedDigitFields(agent, failedNow)) {
    if (have(name)) continue;
    const failures = 1 + history.filter((t) => t.failed_fields?.includes(name)).length;
    if (failures >= KEYPAD_AFTER_FAILURES && keypadAsks(history, name) < MAX_KEYPAD_ASKS)
      return agent.data_to_fill.find((f) => f.name === name);
  }
  return undefined;
}

/**
 * The answer to keys entered for the awaited field: the value recorded and the next question, or the
 * keypad asked again. Undefined once the keypad asks are used up: the policy takes the keys then, as
 * any other input, and the field is asked for by voice.
 */
export function keyedEntryReply(request: {
  agent: Agent;
  call: Call;
  history: readonly Turn[];
  field: DataField;
  digits: string;
  extraction: ExtractionContext;
}): TurnReply | undefined {
  const { agent, call, field, extraction } = request;
  const lines = keypadPhrasesFor(agent.language);
  const value = normalizeValue(field, request.digits, extraction);
  if (value === null) {
    if (keypadAsks(request.history, field.name) >= MAX_KEYPAD_ASKS) return undefined;
    return { text: lines.askAgain(field), extracted: {}, rejected: [field.name], keypadField: field.name };
  }
  const next = agent.data_to_fill.find(
    (f) => f.required && f !== field && call.data_collected[f.name] === undefined,
  );
  const after = next ? phrasesFor(agent.language).askField(next) : lines.anythingElse();
  return {
    text: `${lines.keyed(field, value, defaultRegion(extraction))} ${after}`,
    extracted: { [field.name]: value },
  };
}
