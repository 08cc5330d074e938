// Caller lines as ConversationRelay plays them: prompts in order, and the keys pressed between them.
import type { CallerLine } from './schema.js';

/** Caller lines as relay prompts, with keypresses attached to the prompt they come before. */
export function relayScript(lines: readonly CallerLine[]): {
  prompts: (string | null)[];
  dtmf: Record<number, string>;
} {
  const prompts: (string | null)[] = [];
  const dtmf: Record<number, string> = {};
  for (const line of lines) {
    if (typeof line === 'string') prompts.push(line);
    else if ('say' in line) prompts.push(line.say);
    else if ('silence' in line) prompts.push(null);
    else if ('press' in line) dtmf[prompts.length] = (dtmf[prompts.length] ?? '') + line.press;
  }
  return { prompts, dtmf };
}
