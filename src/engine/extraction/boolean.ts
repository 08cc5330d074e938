import { fromRecognizer } from './recognizer-text.js';
import { indexOfPhrase, matchesAt, phraseList, plainWords } from './text-utils.js';

// Phrases are matched longest first, so "not really" is read before "really" and "no problem" before "no".
// prettier-ignore
const YES = [
  'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'of course', 'correct', "that's correct",
  'that is correct', "that's right", 'that is right', 'right', 'absolutely', 'definitely', 'affirmative',
  'certainly', 'indeed', 'exactly', 'ok', 'okay', 'alright', 'no problem', 'not a problem', 'sounds good',
  'please do', 'i do', 'it is', 'yes please', 'yes sir', "yes ma'am", 'i think so', 'go ahead', 'that works',
  'works for me', 'you got it', 'perfect', 'fine', "that's fine",
  // assent as recognizers write it
  'uh-huh', 'uh huh', 'mm-hmm', 'mm hmm', 'mhm',
  // Hindi, Devanagari and romanized
  'हाँ', 'हां', 'हा', 'जी हाँ', 'जी हां', 'हाँ जी', 'हां जी', 'ठीक है', 'सही', 'सही है', 'बिल्कुल',
  'बिलकुल', 'ज़रूर', 'जरूर', 'haan', 'han', 'haa', 'haanji', 'hanji', 'ji haan', 'theek hai', 'thik hai',
  'sahi', 'sahi hai', 'bilkul', 'zaroor', 'zarur', 'jaroor', 'jarur', 'accha', 'acha', 'achha',
];
// prettier-ignore
const NO = [
  'no', 'nope', 'nah', 'not really', 'not at all', 'negative', 'incorrect', "that's wrong", 'that is wrong',
  'wrong', "that's not right", 'that is not right', "that's not correct", 'no thanks', 'no thank you', 'never',
  "i don't", 'i do not', "don't", 'not', 'absolutely not', 'definitely not', 'certainly not', 'of course not',
  'नहीं', 'नही', 'ना', 'जी नहीं', 'नहीं जी', 'गलत', 'ग़लत', 'गलत है', 'बिल्कुल नहीं', 'बिलकुल नहीं',
  'nahi', 'nahin', 'na', 'galat', 'galat hai', 'bilkul nahi', 'bilkul nahin',
];
// "ji" (जी) is politeness: alone it is yes, with an answer it takes that answer's side ("ji nahin" is no).
const SOFT_YES = phraseList(['ji', 'जी']);
// Hedges make the answer unknown, whatever else is said.
// prettier-ignore
const UNSURE = [
  'not sure', "i'm not sure", 'maybe', 'perhaps', "don't know", 'do not know', 'dunno', 'no idea',
  'not certain', 'i guess', 'kind of', 'sort of', 'depends', 'पता नहीं', 'शायद', 'मालूम नहीं', 'pata nahi',
  'shayad',
];

const UNSURE_PHRASES = phraseList(UNSURE);
const PHRASES: ReadonlyArray<[string[], boolean]> = [
  ...phraseList(YES).map((p) => [p, true] as [string[], boolean]),
  ...phraseList(NO).map((p) => [p, false] as [string[], boolean]),
].sort((a, b) => b[0].length - a[0].length);

/** true for yes, false for no, null when unclear (both, neither, or a hedge). */
export function normalizeBoolean(text: string): boolean | null {
  const words = plainWords(fromRecognizer(text));
  if (UNSURE_PHRASES.some((p) => indexOfPhrase(words, p) >= 0)) return null;
  const seen = new Set<boolean>();
  let polite = false;
  for (let i = 0; i < words.length;) {
    const match = PHRASES.find(([phrase]) => matchesAt(words, phrase, i));
    if (match) {
      seen.add(match[1]);
      i += match[0].length;
    } else {
      polite ||= SOFT_YES.some((p) => matchesAt(words, p, i));
      i += 1;
    }
  }
  if (seen.size === 0) return polite ? true : null;
  return seen.size === 1 ? seen.has(true) : null;
}
