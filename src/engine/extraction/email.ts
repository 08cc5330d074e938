import { ENGLISH_DIGIT_WORDS } from './digit-words.js';
import { fromRecognizer, trimPunctuation } from './recognizer-text.js';
import { spokenDigits } from './spoken-digits.js';
import { nfcKeys } from './text-utils.js';

// Email addresses, written or spoken: "john dot smith at gmail dot com", "j o h n at example dot org",
// "rahul underscore k at the rate yahoo dot co dot in".

// A pragmatic syntax check: local@label(.label)*.tld with a tld of at least two letters.
const EMAIL_PATTERN =
  /^[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9_+-])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/;
const WRITTEN_EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/;

// Spoken symbols; multi-word forms are joined first so each becomes a single token.
const SPOKEN_SYMBOLS: ReadonlyArray<[RegExp, string]> = [
  [
    /\bat the rate of\b|\bat the rate\b|\bat rate\b|\bat sign\b|\bat symbol\b|एट द रेट|एट दी रेट|ऐट द रेट/g,
    ' @ ',
  ],
  [/\bat\b|(^|\s)(?:एट|ऐट)(?=\s|$)/g, ' @ '],
  [/\bdot\b|\bpoint\b|(^|\s)(?:डॉट|डोट)(?=\s|$)/g, ' . '],
  [/\bunderscore\b|\bunder score\b|(^|\s)अंडरस्कोर(?=\s|$)/g, ' _ '],
  [/\bdash\b|\bhyphen\b|(^|\s)डैश(?=\s|$)/g, ' - '],
  [/\bplus\b|(^|\s)प्लस(?=\s|$)/g, ' + '],
];
const CONNECTORS = new Set(['.', '_', '-', '+']);
// "s as in sam", "b for bravo", "d like delta": the letter is what is spelled, the word only helps.
const SPELLING_AID = /\b([a-z0-9]) (?:as in|for|like) [a-z]+\b/g;
// Said before the address, never part of it: the local part starts after the last of these.
// prettier-ignore
const LEAD_IN_WORDS = new Set([
  'it', "it's", 'its', 'is', 'was', 'my', 'email', 'e-mail', 'mail', 'address', 'id', 'me', 'to', 'reach',
  'write', 'send', 'use', 'try', 'sure', 'yes', 'yeah', 'yep', 'ok', 'okay', 'so', 'um', 'uh', 'er', 'erm',
  'hmm', 'well', 'oh', 'and', 'the', "that's", 'that', 'this', 'you', 'can', 'could', "i'm", 'am',
  'please', 'hi', 'hello', 'hey', 'alright', 'right', 'no', 'not', 'new', 'old', 'work', 'personal',
  'office', 'be', 'would', 'will', 'should', 'think', 'guess', 'just', 'actually', 'basically', 'say',
  'said', 'spell', 'spelled', 'spelt', 'have', 'got', 'as', 'under', 'via', 'from', 'with', 'by', 'of',
  'your', 'his', 'her', 'their', 'our', 'here', 'there',
  // romanized Hindi: "meri email ID … hai", "mera email hai …"
  'mera', 'meri', 'mere', 'hai', 'hain', 'ji', 'haan', 'toh', 'aap', 'ka', 'ki', 'ke', 'yeh', 'ye', 'woh',
]);
// Said in Devanagari after "@": "जीमेल डॉट कॉम". Only the domain reads these; "को" and "इन" are Hindi words too.
// prettier-ignore
const DOMAIN_WORDS = nfcKeys({
  जीमेल: 'gmail', याहू: 'yahoo', हॉटमेल: 'hotmail', आउटलुक: 'outlook', रेडिफमेल: 'rediffmail',
  रेडिफ़मेल: 'rediffmail', कॉम: 'com', नेट: 'net', ऑर्ग: 'org', इन: 'in', को: 'co',
});
// At most this many words said apart make one domain label: "g mail dot com".
const MAX_LABEL_WORDS = 3;
// Whole words of a local part: "john smith 42" is two; spelled letters and digits are not counted.
// More words than this before "at" is a sentence, not an address: no value rather than a wrong one.
const MAX_LOCAL_WORDS = 4;

/** At most 254 characters, 64 of them before the "@" (RFC 5321). */
export function isEmailSyntax(value: string): boolean {
  return (
    value.length <= 254 && value.indexOf('@') <= 64 && EMAIL_PATTERN.test(value) && !value.includes('..')
  );
}

function isAtom(token: string | undefined): token is string {
  return token !== undefined && /^[a-z0-9][a-z0-9.]*$/.test(token) && !CONNECTORS.has(token);
}

/** A single spelled letter or digit: "j o h n", "s, m, i, t, h". */
function isSpelled(token: string | undefined): boolean {
  return token !== undefined && /^[a-z0-9]$/.test(token);
}

/**
 * Walks back from the token before "@" over everything said for the local part, up to a lead-in
 * ("my email is"), another "@" or a comma between words. Words join without a separator, as people
 * spell an address out ("john smith" -> "johnsmith"); a dot, dash or underscore is said when meant.
 * "i", "a" and other single letters are spelled letters here, never lead-ins.
 */
function localPart(tokens: string[], at: number): string | null {
  const parts: string[] = [];
  let words = 0;
  for (let i = at - 1; i >= 0; i -= 1) {
    const token = tokens[i] as string;
    if (token === ',') {
      // "s, m, i, t, h": commas between spelled letters are pauses, elsewhere they end the address.
      if (isSpelled(parts[0]) && isSpelled(tokens[i - 1])) continue;
      break;
    }
    if (CONNECTORS.has(token)) {
      if (parts.length === 0 || !isAtom(tokens[i - 1])) break;
      parts.unshift(token);
      continue;
    }
    const lead = LEAD_IN_WORDS.has(token) && !isSpelled(token);
    if (!isAtom(token) || lead) break;
    if (!isSpelled(token) && !/^\d+$/.test(token)) words += 1;
    if (words > MAX_LOCAL_WORDS) return null;
    parts.unshift(token);
  }
  if (CONNECTORS.has(parts[0] ?? '')) return null;
  return parts.length > 0 ? parts.join('') : null;
}

const domainWord = (token: string | undefined) =>
  token === undefined ? undefined : (DOMAIN_WORDS[token] ?? token);

/** True when the words from `start` on run into a dot: "g mail dot com" is one label, "com thanks" is not. */
function labelContinues(tokens: string[], start: number): boolean {
  for (let i = start; i < start + MAX_LABEL_WORDS; i += 1) {
    const token = domainWord(tokens[i]);
    if (token === '.') return i > start;
    if (!isAtom(token)) return false;
  }
  return false;
}

/** Walks forward from the token after "@", collecting label (. label)*. */
function domainPart(tokens: string[], at: number): string | null {
  let i = at + 1;
  while (tokens[i] === ',') i += 1;
  const first = domainWord(tokens[i]);
  if (!isAtom(first)) return null;
  const parts = [first];
  i += 1;
  while (i < tokens.length) {
    const token = domainWord(tokens[i]) as string;
    const next = domainWord(tokens[i + 1]);
    if ((token === '.' || token === '-') && isAtom(next)) {
      parts.push(token, next);
      i += 2;
    } else if (
      (isSpelled(token) && isSpelled(parts[parts.length - 1])) ||
      (isAtom(token) && labelContinues(tokens, i))
    ) {
      parts.push(token);
      i += 1;
    } else {
      break;
    }
  }
  return parts.join('');
}

const SYMBOLS = new Set(['@', ...CONNECTORS]);

/** "lisa, at gmail", "P E T E R, dot Parker": a comma next to "at", "dot" and the like is a pause. */
function withoutPausesAtSymbols(tokens: string[]): string[] {
  return tokens.filter(
    (t, i) => t !== ',' || !(SYMBOLS.has(tokens[i - 1] ?? '') || SYMBOLS.has(tokens[i + 1] ?? '')),
  );
}

/** The email address in `text` (lower-case), or null when there is no syntactically valid one. */
export function normalizeEmail(text: string): string | null {
  const lower = fromRecognizer(text).toLowerCase();
  const written = lower.match(WRITTEN_EMAIL)?.[0]?.replace(/\.+$/, '');
  if (written && isEmailSyntax(written)) return written;
  let spoken = lower;
  for (const [pattern, symbol] of SPOKEN_SYMBOLS)
    spoken = spoken.replace(
      pattern,
      (m, lead?: string) => `${typeof lead === 'string' ? lead : ''}${symbol}`,
    );
  const words = spoken
    .replace(SPELLING_AID, '$1')
    .replace(/[;:!?"()]/g, ' ')
    .replace(/([@_+,])/g, ' $1 ')
    .replace(/(?<=[a-z0-9])-(?=[a-z0-9])/g, ' - ')
    .split(/\s+/)
    .map((t) => (t === '.' || t === ',' ? t : trimPunctuation(t)))
    .filter(Boolean);
  const tokens = withoutPausesAtSymbols(
    spokenDigits(words, { digits: ENGLISH_DIGIT_WORDS, zeroLetters: false }),
  );
  // The last "@" whose domain has a dot wins ("reach me at john at gmail dot com").
  for (let at = tokens.length - 1; at >= 0; at -= 1) {
    if (tokens[at] !== '@') continue;
    const local = localPart(tokens, at);
    const domain = domainPart(tokens, at);
    if (!local || !domain) continue;
    const email = `${local}@${domain}`;
    if (isEmailSyntax(email)) return email;
  }
  return null;
}
