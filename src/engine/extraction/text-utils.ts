// Shared text helpers for the normalizers: pure, no state.

const DEVANAGARI_ZERO = 0x0966;

/** Replaces Devanagari digits (०-९) with ASCII digits. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0966-\u096F]/g, (d) => String(d.charCodeAt(0) - DEVANAGARI_ZERO));
}

/** Trims and collapses runs of whitespace to one space. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Lower-case words for phrase matching: curly quotes become straight, sentence punctuation
 * (including the Devanagari danda) becomes a space; letters, combining marks, digits, and
 * apostrophes and hyphens inside words are kept.
 */
export function plainWords(text: string, keepCase = false): string[] {
  const cased = asciiDigits(text);
  const plain = (keepCase ? cased : cased.toLowerCase())
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[^\p{L}\p{M}\p{N}'\-\s]/gu, ' ')
    .replace(/(^|\s)['-]+|['-]+(?=\s|$)/g, ' ');
  return collapseSpaces(plain).split(' ').filter(Boolean);
}

/** The language family of a BCP-47 tag: 'hi-IN' -> 'hi'. */
export function languageFamily(language: string): string {
  return (language.split('-')[0] ?? '').toLowerCase();
}

/** True when the token list contains `phrase` (a list of words) starting at `index`. */
export function matchesAt(tokens: readonly string[], phrase: readonly string[], index: number): boolean {
  if (index < 0 || index + phrase.length > tokens.length) return false;
  return phrase.every((word, offset) => tokens[index + offset] === word);
}

/** Index of the first occurrence of `phrase` in `tokens`, or -1. */
export function indexOfPhrase(tokens: readonly string[], phrase: readonly string[]): number {
  for (let i = 0; i + phrase.length <= tokens.length; i += 1) {
    if (matchesAt(tokens, phrase, i)) return i;
  }
  return -1;
}

/** Splits each phrase into words with the same rules as plainWords, longest first. */
export function phraseList(phrases: readonly string[]): string[][] {
  return phrases.map((p) => plainWords(p)).sort((a, b) => b.length - a.length);
}

export function hasDevanagari(text: string): boolean {
  return /[\u0900-\u097F]/.test(text);
}

/**
 * The same record with NFC keys. Devanagari with a nukta ("ड़", "ज़") can be typed precomposed or as
 * letter plus nukta; NFC maps both to one form, so lookups of NFC-normalized words find either.
 */
export function nfcKeys<T>(record: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.normalize('NFC'), value]));
}

/** Levenshtein distance: the fewest single-letter insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}
