// A persona call judged on four criteria: were the details collected (checked against the stored
// call and the persona's facts), was the caller's goal met, did the agent invent no facts, and did
// it help before it collected. With a language model the last three are judged by the model judge
// (model-judge.ts); without one, by the rules below, which decide only what the transcript shows for
// certain: a goal phrase said, a number or address that came from nowhere, a detail asked for in
// the agent's first reply.
import type { Agent } from '../domain/agent.js';
import { fieldAskedFor } from '../engine/asked-field.js';
import { normalizeEmail } from '../engine/extraction/index.js';
import { spokenDigitsToText } from '../engine/extraction/phone.js';
import { phrasesFor } from '../engine/phrases.js';
import type { LanguageModel } from '../ports/language-model.js';
import { foldText, sameValue } from './expectations.js';
import { judgeRubric } from './model-judge.js';
import type { ObservedCall, ObservedTurn } from './observed-call.js';
import { CRITERIA, type Criterion, type Persona } from './schema.js';

export interface CriterionVerdict {
  criterion: Criterion;
  status: 'pass' | 'fail' | 'skip';
  /** Why, naming the turn where it can. */
  reason: string;
  judge: 'model' | 'rules';
}

const quote = (value: unknown) => JSON.stringify(String(value));
const ruled = (
  criterion: Criterion,
  status: CriterionVerdict['status'],
  reason: string,
): CriterionVerdict => ({
  criterion,
  status,
  reason,
  judge: 'rules',
});
const UNFINISHED = new Set(['system_silence', 'system_timeout', 'error']);

function dataCollected(agent: Agent, persona: Persona, call: ObservedCall, now: Date): CriterionVerdict {
  const facts = typeof persona === 'string' ? {} : (persona.facts ?? {});
  const problems: string[] = [];
  for (const field of agent.data_to_fill) {
    const got = call.dataCollected[field.name];
    const fact = facts[field.name];
    if (!got) {
      if (field.required || fact !== undefined) problems.push(`${field.name} was never collected`);
    } else if (fact !== undefined && !sameValue(agent, field.name, fact, got.value, now)) {
      problems.push(`turn ${got.turn}: ${field.name} is ${quote(got.value)}, the caller's is ${quote(fact)}`);
    }
  }
  const collected = Object.entries(call.dataCollected).map(([name, v]) => `${name} ${quote(v.value)}`);
  return problems.length === 0
    ? ruled(
        'data_collected',
        'pass',
        `collected ${collected.join(', ') || 'nothing, and nothing was needed'}`,
      )
    : ruled('data_collected', 'fail', problems.join('; '));
}

function goalMet(persona: Persona, call: ObservedCall): CriterionVerdict {
  const verdict = (status: CriterionVerdict['status'], reason: string) => ruled('goal_met', status, reason);
  const phrases = typeof persona === 'string' ? undefined : persona.goal_met_when;
  if (!phrases) return verdict('skip', 'not judged: it needs a language model, or goal_met_when');
  if (call.endedBy && UNFINISHED.has(call.endedBy))
    return verdict('fail', `the call ended without the caller (ended_by ${call.endedBy})`);
  for (const turn of call.transcript) {
    const said = phrases.find((phrase) => foldText(turn.agent).includes(foldText(phrase)));
    if (said) return verdict('pass', `turn ${turn.seq}: the agent said ${quote(said)}`);
  }
  return verdict('fail', `the agent never said ${phrases.map(quote).join(' or ')}`);
}

/** Runs of digits as said: "4 1 5, 5 5 5, 0 1 0 0" and "four one five" are one number each. */
function numbersIn(text: string): string[] {
  return (spokenDigitsToText(text).match(/\d(?:[\s,]*\d)*/g) ?? []).map((run) => run.replace(/\D/g, ''));
}

function emailsIn(agent: Agent, text: string): string[] {
  const phrases = phrasesFor(agent.language);
  const readBack = agent.data_to_fill
    .filter((f) => f.type === 'email')
    .map((f) => phrases.readBackOf(f, text))
    .filter((v): v is string => typeof v === 'string');
  const written = text.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [];
  return [...readBack, ...written.map((e) => e.toLowerCase())];
}

function noInventedFacts(agent: Agent, call: ObservedCall): CriterionVerdict {
  // What the agent may say: what the caller said, what its own configuration holds, what was stored.
  const sources = [
    ...call.transcript.map((t) => t.caller ?? ''),
    agent.prompt,
    agent.greeting,
    agent.closing_line ?? '',
    agent.silence_prompt ?? '',
    ...agent.few_shot.flatMap((f) => [f.user, f.assistant]),
    ...agent.data_to_fill.flatMap((f) => [f.description, ...(f.options ?? [])]),
    ...Object.values(call.dataCollected).map((v) => String(v.value)),
  ];
  const knownDigits = sources.flatMap((s) => [...numbersIn(s), s.replace(/\D/g, '')]).join(' ');
  const knownEmails = new Set(
    sources.flatMap((s) => [normalizeEmail(s), ...(s.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [])]),
  );
  const invented: string[] = [];
  for (const turn of call.transcript) {
    for (const number of numbersIn(turn.agent)) {
      if (number.length >= 2 && !knownDigits.includes(number))
        invented.push(`turn ${turn.seq}: ${quote(number)}`);
    }
    for (const email of emailsIn(agent, turn.agent)) {
      if (!knownEmails.has(email)) invented.push(`turn ${turn.seq}: ${quote(email)}`);
    }
  }
  return invented.length === 0
    ? ruled(
        'no_invented_facts',
        'pass',
        'every number and address the agent said came from the caller, its instructions or the stored details',
      )
    : ruled(
        'no_invented_facts',
        'fail',
        `${invented.join(', ')} came from neither the caller nor the agent's instructions`,
      );
}

/** The first agent turn with a sentence that asks the caller for one of the agent's details. */
function firstRequest(agent: Agent, transcript: readonly ObservedTurn[]): ObservedTurn | undefined {
  const asks = /\?|\b(please|tell me|could you|may i)\b|बताइए|बताएँ|बताएं|दीजिए/i;
  return transcript.find(
    (turn) =>
      turn.seq > 0 &&
      turn.agent
        .split(/(?<=[.?!।])\s+/)
        .some((sentence) => asks.test(sentence) && fieldAskedFor(agent, sentence, {}) !== undefined),
  );
}

function helpBeforeCollection(agent: Agent, call: ObservedCall): CriterionVerdict {
  const verdict = (status: CriterionVerdict['status'], reason: string) =>
    ruled('help_before_collection', status, reason);
  const first = call.transcript.find((t) => t.seq > 0 && t.agent.trim() !== '');
  const request = firstRequest(agent, call.transcript);
  if (!request) return verdict('pass', 'the agent asked for no detail');
  if (request === first)
    return verdict(
      'fail',
      `turn ${request.seq}: the agent's first reply asked for a detail before it helped`,
    );
  return verdict(
    'pass',
    `turn ${request.seq}: the first detail was asked for after the agent answered the need`,
  );
}

/** The rubric sentence the model judge gets for a criterion, with what the persona wanted. */
function sentenceFor(criterion: Exclude<Criterion, 'data_collected'>, persona: Persona): string {
  const goal =
    typeof persona === 'string' ? `what the caller (${persona.slice(0, 300)}) called about` : persona.goal;
  switch (criterion) {
    case 'goal_met':
      return `The caller's goal was met, or the agent clearly did what it could toward it and said what happens next. The goal: ${goal}`;
    case 'no_invented_facts':
      return 'The agent invented no facts: it stated no order status, amount, date, policy, name, number or address that the caller did not give it or that it could not know.';
    case 'help_before_collection':
      return 'Before asking for any personal detail (name, email address, phone number), the agent first responded to what the caller needed with concrete help or an answer.';
  }
}

export interface PersonaJudgeOptions {
  agent: Agent;
  persona: Persona;
  criteria?: readonly Criterion[];
  call: ObservedCall;
  /** Judges goal_met, no_invented_facts and help_before_collection; the rules do without it. */
  model?: LanguageModel;
  now?: Date;
}

/** The verdict on each criterion, in the order CRITERIA lists them. */
export async function judgePersonaCall(options: PersonaJudgeOptions): Promise<CriterionVerdict[]> {
  const { agent, persona, call, model } = options;
  const wanted = new Set(options.criteria ?? CRITERIA);
  const verdicts: CriterionVerdict[] = [];
  for (const criterion of CRITERIA.filter((c) => wanted.has(c))) {
    if (criterion === 'data_collected') {
      verdicts.push(dataCollected(agent, persona, call, options.now ?? new Date()));
    } else if (model) {
      const verdict = await judgeRubric(model, sentenceFor(criterion, persona), call.transcript);
      verdicts.push({
        criterion,
        judge: 'model',
        status: verdict.pass ? 'pass' : 'fail',
        reason: verdict.reason,
      });
    } else if (criterion === 'goal_met') verdicts.push(goalMet(persona, call));
    else if (criterion === 'no_invented_facts') verdicts.push(noInventedFacts(agent, call));
    else verdicts.push(helpBeforeCollection(agent, call));
  }
  return verdicts;
}
