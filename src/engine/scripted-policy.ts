import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import type { ReplyPolicy, TurnContext, TurnReply, TurnStream } from '../ports/reply-policy.js';
import { correctValue } from './correction.js';
import { isGoodbye } from './end-of-call.js';
import { defaultRegion, normalizeBoolean, normalizeName, normalizeValue } from './extraction/index.js';
import type { ExtractionContext } from './extraction/index.js';
import { keypadDue } from './keypad-fallback.js';
import { phrasesFor, type Phrases } from './phrases.js';
import { keypadPhrasesFor } from './phrases-keypad.js';

/** Asks after which an optional field is skipped; a required one is asked again in other words. */
export const MAX_FIELD_TRIES = 3;
const ASK_VARIANTS = 3;
const CONFIRMED_TYPES = new Set<DataField['type']>(['email', 'phone']);
// On the first turn a name is taken only when the caller clearly introduces themselves.
const NAME_INTRO = /\b(my name is|my name's|name is|this is|call me|i am|i'm)\b|मेरा नाम/i;

interface Candidate {
  field: DataField;
  value: CollectedScalar;
}

/** Turn state derived from the stored call and history alone, so the policy keeps no state. */
interface Situation {
  context: TurnContext;
  phrases: Phrases;
  extraction: ExtractionContext;
  region: string;
  fields: DataField[];
  agentTexts: string[];
  extracted: Record<string, CollectedScalar>;
}

function orderedFields(fields: readonly DataField[]): DataField[] {
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

function timesAsked(s: Situation, field: DataField): number {
  const variants = Array.from({ length: ASK_VARIANTS }, (_, k) => s.phrases.askField(field, k));
  return s.agentTexts.filter((text) => variants.some((v) => text.includes(v))).length;
}

function missing(s: Situation): DataField[] {
  const collected = s.context.call.data_collected;
  return s.fields.filter(
    (f) =>
      !(f.name in collected) &&
      !(f.name in s.extracted) &&
      !(!f.required && s.agentTexts.some((t) => t.includes(s.phrases.skipField(f)))),
  );
}

/** The email or phone read back in the previous agent turn and still awaiting a yes or no. */
function pendingReadBack(s: Situation): Candidate | undefined {
  const last = s.context.history.at(-1)?.agent_text ?? '';
  for (const field of missing(s).filter((f) => CONFIRMED_TYPES.has(f.type))) {
    const value = s.phrases.readBackOf(field, last, s.region);
    if (value !== null) return { field, value };
  }
  return undefined;
}

/** Emails and phone numbers said anywhere, for fields other than the one being asked. */
function opportunistic(s: Situation, skip: DataField | undefined): Candidate | undefined {
  for (const field of missing(s)) {
    if (!CONFIRMED_TYPES.has(field.type) || field === skip || field.type === skip?.type) continue;
    const value = normalizeValue(field, s.context.callerText, s.extraction);
    if (value !== null) return { field, value };
  }
  return undefined;
}

function take(s: Situation, field: DataField, value: CollectedScalar): Candidate | undefined {
  if (CONFIRMED_TYPES.has(field.type)) return { field, value };
  s.extracted[field.name] = value;
  return undefined;
}

function acknowledgement(s: Situation): string[] {
  const name = s.fields.find((f) => f.type === 'name' && typeof s.extracted[f.name] === 'string');
  if (name) return [s.phrases.acknowledge(String(s.extracted[name.name]))];
  return Object.keys(s.extracted).length > 0 ? [s.phrases.acknowledge()] : [];
}

function finish(s: Situation, lead: string[]): TurnReply {
  const { agent, call } = s.context;
  const values = s.fields.flatMap((field) => {
    const value = s.extracted[field.name] ?? call.data_collected[field.name]?.value;
    return value === undefined ? [] : [{ field, value }];
  });
  const closing = agent.closing_line ?? s.phrases.closing();
  const text = [...lead, s.phrases.recap(values, s.region), closing].join(' ');
  return { text, end: 'system_complete', extracted: s.extracted };
}

function decide(context: TurnContext): TurnReply {
  const { agent, callerText, history } = context;
  const extraction: ExtractionContext = {
    language: agent.language,
    now: context.now,
    timezone: context.timezone,
  };
  const s: Situation = {
    context,
    phrases: phrasesFor(agent.language),
    extraction,
    region: defaultRegion(extraction),
    fields: orderedFields(agent.data_to_fill),
    agentTexts: history.map((t) => t.agent_text),
    extracted: {},
  };
  const pending = pendingReadBack(s);

  if (isGoodbye(callerText, agent.language, agent.end_call_phrases)) {
    if (pending && normalizeBoolean(callerText) === true) s.extracted[pending.field.name] = pending.value;
    return { text: agent.closing_line ?? s.phrases.closing(), end: 'user', extracted: s.extracted };
  }

  const firstTurn = !history.some((t) => t.seq > 0);
  const lead: string[] = firstTurn ? [s.phrases.acknowledgeNeed(callerText), s.phrases.scriptedNotice()] : [];
  let readBack: Candidate | undefined;
  let forced: DataField | undefined;
  /** The field asked for, whose answer failed validation. */
  let rejected: DataField | undefined;
  let current: DataField | undefined = missing(s)[0];

  if (pending) {
    // "No, it's K, not C." changes that letter; a whole new value replaces it; either is read back.
    const corrected = correctValue(pending.field, pending.value, callerText, {
      ...extraction,
      region: s.region,
    });
    const answer = normalizeBoolean(callerText);
    const repeated = normalizeValue(pending.field, callerText, extraction) === pending.value;
    if (corrected !== null) {
      lead.push(s.phrases.correction());
      readBack = { field: pending.field, value: corrected };
    } else if (answer === true || repeated) s.extracted[pending.field.name] = pending.value;
    else if (answer === false) {
      lead.push(s.phrases.correction());
      forced = pending.field;
    } else {
      return {
        text: `${s.phrases.yesOrNo()} ${s.phrases.readBack(pending.field, pending.value, s.region)}`,
        extracted: {},
      };
    }
    current = undefined; // the caller answered the read-back, not the next question
  } else if (firstTurn) {
    const nameField = current?.type === 'name' ? current : undefined;
    const name = nameField && NAME_INTRO.test(callerText) ? normalizeName(callerText) : null;
    if (nameField && name) s.extracted[nameField.name] = name;
  } else if (current) {
    const value = normalizeValue(current, callerText, extraction);
    readBack = value === null ? undefined : take(s, current, value);
    if (value === null) rejected = current;
  }
  readBack ??= opportunistic(s, pending?.field ?? (firstTurn ? undefined : current));
  if (readBack) {
    const text = [
      ...lead,
      ...acknowledgement(s),
      s.phrases.readBack(readBack.field, readBack.value, s.region),
    ];
    return { text: text.join(' '), extracted: s.extracted };
  }
  lead.push(...acknowledgement(s));

  let next = forced ?? missing(s)[0];
  const failedAgain = next !== undefined && next === current && !(next.name in s.extracted);
  const failures = rejected ? { rejected: [rejected.name] } : {};
  const keys = rejected && keypadDue(agent, history, [rejected.name], (name) => name in s.extracted);
  if (keys && keys === next) {
    // A digit field failed twice: the keypad is asked for, and the engine takes the keys as given.
    lead.push(s.phrases.notCaught(), keypadPhrasesFor(agent.language).ask(keys));
    return { text: lead.join(' '), extracted: s.extracted, ...failures, keypadField: keys.name };
  }
  if (next && failedAgain && !firstTurn) {
    if (!next.required && timesAsked(s, next) >= MAX_FIELD_TRIES) {
      lead.push(s.phrases.skipField(next));
      s.agentTexts.push(s.phrases.skipField(next)); // so missing() leaves it out from here on
      next = missing(s)[0];
    } else {
      lead.push(s.phrases.notCaught());
    }
  }
  if (!next) return { ...finish(s, lead), ...failures };
  lead.push(s.phrases.askField(next, timesAsked(s, next)));
  return { text: lead.join(' '), extracted: s.extracted, ...failures };
}

/**
 * The form filler that runs when no language model is configured. Deterministic: it reads the
 * call's stored data and the previous agent turn to know where it is, and keeps no state.
 */
export class ScriptedPolicy implements ReplyPolicy {
  readonly name = 'scripted';

  respond(context: TurnContext): TurnStream {
    const reply = decide(context);
    return {
      textStream: (async function* () {
        yield reply.text;
      })(),
      reply: Promise.resolve(reply),
    };
  }
}
