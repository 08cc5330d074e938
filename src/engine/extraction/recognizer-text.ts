import { asciiDigits } from './text-utils.js';

// What Twilio's recognizers (Google and Deepgram on <Gather> and ConversationRelay) add to speech,
// undone once here for every extractor:
// - Google's automatic punctuation inserts periods, commas and question marks and capitalizes the
//   letter after each period and question mark (cloud.google.com/speech-to-text/docs/automatic-punctuation).
// - Deepgram's punctuate and smart_format do the same and write numbers as numerals, phone numbers,
//   emails, dates and times formatted ("8:37 PM", "November 2 2022", "1Z57A2B")
//   (developers.deepgram.com/docs/smart-format, /docs/numerals, /docs/punctuation).
// So a pause between digit groups arrives as ", " ("four one five, five five five, …"), a spelled
// word as "J-O-H-N", and every utterance may end in "." or "?".

/** A run of single letters or digits joined by hyphens: "J-O-H-N", "A-N-N-A". Linear: each step eats two characters. */
const HYPHEN_SPELLED = /(?<![\p{L}\p{N}-])(?:[\p{L}\p{N}]-)+[\p{L}\p{N}](?![\p{L}\p{N}-])/gu;
/** ", " or "," then a space between two digits is a pause between groups; "25,000" is a number. */
const DIGIT_GROUP_COMMA = /(\d),\s+(?=\d)/g;
/** "twenty-five" is two number words, as "twenty five". */
const HYPHENATED_NUMBER =
  /\b(twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)-(one|two|three|four|five|six|seven|eight|nine)\b/gi;

/** Another hyphen-spelled word right after this one: "J-O-H-N S-M-I-T-H". */
const NEXT_SPELLED = /^\s+(?:[\p{L}\p{N}]-)+[\p{L}\p{N}](?![\p{L}\p{N}-])/u;

/** "J-O-H-N" -> "J O H N"; a comma keeps two spelled words apart ("J O H N, S M I T H"). */
function spacedLetters(run: string, offset: number, text: string): string {
  const letters = run.replace(/-/g, ' ');
  return NEXT_SPELLED.test(text.slice(offset + run.length, offset + run.length + 64))
    ? `${letters},`
    : letters;
}

/**
 * The first pass over a transcript, shared by the extractors: Unicode NFC (a Devanagari nukta typed
 * either way reads the same), straight apostrophes, ASCII digits for Devanagari ones, a pause
 * between digit groups as a space, "twenty-five" as two words, and hyphen-spelled words as spaced
 * letters ("J-O-H-N" -> "J O H N").
 * Sentence punctuation is left for each extractor: a name reads clauses, a number reads "3.5".
 */
export function fromRecognizer(text: string): string {
  return asciiDigits(text.normalize('NFC'))
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(DIGIT_GROUP_COMMA, '$1 ')
    .replace(HYPHENATED_NUMBER, '$1 $2')
    .replace(HYPHEN_SPELLED, spacedLetters);
}

/** Sentence punctuation a recognizer puts around a word. */
const EDGE_PUNCTUATION = new Set([...'.,;:!?"()[]{}।॥…']);

/** A word without the punctuation around it: "zero." -> "zero", "(415)" -> "415", "है।" -> "है". */
export function trimPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && EDGE_PUNCTUATION.has(token[start] as string)) start += 1;
  while (end > start && EDGE_PUNCTUATION.has(token[end - 1] as string)) end -= 1;
  return token.slice(start, end);
}
