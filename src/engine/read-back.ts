// How emails and phone numbers are said when the agent reads them back for a caller to check: in
// small groups a person can follow and repeat, with a word for each letter a phone line blurs
// ("m as in Mike"), and common mail domains said as words ("gmail dot com"). The inverse
// (spokenToEmail, spokenToPhone) reads our own read-back, so a stateless policy can tell which value
// its last line asked the caller to confirm.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** The words of one language for spelling. */
export interface SpellingWords {
  /** "m as in Mike" / "m जैसे Mike" */
  aided(letter: string, word: string): string;
  /** The words an aid is said with, to find it again: ["as", "in"] / ["जैसे"]. */
  aidWords: readonly string[];
  /** Words for the symbols of an address: "." -> "dot", "@" -> "at". */
  symbols: Readonly<Record<string, string>>;
  plus: string;
}

export const EN_SPELLING: SpellingWords = {
  aided: (letter, word) => `${letter} as in ${word}`,
  aidWords: ['as', 'in'],
  symbols: { '.': 'dot', '@': 'at', _: 'underscore', '-': 'dash', '+': 'plus' },
  plus: 'plus',
};

export const HI_SPELLING: SpellingWords = {
  aided: (letter, word) => `${letter} जैसे ${word}`,
  aidWords: ['जैसे'],
  symbols: { '.': 'डॉट', '@': 'एट द रेट', _: 'अंडरस्कोर', '-': 'डैश', '+': 'प्लस' },
  plus: 'प्लस',
};

// Letters a phone line and a recognizer confuse (the "e" set b c d e g p t v z, the nasals m n,
// the fricatives f s, the "a" set j k), with the NATO word that tells each apart.
const AIDS: Readonly<Record<string, string>> = {
  b: 'Bravo',
  c: 'Charlie',
  d: 'Delta',
  e: 'Echo',
  f: 'Foxtrot',
  g: 'Golf',
  j: 'Juliett',
  k: 'Kilo',
  m: 'Mike',
  n: 'November',
  p: 'Papa',
  s: 'Sierra',
  t: 'Tango',
  v: 'Victor',
  z: 'Zulu',
};

// Mail domains people say as words; any other domain is spelled like the part before the @.
const COMMON_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.in',
  'yahoo.co.uk',
  'ymail.com',
  'outlook.com',
  'outlook.in',
  'hotmail.com',
  'hotmail.co.uk',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'mail.com',
  'gmx.com',
  'zoho.com',
  'rediffmail.com',
]);
// Endings said as words even in a spelled domain ("dot com"); shorter ones are spelled ("dot i o").
const WORD_ENDINGS = new Set(['com', 'net', 'org', 'edu', 'gov', 'info', 'biz']);

const MAX_GROUP = 3;

/**
 * A run of plain letters or digits in groups of up to three, never leaving one alone at the end.
 * Letters are written as capitals, which text-to-speech voices say as letter names ("A", not "a").
 */
function groups(run: string): string[] {
  const out: string[] = [];
  let rest = run;
  while (rest.length > 0) {
    const size = rest.length === 4 ? 2 : Math.min(MAX_GROUP, rest.length);
    out.push(rest.slice(0, size).toUpperCase().split('').join(' '));
    rest = rest.slice(size);
  }
  return out;
}

/** "sharma42" -> ["s as in Sierra", "h a r", "m as in Mike", "a", "4 2"]. */
function spellRun(text: string, words: SpellingWords): string[] {
  const items: string[] = [];
  let run = '';
  const flush = () => {
    items.push(...groups(run));
    run = '';
  };
  for (const ch of text) {
    const aid = AIDS[ch];
    // Digits never share a group with letters: "a 4" would be heard as "a for".
    if (aid || (run && /\d/.test(ch) !== /\d/.test(run.at(-1)!))) flush();
    if (aid) items.push(words.aided(ch.toUpperCase(), aid));
    else run += ch;
  }
  flush();
  return items;
}

/** Spelled items of an address part: runs of letters and digits, and its symbols as words. */
function spellPart(part: string, words: SpellingWords): string[] {
  return part
    .split(/([._+-])/)
    .filter(Boolean)
    .flatMap((piece) => (words.symbols[piece] ? [words.symbols[piece]] : spellRun(piece, words)));
}

function spokenDomain(domain: string, words: SpellingWords): string[] {
  if (COMMON_DOMAINS.has(domain)) return [domain.split('.').join(` ${words.symbols['.']} `)];
  const labels = domain.split('.');
  return labels.flatMap((label, i) => {
    const dot = i > 0 ? [words.symbols['.']!] : [];
    if (i > 0 && i === labels.length - 1 && WORD_ENDINGS.has(label)) return [`${dot[0]} ${label}`];
    return [...dot, ...spellPart(label, words)];
  });
}

/**
 * "priya.sharma@gmail.com" -> "P as in Papa, R I, Y A, dot, S as in Sierra, H A R, M as in Mike, A,
 * at gmail dot com".
 */
export function spelledEmail(email: string, words: SpellingWords = EN_SPELLING): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return spellPart(email, words).join(', ');
  const domain = spokenDomain(email.slice(at + 1), words);
  return [
    ...spellPart(email.slice(0, at), words),
    `${words.symbols['@']} ${domain[0] ?? ''}`.trim(),
    ...domain.slice(1),
  ].join(', ');
}

/**
 * "+14155552671" -> "4 1 5, 5 5 5, 2 6 7 1": digit by digit in the groups of the number's national
 * format; a number from another country keeps its code ("plus 4 4, 2 0, …").
 */
export function spokenPhone(e164: string, region = 'US', plus = EN_SPELLING.plus): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164.replace(/\D/g, '').split('').join(' ');
  const home = parsed.country === (region.toUpperCase() as CountryCode);
  // Indian numbers are said as ten digits, without the trunk 0 the national format adds.
  const national =
    parsed.country === 'IN'
      ? parsed.nationalNumber.replace(/^(\d{5})(\d+)$/, '$1 $2')
      : parsed.formatNational();
  const formatted = home ? national : parsed.formatInternational();
  const digitGroups = formatted.match(/\+|\d+/g) ?? [];
  return digitGroups
    .map((g) => (g === '+' ? plus : g.split('').join(' ')))
    .join(', ')
    .replace(`${plus},`, plus);
}

/**
 * The address a spelled read-back says (the inverse of spelledEmail for its words), or null.
 * Items are separated by ", "; an aided letter counts as its letter; symbol words become symbols.
 */
export function spokenToEmail(spoken: string, words: SpellingWords = EN_SPELLING): string | null {
  const symbolOf = new Map(Object.entries(words.symbols).map(([symbol, word]) => [word, symbol]));
  const at = words.symbols['@']!;
  let out = '';
  for (const item of spoken.split(', ')) {
    let rest = item;
    if (rest === at || rest.startsWith(`${at} `)) {
      out += '@';
      rest = rest.slice(at.length).trim();
    }
    const tokens = rest.split(' ').filter(Boolean);
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i]!;
      const aid = words.aidWords.every((word, k) => tokens[i + 1 + k] === word);
      if (aid && /^[A-Za-z0-9]$/.test(token)) {
        out += token;
        i += words.aidWords.length + 1;
      } else out += symbolOf.get(token) ?? token;
    }
  }
  const email = out.toLowerCase();
  return /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(email) ? email : null;
}

/** The E.164 number a read-back's digit groups say (the inverse of spokenPhone), or null. */
export function spokenToPhone(spoken: string, region: string, plus = EN_SPELLING.plus): string | null {
  const trimmed = spoken.trim();
  const international = trimmed.startsWith(plus);
  const digits = trimmed.replace(/\D/g, '');
  if (!/^[\d ,]+$/.test(international ? trimmed.slice(plus.length) : trimmed) || digits.length < 6)
    return null;
  const parsed = parsePhoneNumberFromString(
    international ? `+${digits}` : digits,
    region.toUpperCase() as CountryCode,
  );
  return parsed?.isValid() ? parsed.number : null;
}
