import { NOT_NAME_WORDS } from './extraction/name-words.js';
import { matchesAt, phraseList, plainWords } from './extraction/text-utils.js';

// Closings that end a call when nothing but politeness follows them: "bye", "ok bye then".
// prettier-ignore
const STRONG_CLOSINGS = [
  'bye', 'goodbye', 'good bye', 'bye bye', 'bye-bye', 'byebye', 'good night', 'see you', 'see ya', 'take care',
  'talk to you later', 'have a good day', 'have a nice day', 'have a great day', 'have a good one',
  'अलविदा', 'बाय', 'बाय बाय', 'टाटा', 'फिर मिलेंगे', 'alvida', 'phir milenge', 'adiós', 'adios',
  'hasta luego', 'au revoir', 'tschüss', 'auf wiedersehen',
];
// Closings that also start other sentences ("that's it, the screen goes black"; "नमस्ते" opens a
// call too): the same rule holds, and matters more for them.
// prettier-ignore
const SOFT_CLOSINGS = [
  "that's all", 'that is all', "that's it", 'that is it', "that'll be all", 'that will be all',
  "that's everything", 'nothing else', 'i have to go', 'i need to go', "i've got to go", 'i got to go',
  'i gotta go', 'gotta go', 'i must go', "i'll hang up now", 'hang up', 'बस इतना ही', 'बस इतना', 'नमस्ते',
  'नमस्कार', 'चलता हूँ', 'चलता हूं', 'चलती हूँ', 'चलती हूं', 'रखता हूँ', 'रखता हूं', 'रखती हूँ', 'रखती हूं',
  'और कुछ नहीं', 'bas itna hi', 'aur kuch nahi', 'eso es todo', "c'est tout", 'das ist alles',
];
// What may follow a closing without taking it back: thanks, fillers, more closings, a form of address.
// Anything else ("bye, wait, one more thing", "the goodbye button is not working") means the caller
// goes on, or talks about a goodbye instead of saying one.
// prettier-ignore
const POLITE_TAIL = [
  'thank you', 'thanks', 'thank you so much', 'thank you very much', 'thanks a lot', 'thanks so much',
  'for your help', 'for all your help', 'for the help', 'for everything', 'for calling', 'for your time',
  'you too', 'and you', 'and', 'so much', 'very much', 'a lot', 'now', 'then', 'ok', 'okay', 'alright',
  'again', 'for now', 'sir', 'madam', "ma'am", 'please', 'guys', 'everyone', 'all', 'dear', 'bye', 'cheers',
  'धन्यवाद', 'शुक्रिया', 'बहुत धन्यवाद', 'बहुत शुक्रिया', 'आपका धन्यवाद', 'आपका बहुत धन्यवाद', 'आपको भी', 'जी',
  'अभी', 'ठीक है', 'सर', 'मैडम', 'भैया', 'दीदी', 'dhanyavaad', 'dhanyawad', 'shukriya', 'ji', 'theek hai',
  'thik hai', 'gracias', 'merci', 'danke',
];
// A closing right after these is talked about, not said: "I said goodbye", "the goodbye message".
// prettier-ignore
const BEFORE_OBJECT = new Set([
  'say', 'said', 'says', 'saying', 'to', 'my', 'the', 'a', 'an', 'your', 'that', 'this', 'his', 'her',
  'their', 'our', 'wave', 'waved', 'kiss', 'kissed', 'of', 'about', 'word', 'no', 'any', 'को', 'का', 'की',
  'के',
]);

// A capitalized last word after a closing is a name ("bye Sarah") unless it starts something new.
// prettier-ignore
const GOES_ON = new Set([
  'actually', 'wait', 'also', 'but', 'one', 'another', 'hold', 'sorry', 'hey', 'oh', 'um', 'uh', 'hmm',
  'listen', 'except', 'before', 'quick', 'question', 'still', 'ruko', 'rukiye', 'suniye', 'lekin', 'par',
]);

const CLOSINGS = phraseList([...STRONG_CLOSINGS, ...SOFT_CLOSINGS]);
const TAIL = phraseList([...POLITE_TAIL, ...STRONG_CLOSINGS, ...SOFT_CLOSINGS]);

/**
 * True when `words[from..]` is only politeness: phrases of `tail`, and at most one name as the very
 * last word when the caller gave it a capital ("thanks, bye Sarah").
 */
function politeTail(words: readonly string[], cased: readonly string[], from: number, tail: string[][]) {
  const reachable = new Array<boolean>(words.length + 1).fill(false);
  reachable[from] = true;
  for (let i = from; i < words.length; i += 1) {
    if (!reachable[i]) continue;
    for (const phrase of tail) if (matchesAt(words, phrase, i)) reachable[i + phrase.length] = true;
  }
  const last = words.length - 1;
  const name = cased[last] ?? '';
  const word = words[last] as string;
  const addressed =
    last >= from &&
    reachable[last] === true &&
    /^\p{Lu}\p{Ll}/u.test(name) &&
    !NOT_NAME_WORDS.has(word) &&
    !GOES_ON.has(word);
  return reachable[words.length] === true || addressed;
}

/**
 * True when the caller's utterance closes the call: it holds a closing (or one of the agent's
 * `extraPhrases`, its end_call_phrases) that is said, not talked about ("I said goodbye to my
 * old laptop"), and that only politeness follows ("ok bye, wait, one more thing" goes on).
 * `language` is accepted for future per-language lists; every list is checked, since callers mix
 * languages ("ठीक है bye").
 */
export function isGoodbye(text: string, _language: string, extraPhrases: readonly string[] = []): boolean {
  const cased = plainWords(text, true);
  const words = cased.map((w) => w.toLowerCase());
  const extra = phraseList(extraPhrases).filter((p) => p.length > 0);
  const tail = [...TAIL, ...extra];
  for (const phrase of [...extra, ...CLOSINGS]) {
    for (let start = 0; start + phrase.length <= words.length; start += 1) {
      if (!matchesAt(words, phrase, start)) continue;
      const before = words[start - 1];
      if (before !== undefined && BEFORE_OBJECT.has(before)) continue;
      if (politeTail(words, cased, start + phrase.length, tail)) return true;
    }
  }
  return false;
}
