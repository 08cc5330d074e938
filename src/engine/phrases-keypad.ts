// The lines of the keypad fallback (keypad-fallback.ts), in the agent's language: asking a caller to
// key in a digit field, asking again after a keyed entry that does not validate, and confirming one.
import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import { languageFamily } from './extraction/text-utils.js';
import { englishLabel, hindiLabel, phrasesFor } from './phrases.js';

export interface KeypadPhrases {
  /** "Let's use the keypad instead: please type your phone number, then press the pound key." */
  ask(field: DataField): string;
  /** A keyed entry did not validate: asked once more. */
  askAgain(field: DataField): string;
  /** "Thank you. I have your phone number as 4 1 5, 5 5 5, 0 1 0 0." */
  keyed(field: DataField, value: CollectedScalar, region?: string): string;
  /** After a keyed value, when no detail is left to ask for and the conversation goes on. */
  anythingElse(): string;
}

const english = (language: string): KeypadPhrases => {
  const spoken = phrasesFor(language).spokenValue;
  return {
    ask: (field) =>
      `Let's use the keypad instead: please type ${englishLabel(field)} on your phone's keypad, then press the pound key.`,
    askAgain: (field) =>
      `Sorry, that doesn't look like ${englishLabel(field)}. Please type it again, then press the pound key.`,
    keyed: (field, value, region) =>
      `Thank you. I have ${englishLabel(field)} as ${spoken(field, value, region)}.`,
    anythingElse: () => 'Is there anything else I can help you with?',
  };
};

const hindi = (language: string): KeypadPhrases => {
  const spoken = phrasesFor(language).spokenValue;
  return {
    ask: (field) =>
      `चलिए कीपैड से कोशिश करते हैं: कृपया ${hindiLabel(field).yours} अपने फ़ोन के कीपैड पर टाइप कीजिए, फिर हैश की दबाइए।`,
    askAgain: (field) =>
      `माफ़ कीजिए, यह ${hindiLabel(field).subject} नहीं लगता। कृपया इसे फिर से टाइप कीजिए, फिर हैश की दबाइए।`,
    keyed: (field, value, region) =>
      `धन्यवाद। मेरे पास ${hindiLabel(field).subject} ${spoken(field, value, region)} है।`,
    anythingElse: () => 'क्या मैं किसी और चीज़ में आपकी मदद कर सकता हूँ?',
  };
};

/** The keypad lines for an agent's language: Hindi for hi-*, English for everything else. */
export function keypadPhrasesFor(language: string): KeypadPhrases {
  return languageFamily(language) === 'hi' ? hindi(language) : english(language);
}
