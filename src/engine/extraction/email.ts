// Email addresses, written or spoken: "john dot smith at gmail dot com", "j o h n at example dot org",
// "rahul underscore k at the rate yahoo dot co dot in".

// A pragmatic syntax check: local@label(.label)*.tld with a tld of at least two letters.
const EMAIL_PATTERN =
  /^[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9_+-])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/;
const WRITTEN_EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/;

// Spoken symbols; multi-word forms are joined first so each becomes a single token.
const SPOKEN_SYMBOLS: ReadonlyArray<[RegExp, string]> = [
  [/\bat the rate of\b|\bat the rate\b|\bat sign\b|\bat symbol\b|एट द रेट|एट दी रेट|ऐट द रेट/g, ' @ '],
  [/\bat\b|(^|\s)(?:एट|ऐट)(?=\s|$)/g, ' @ '],
  [/\bdot\b|\bpoint\b|(^|\s)(?:डॉट|डोट)(?=\s|$)/g, ' . '],
  [/\bunderscore\b|\bunder score\b|(^|\s)अंडरस्कोर(?=\s|$)/g, ' _ '],
  [/\bdash\b|\bhyphen\b|(^|\s)डैश(?=\s|$)/g, ' - '],
  [/\bplus\b|(^|\s)प्लस(?=\s|$)/g, ' + '],
];
const CONNECTORS = new Set(['.', '_', '-', '+']);
const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

export function isEmailSyntax(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value) && !value.includes('..');
}

function isAtom(token: string | undefined): token is string {
  return token !== undefined && /^[a-z0-9][a-z0-9.]*$/.test(token) && !CONNECTORS.has(token);
}

/** Spelled letters and digits join: "j o h n" -> "john". */
function isSpelled(token: string | undefined): boolean {
  return token !== undefined && /^[a-z0-9]$/.test(token);
}

/** Walks back from the token before "@", collecting the local part. */
function localPart(tokens: string[], at: number): string | null {
  const parts: string[] = [];
  let i = at - 1;
  if (!isAtom(tokens[i])) return null;
  parts.unshift(tokens[i] as string);
  i -= 1;
  while (i >= 0) {
    const token = tokens[i] as string;
    const current = parts[0] as string;
    if (CONNECTORS.has(token) && isAtom(tokens[i - 1])) {
      parts.unshift(tokens[i - 1] as string, token);
      i -= 2;
    } else if ((isSpelled(token) && isSpelled(current)) || (/^\d+$/.test(current) && isAtom(token))) {
      parts.unshift(token);
      i -= 1;
    } else {
      break;
    }
  }
  return parts.join('');
}

/** Walks forward from the token after "@", collecting label (. label)*. */
function domainPart(tokens: string[], at: number): string | null {
  let i = at + 1;
  if (!isAtom(tokens[i])) return null;
  const parts = [tokens[i] as string];
  i += 1;
  while (i < tokens.length) {
    const token = tokens[i] as string;
    if ((token === '.' || token === '-') && isAtom(tokens[i + 1])) {
      parts.push(token, tokens[i + 1] as string);
      i += 2;
    } else if (isSpelled(token) && isSpelled(parts[parts.length - 1])) {
      parts.push(token);
      i += 1;
    } else {
      break;
    }
  }
  return parts.join('');
}

/** The email address in `text` (lower-case), or null when there is no syntactically valid one. */
export function normalizeEmail(text: string): string | null {
  const lower = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  const written = lower.match(WRITTEN_EMAIL)?.[0]?.replace(/\.+$/, '');
  if (written && isEmailSyntax(written)) return written;
  let spoken = lower;
  for (const [pattern, symbol] of SPOKEN_SYMBOLS)
    spoken = spoken.replace(
      pattern,
      (m, lead?: string) => `${typeof lead === 'string' ? lead : ''}${symbol}`,
    );
  const tokens = spoken
    .replace(/[,;:!?"()]/g, ' ')
    .replace(/([@_+])/g, ' $1 ')
    .split(/\s+/)
    .map((t) => (t === '.' ? t : (NUMBER_WORDS[t] ?? t.replace(/\.+$/, ''))))
    .filter(Boolean);
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
