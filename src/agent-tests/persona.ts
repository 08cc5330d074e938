// A persona scenario's caller: played by a language model from who they are, their goal and what
// they know, or, with no model configured, by the persona's own replies (the scripted persona), so
// the same scenario runs offline in CI and against a real model when one is set.
import { foldText } from './expectations.js';
import type { NextLine } from './play-gather.js';
import type { CallerLine, Persona, PersonaObject } from './schema.js';

/** What the model playing the caller is told: the persona as written, or composed from its parts. */
export function personaPrompt(persona: Persona): string {
  if (typeof persona === 'string') return persona;
  const facts = Object.entries(persona.facts ?? {}).map(
    ([name, value]) => `${name.replace(/_/g, ' ')}: ${value}`,
  );
  return [
    `You are ${persona.who}.`,
    `Your goal on this call: ${persona.goal}`,
    persona.manner ? `How you behave: ${persona.manner}` : '',
    facts.length > 0 ? `What you know, to give when the agent asks for it: ${facts.join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Whether the persona can be played without a model: it has lines of its own. */
export function isScripted(persona: Persona): persona is PersonaObject {
  return typeof persona !== 'string' && (persona.opening !== undefined || (persona.replies?.length ?? 0) > 0);
}

/**
 * The scripted persona: its opening after the greeting, then for each agent line the first reply
 * whose phrase the line contains, else `otherwise`, else it hangs up.
 */
export function scriptedPersona(persona: PersonaObject): NextLine {
  let hangUpNext = false;
  return (agentSaid: string, turn: number): Promise<CallerLine | undefined> => {
    if (hangUpNext) return Promise.resolve(undefined);
    if (turn === 0 && persona.opening !== undefined) return Promise.resolve(persona.opening);
    const heard = foldText(agentSaid);
    const rule = persona.replies?.find((r) => r.when.some((phrase) => heard.includes(foldText(phrase))));
    if (rule) {
      hangUpNext = rule.hang_up === true;
      return Promise.resolve(rule.say);
    }
    return Promise.resolve(persona.otherwise);
  };
}
