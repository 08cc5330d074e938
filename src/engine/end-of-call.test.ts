import { describe, expect, it } from 'vitest';
import { isGoodbye } from './end-of-call.js';

const rows: Array<{ text: string; language?: string; extra?: string[]; expected: boolean }> = [
  { text: 'bye', expected: true },
  { text: 'Goodbye!', expected: true },
  { text: 'good bye', expected: true },
  { text: 'Thanks, bye.', expected: true },
  { text: "That's all, thank you.", expected: true },
  { text: "No, that's it, bye", expected: true },
  { text: 'I have to go', expected: true },
  { text: 'sorry, I have to go now', expected: true },
  { text: 'ok bye then', expected: true },
  { text: 'bye bye', expected: true },
  { text: 'Bye-bye!', expected: true },
  { text: 'alright, talk to you later', expected: true },
  { text: 'thanks so much, have a nice day', expected: true },
  { text: 'Nothing else, thanks', expected: true },
  { text: 'अलविदा', language: 'hi-IN', expected: true },
  { text: 'धन्यवाद, बस इतना ही', language: 'hi-IN', expected: true },
  { text: 'ठीक है बाय', language: 'hi-IN', expected: true },
  { text: 'धन्यवाद, नमस्ते', language: 'hi-IN', expected: true },
  { text: 'ठीक है जी, नमस्ते।', language: 'hi-IN', expected: true },
  { text: "we're done here", extra: ["we're done here"], expected: true },
  { text: 'ok, cheers', extra: ['cheers'], expected: true },
  { text: 'धन्यवाद', language: 'hi-IN', extra: ['धन्यवाद'], expected: true },
  // An agent's own phrase ends a call only when the caller ends with it.
  { text: 'धन्यवाद, मेरा नाम राहुल है', language: 'hi-IN', extra: ['धन्यवाद'], expected: false },
  { text: 'cheers, my router is still down', extra: ['cheers'], expected: false },
  { text: 'I said goodbye to my old laptop', expected: false },
  { text: 'how do I say bye to my subscription', expected: false },
  { text: 'goodbye message on my voicemail is broken', expected: false },
  { text: 'my goodbye message is broken', expected: false },
  { text: 'thanks', expected: false },
  { text: 'thank you', expected: false },
  { text: 'hello', expected: false },
  { text: 'my name is John', expected: false },
  { text: 'I have to go through the settings every time and it still fails', expected: false },
  { text: "that's it, the screen just goes black when I open the lid", expected: false },
  { text: 'नमस्ते, मेरा नाम राहुल है', language: 'hi-IN', expected: false },
  { text: 'मैंने अपने पुराने लैपटॉप को अलविदा कहा', language: 'hi-IN', expected: false },
  { text: 'cheers mate', expected: false },
  { text: '', expected: false },
];

describe('isGoodbye', () => {
  it('has at least 25 rows', () => expect(rows.length).toBeGreaterThanOrEqual(25));
  it.each(rows)('"$text" -> $expected', ({ text, language, extra, expected }) => {
    expect(isGoodbye(text, language ?? 'en-US', extra)).toBe(expected);
  });
});
