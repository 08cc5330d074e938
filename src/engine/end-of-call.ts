import { matchesAt, phraseList, plainWords } from './extraction/text-utils.js';

// Closings that end a call wherever they sit in a short utterance ("ok bye then").
// prettier-ignore
const STRONG_CLOSINGS = [
  'bye', 'goodbye', 'good bye', 'bye bye', 'bye-bye', 'byebye', 'good night', 'see you', 'see ya', 'take care',
  'talk to you later', 'have a good day', 'have a nice day', 'have a great day', 'अलविदा', 'बाय', 'बाय बाय',
  'टाटा', 'फिर मिलेंगे', 'adiós', 'adios', 'hasta luego', 'au revoir', 'tschüss', 'auf wiedersehen',
];
// Closings that count only at the end ("that's it" also starts a description of a problem;
// "नमस्ते" also opens a call).
// prettier-ignore
const FINAL_CLOSINGS = [
  "that's all", 'that is all', "that's it", 'that is it', "that'll be all", 'that will be all',
  "that's everything", 'nothing else', 'i have to go', 'i need to go', "i've got to go", 'i got to go',
  'i gotta go', 'gotta go', 'i must go', "i'll hang up now", 'hang up', 'बस इतना ही', 'बस इतना', 'नमस्ते',
  'नमस्कार', 'चलता हूँ', 'चलता हूं', 'चलती हूँ', 'चलती हूं', 'रखता हूँ', 'रखता हूं', 'रखती हूँ', 'रखती हूं',
  'और कुछ नहीं', 'eso es todo', "c'est tout", 'das ist alles',
];
// Politeness and fillers said after a closing: "that's all, thank you", "I have to go now".
// prettier-ignore
const TRAILERS = [
  'thank you', 'thank you so much', 'thank you very much', 'thanks', 'thanks a lot', 'thanks so much', 'now',
  'then', 'ok', 'okay', 'again', 'for now', 'sir', 'madam', "ma'am", 'please', 'धन्यवाद', 'शुक्रिया', 'जी',
  'अभी', 'ठीक है', 'gracias', 'merci', 'danke',
];
// A closing right after these is talked about, not said: "I said goodbye", "the goodbye message".
// prettier-ignore
const BEFORE_OBJECT = new Set([
  'say', 'said', 'says', 'saying', 'to', 'my', 'the', 'a', 'your', 'that', 'his', 'her', 'their', 'our',
  'wave', 'waved', 'kiss', 'kissed', 'of', 'about', 'word',
]);
// ...or right before these: "bye to my subscription", "अलविदा कहा".
// prettier-ignore
const AFTER_OBJECT = new Set([
  'to', 'message', 'messages', 'email', 'note', 'party', 'for', 'कहा', 'कहना', 'कह', 'बोला', 'बोलना', 'कहूँ',
  'कहूं',
]);

const MAX_SHORT_WORDS = 6;
const STRONG = phraseList(STRONG_CLOSINGS);
const FINAL = phraseList([...STRONG_CLOSINGS, ...FINAL_CLOSINGS]);
const TRAIL = phraseList(TRAILERS);

function saidNotMentioned(words: readonly string[], start: number, length: number): boolean {
  const before = words[start - 1];
  const after = words[start + length];
  return (
    !(before !== undefined && BEFORE_OBJECT.has(before)) && !(after !== undefined && AFTER_OBJECT.has(after))
  );
}

/** Drops trailing politeness repeatedly: "that's all thank you" -> "that's all". */
function withoutTrailers(words: string[]): string[] {
  let rest = words;
  for (let changed = true; changed && rest.length > 0;) {
    const trailer = TRAIL.find((p) => p.length < rest.length && matchesAt(rest, p, rest.length - p.length));
    changed = trailer !== undefined;
    if (trailer) rest = rest.slice(0, rest.length - trailer.length);
  }
  return rest;
}

/**
 * True when the caller's utterance closes the call: it ends with a closing phrase, or is short and
 * contains a strong one, and the closing is not the object of a verb ("I said goodbye to my laptop").
 * `extraPhrases` (the agent's end_call_phrases) count only at the end: an agent may list "thank you",
 * and "thank you, my name is Rahul" must not end the call.
 * `language` is accepted for future per-language lists; every list is checked, since callers mix
 * languages ("ठीक है bye").
 */
export function isGoodbye(text: string, _language: string, extraPhrases: readonly string[] = []): boolean {
  const words = plainWords(text);
  if (words.length === 0) return false;
  const extra = phraseList(extraPhrases).filter((p) => p.length > 0);
  const trimmed = withoutTrailers(words);
  for (const phrase of [...extra, ...FINAL]) {
    const start = trimmed.length - phrase.length;
    if (matchesAt(trimmed, phrase, start) && saidNotMentioned(trimmed, start, phrase.length)) return true;
  }
  if (words.length > MAX_SHORT_WORDS) return false;
  for (const phrase of STRONG) {
    for (let start = 0; start + phrase.length <= words.length; start += 1) {
      if (matchesAt(words, phrase, start) && saidNotMentioned(words, start, phrase.length)) return true;
    }
  }
  return false;
}
