// A rough consonant skeleton of a word, the same for an English word and its Devanagari spelling
// ("billing" and "बिलिंग" are both "blng"), so an option named in English can be recognized when a
// Hindi recognizer writes it in Devanagari. Vowels, y and h are dropped (the scripts disagree most
// on them), letters that sound alike share one symbol, and doubled symbols collapse.

// prettier-ignore
const DEVANAGARI: Readonly<Record<string, string>> = {
  क: 'k', ख: 'k', ग: 'g', घ: 'g', ङ: 'n', च: 'k', छ: 'k', ज: 'j', झ: 'j', ञ: 'n', ट: 't', ठ: 't', ड: 'd',
  ढ: 'd', ण: 'n', त: 't', थ: 't', द: 'd', ध: 'd', न: 'n', प: 'p', फ: 'f', ब: 'b', भ: 'b', म: 'm', र: 'r',
  ल: 'l', व: 'v', श: 's', ष: 's', स: 's', 'ं': 'n', 'ँ': 'n',
};

// Applied in order to an English word; "ch" is k as in "technical", the way च is written for it.
const ENGLISH: ReadonlyArray<[RegExp, string]> = [
  [/ph/g, 'f'],
  [/ch/g, 'k'],
  [/sh/g, 's'],
  [/th/g, 't'],
  [/ck|c|q/g, 'k'],
  [/x/g, 'ks'],
  [/z/g, 'j'],
  [/g(?=[eiy])/g, 'j'],
  [/w/g, 'v'],
  [/[aeiouyh]/g, ''],
];

const collapse = (skeleton: string) => skeleton.replace(/(.)\1+/g, '$1');

/** The consonant skeleton of one lower-case word, Latin or Devanagari. */
export function phoneticKey(word: string): string {
  if (/[\u0900-\u097F]/.test(word)) {
    return collapse(Array.from(word.normalize('NFD'), (ch) => DEVANAGARI[ch] ?? '').join(''));
  }
  let out = word.replace(/[^a-z]/g, '');
  for (const [pattern, replacement] of ENGLISH) out = out.replace(pattern, replacement);
  return collapse(out);
}
