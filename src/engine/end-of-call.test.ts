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
  // Said, with only politeness after it.
  { text: 'ok bye for now', expected: true },
  { text: 'bye, thanks for all your help', expected: true },
  { text: 'Great, thank you so much, goodbye and have a nice day', expected: true },
  { text: "that's all for now, thanks, bye", expected: true },
  { text: 'Thanks, bye Sarah!', expected: true },
  { text: 'alright take care, you too', expected: true },
  { text: 'my laptop works now, thank you, goodbye', expected: true },
  { text: 'see you, bye bye', expected: true },
  { text: 'ok then, good night everyone', expected: true },
  { text: 'have a good one', expected: true },
  { text: 'theek hai, bye ji', language: 'hi-IN', expected: true },
  { text: 'ok dhanyavaad, alvida', language: 'hi-IN', expected: true },
  { text: 'बहुत धन्यवाद, बाय', language: 'hi-IN', expected: true },
  { text: 'ठीक है जी, फिर मिलेंगे, धन्यवाद', language: 'hi-IN', expected: true },
  { text: 'बाय बाय, आपका बहुत धन्यवाद', language: 'hi-IN', expected: true },
  { text: 'अच्छा, चलता हूँ', language: 'hi-IN', expected: true },
  { text: 'बस इतना ही, शुक्रिया जी', language: 'hi-IN', expected: true },
  // A goodbye followed by more request is not an ending.
  { text: 'ok bye wait one more thing', expected: false },
  { text: 'bye, actually, can you also check my order', expected: false },
  { text: "goodbye, oh and what's your refund policy", expected: false },
  { text: 'thanks bye, hold on', expected: false },
  { text: 'Bye. Actually', expected: false },
  { text: "that's all, but my screen is still black", expected: false },
  { text: 'see you, one more question though', expected: false },
  { text: 'ok बाय, एक और सवाल है', language: 'hi-IN', expected: false },
  { text: 'ठीक है बाय, लेकिन मेरा रिफंड कब आएगा', language: 'hi-IN', expected: false },
  { text: 'alvida, ruko ek minute', language: 'hi-IN', expected: false },
  // A goodbye used as a noun or adjective, or talked about, is not an ending.
  { text: 'the goodbye button is not working', expected: false },
  { text: 'goodbye screen freezes my laptop', expected: false },
  { text: 'the app says good night and then crashes', expected: false },
  { text: 'she never said bye', expected: false },
  { text: 'there is no goodbye message', expected: false },
  { text: 'I want to record a goodbye greeting', expected: false },
  { text: 'take care of my order please', expected: false },
  { text: 'can you say goodbye for me', expected: false },
  { text: 'बाय बटन काम नहीं कर रहा', language: 'hi-IN', expected: false },
  { text: 'उसने अलविदा कहा और चला गया', language: 'hi-IN', expected: false },
  { text: 'नमस्ते, मेरा लैपटॉप खराब है', language: 'hi-IN', expected: false },
];

describe('isGoodbye', () => {
  it('has at least 30 rows each way', () => {
    expect(rows.filter((r) => r.expected).length).toBeGreaterThanOrEqual(30);
    expect(rows.filter((r) => !r.expected).length).toBeGreaterThanOrEqual(30);
  });
  it.each(rows)('"$text" -> $expected', ({ text, language, extra, expected }) => {
    expect(isGoodbye(text, language ?? 'en-US', extra)).toBe(expected);
  });
});
