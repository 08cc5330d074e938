// Turns agent text into something Twilio's <Say> (and ConversationRelay's greeting) can speak.

/** Twilio's <Say> limit (error 13521 beyond it). */
export const SAY_MAX_CHARS = 4_096;
/** Our default cap: leaves room under SAY_MAX_CHARS and keeps one turn under about three minutes of speech. */
export const DEFAULT_SPEECH_MAX_CHARS = 3_000;

// Characters XML 1.0 cannot hold. xmlbuilder (inside twilio's TwiML builder) throws on them, and a
// throw in a webhook becomes a 500 the caller hears as "an application error has occurred".
// With the `u` flag, [\uD800-\uDFFF] matches only lone surrogates: valid pairs are one code point.
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

// An emoji with its modifiers, variation selectors, keycap marks and zero-width-joined parts.
// ZWJ is removed only inside emoji sequences: Devanagari uses it (and ZWNJ) to shape conjuncts.
const EMOJI_SEQUENCE =
  /(?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:[\uFE0E\uFE0F\u20E3]|\p{Emoji_Modifier}|\u200D(?:\p{Extended_Pictographic}|\p{Emoji_Modifier})?)*/gu;
const EMOJI_LEFTOVERS = /[\uFE0F\u20E3]|\p{Emoji_Modifier}/gu;

// A sentence ends at . ! ? or the Devanagari danda (।, ॥), optionally followed by a closing quote or bracket.
const SENTENCE_END = /[.!?\u0964\u0965]["'”’)\]]?(?=\s|$)/gu;
const ENDS_WITH_PUNCTUATION = /[.!?,;:\u0964\u0965]["'”’)\]]?$/u;

/** Removes characters XML 1.0 cannot contain. Safe for attribute values as well as text. */
export function stripXmlIllegal(text: string): string {
  return text.replace(XML_ILLEGAL, '');
}

function stripMarkdownLine(line: string): string {
  return (
    line
      // Headings: "## Title". A lone "#" elsewhere ("press #", "order #12") is speakable and stays.
      .replace(/^\s*#{1,6}\s+/u, '')
      // Bullets: "- item", "* item", "+ item", "• item".
      .replace(/^\s*[-*+\u2022\u25E6\u25AA\u2023\u2043]\s+/u, '')
      // Quote markers: "> text".
      .replace(/^\s*>\s?/u, '')
      // Links: [label](https://…) -> label.
      .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
      // Emphasis and code marks; underscores stay (they appear in e-mail addresses).
      .replace(/[*`]+/gu, '')
      .replace(/~~/gu, '')
      .replace(/#{2,}/gu, '')
      .trim()
  );
}

/** Joins lines into one spoken paragraph; a line without closing punctuation gets a full stop so TTS pauses. */
function joinLines(lines: string[]): string {
  const kept = lines.filter((line) => line.length > 0);
  return kept
    .map((line, index) => (index < kept.length - 1 && !ENDS_WITH_PUNCTUATION.test(line) ? `${line}.` : line))
    .join(' ');
}

function dropTrailingHighSurrogate(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** Cuts at the last sentence end within maxChars; failing that at the last space; failing that hard. */
function truncateAtSentence(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars + 1);
  let cut = -1;
  for (const match of head.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= maxChars) cut = end;
  }
  // Keep at least half the budget; a first sentence far shorter than that is a poor summary.
  if (cut >= maxChars / 2) return text.slice(0, cut);
  const space = head.lastIndexOf(' ', maxChars - 1);
  if (space > 0) return `${text.slice(0, space).replace(/[\s,;:]+$/u, '')}.`.slice(0, maxChars);
  return dropTrailingHighSurrogate(text.slice(0, maxChars));
}

/**
 * Prepares text for TTS: removes XML-illegal characters, markdown and emoji, collapses whitespace and
 * cuts at a sentence boundary so the result is at most maxChars (clamped to 1..SAY_MAX_CHARS) long.
 */
export function cleanForSpeech(text: string, maxChars: number = DEFAULT_SPEECH_MAX_CHARS): string {
  const limit = Math.max(1, Math.min(SAY_MAX_CHARS, Math.floor(maxChars)));
  const withoutEmoji = stripXmlIllegal(text).replace(EMOJI_SEQUENCE, '').replace(EMOJI_LEFTOVERS, '');
  const lines = withoutEmoji.split(/\r\n|\r|\n/u).map((line) => stripMarkdownLine(line));
  const spoken = joinLines(lines.map((line) => line.replace(/\s+/gu, ' ')))
    .replace(/\s+/gu, ' ')
    .trim();
  return truncateAtSentence(spoken, limit);
}
