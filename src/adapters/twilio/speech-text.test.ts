import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { cleanForSpeech, SAY_MAX_CHARS, stripXmlIllegal } from './speech-text.js';

describe('cleanForSpeech', () => {
  it.each([
    ['plain text stays', 'Hello there.', 'Hello there.'],
    ['collapses whitespace', '  Hello \t  there \n\n ', 'Hello there'],
    ['NUL and C0 controls go', 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg', 'abcdefg'],
    ['tab, newline and CR are whitespace', 'a\tb\rc\nd', 'a b. c. d'],
    ['U+FFFE and U+FFFF go', 'a\uFFFEb\uFFFFc', 'abc'],
    ['lone high surrogate goes', 'a\uD83Db', 'ab'],
    ['lone low surrogate goes', 'a\uDE00b', 'ab'],
    ['bold and italics', 'This is **very** *important*.', 'This is very important.'],
    ['inline code', 'Run `npm test` now.', 'Run npm test now.'],
    ['headings', '# Title\n## Sub title\nBody text.', 'Title. Sub title. Body text.'],
    ['bullets', 'Options:\n- apples\n* pears\n• plums', 'Options: apples. pears. plums'],
    ['links keep their label', 'See [our site](https://example.com).', 'See our site.'],
    ['a lone # is speakable', 'Press # to finish, order #12.', 'Press # to finish, order #12.'],
    ['emoji', 'Great 👍 see you 😀!', 'Great see you !'],
    ['emoji with skin tone and ZWJ', 'Hi 👩🏽‍💻 there 🇮🇳 ok', 'Hi there ok'],
    ['keycap keeps the digit', 'Press 1️⃣ now', 'Press 1 now'],
    ['Devanagari keeps ZWJ/ZWNJ', 'क्‍ष और क्‌ष।', 'क्‍ष और क्‌ष।'],
    ['XML specials stay for the builder to escape', 'a & b < c ]]> "d"', 'a & b < c ]]> "d"'],
  ])('%s', (_name, input, expected) => {
    expect(cleanForSpeech(input)).toBe(expected);
  });

  it('cuts at the last sentence boundary under the limit', () => {
    const text = 'First sentence here. Second sentence is here. Third one is much longer than the rest.';
    expect(cleanForSpeech(text, 50)).toBe('First sentence here. Second sentence is here.');
  });

  it('cuts at a Devanagari danda', () => {
    const text = 'पहला वाक्य है। दूसरा वाक्य है। तीसरा वाक्य बहुत लंबा है और यहाँ नहीं आएगा।';
    expect(cleanForSpeech(text, 35)).toBe('पहला वाक्य है। दूसरा वाक्य है।');
  });

  it('falls back to a word boundary when no sentence ends early enough', () => {
    const text = 'one two three four five six seven eight nine ten';
    const out = cleanForSpeech(text, 20);
    expect(out).toBe('one two three four.');
    expect(out.length).toBeLessThanOrEqual(20);
  });

  it('never leaves half a surrogate pair when cutting text without spaces', () => {
    const out = cleanForSpeech('𝒜'.repeat(20), 5);
    expect(out).toBe('𝒜𝒜');
    expect(stripXmlIllegal(out)).toBe(out);
  });

  it('clamps the limit to what <Say> accepts', () => {
    const text = 'Word. '.repeat(2_000);
    expect(cleanForSpeech(text, 100_000).length).toBeLessThanOrEqual(SAY_MAX_CHARS);
    expect(cleanForSpeech(text).length).toBeLessThanOrEqual(3_000);
  });

  it('produces text the TwiML builder accepts, where the raw text would throw', () => {
    const raw = 'bad\u0001 text \uD800 here \uFFFF';
    expect(() => new twilio.twiml.VoiceResponse().say(raw)).toThrow(/Invalid character/);
    const response = new twilio.twiml.VoiceResponse();
    response.say(cleanForSpeech(raw));
    expect(response.toString()).toContain('<Say>bad text here</Say>');
  });
});
