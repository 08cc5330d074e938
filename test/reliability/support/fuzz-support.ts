// Shared pieces of the property-based tests (fast-check): a fixed seed so every failure reproduces,
// a count of generated cases per file (printed, and summed in docs/RELIABILITY.md), generators for
// hostile text, and the checks every answer must pass.
import fc from 'fast-check';
import { expect } from 'vitest';
import { parseTwiml, type TwimlVerb } from '../../../src/simulator/twiml-parser.js';
import { FUZZ_CASES_PER_RUN, recordFuzzCount } from './fuzz-run-total.js';

/** Override with FUZZ_SEED=… to explore; the printed seed reproduces a failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 424_242);

export class CaseCounter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly file: string) {}
  add(property: string, runs = 1): void {
    this.counts.set(property, (this.counts.get(property) ?? 0) + runs);
  }
  get total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }
  /**
   * This file's share, then its count recorded for the run; the file that completes the run (every
   * fuzz file reported) checks the sum against the 10,000 cases the issue asks for.
   */
  expectShare(share: number): void {
    expect(this.total).toBeGreaterThanOrEqual(share);
    const run = recordFuzzCount(this.file, this.total);
    if (run.complete) {
      console.info(
        `[fuzz] run total: ${run.sum} generated cases over ${Object.keys(run.counts).length} files`,
      );
      expect(run.sum).toBeGreaterThanOrEqual(FUZZ_CASES_PER_RUN);
    } else {
      console.info(
        `[fuzz] run total left to the last fuzz file; not reported yet: ${run.missing.join(', ')}`,
      );
    }
  }
  print(): void {
    const detail = [...this.counts.entries()].map(([name, n]) => `${name} ${n}`).join(', ');
    console.info(`[fuzz] ${this.file}: ${this.total} generated cases (seed ${FUZZ_SEED}): ${detail}`);
  }
}

/** Options for fc.assert: fixed seed, no shrinking noise beyond what is useful. */
export const runs = (numRuns: number) => ({ seed: FUZZ_SEED, numRuns, endOnFailure: true });

// Characters XML 1.0 cannot hold, and the ones it must escape.
const XML_ILLEGAL = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u001F',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
];
const XML_SPECIALS = [
  '&',
  '<',
  '>',
  '"',
  "'",
  ']]>',
  '<Hangup/>',
  '</Say><Dial>+19005550100</Dial><Say>',
  '&amp;',
  '&#0;',
];
const UNICODE_SAMPLES = [
  '😀',
  '👩‍👩‍👧',
  '🇮🇳',
  'مرحبا',
  'שלום',
  '\u202Eevil',
  'e\u0301',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '漢字',
  'हिन्दी',
  '１２３',
  '＋１４１５',
  'Ⅻ',
  'ß',
  'İ',
  '\r\n',
  '\n{"level":50,"msg":"fake"}',
  '\t',
  '\\',
  '%00',
  '%E0%A4%A',
];

/** Text meant to break things: XML specials and illegal characters, Unicode of every kind, plain noise. */
export const hostileText = (maxLength = 60): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...XML_ILLEGAL, ...XML_SPECIALS, ...UNICODE_SAMPLES),
        fc.string({ unit: 'grapheme', maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: Math.max(1, Math.ceil(maxLength / 4)) },
    )
    .map((parts) => parts.join('').slice(0, maxLength));

/** Phone-number-shaped strings: valid, premium, too long, full-width, letters, non-E.164. */
export const phoneLike: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '+14155550123',
    '+442071838750',
    '+919876543210',
    '+19005550100',
    '+19765550100',
    '+448712345678',
    '4155550123',
    '+1 (415) 555-0123',
    '+1415555012345678',
    '00441234567890',
    '＋１４１５５５５０１２３',
    '+693123456',
    'sip:evil@127.0.0.1',
    'client:alice',
    '',
  ),
  fc.stringMatching(/^\+[0-9]{1,18}$/),
  hostileText(20),
);

/** URLs an attacker would try for SSRF (loopback only in what a test could ever connect to). */
export const ssrfUrls = [
  'http://127.0.0.1/',
  'http://localhost:8080/x',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://017700000001/',
  'http://10.0.0.5/hook',
  'http://192.168.1.1/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/x',
  'https://user:pass@example.test/',
  'ftp://127.0.0.1/',
  'data:text/plain,hi',
];

const ALLOWED_VERBS = new Set([
  'say',
  'play',
  'pause',
  'gather',
  'redirect',
  'hangup',
  'reject',
  'dial',
  'connect',
]);

/** A TwiML answer: valid XML (strict parser), a <Response> of known verbs only. Returns the verbs. */
export function expectValidTwiml(body: string, allowed: Set<string> = ALLOWED_VERBS): TwimlVerb[] {
  let verbs: TwimlVerb[];
  try {
    verbs = parseTwiml(body);
  } catch (error) {
    throw new Error(`invalid TwiML (${String(error)}): ${body.slice(0, 300)}`);
  }
  for (const verb of verbs)
    expect(allowed.has(verb.verb), `unexpected verb ${verb.verb} in ${body}`).toBe(true);
  return verbs;
}

/** A 4xx JSON body: {error, message}, and field issues that name a field. */
export function expectJsonError(
  status: number,
  body: string,
): { error: string; message: string; issues?: { field: string }[] } {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  const parsed = JSON.parse(body) as {
    error: string;
    message: string;
    issues?: { field: string; message: string }[];
  };
  expect(typeof parsed.error).toBe('string');
  expect(typeof parsed.message).toBe('string');
  // An issue names its field; the name is empty only when the offending key itself is "" (unknown key).
  for (const issue of parsed.issues ?? []) expect(typeof issue.field).toBe('string');
  return parsed;
}

// Nesting as deep as the default 64 KB body limit allows: `[` and `]` are one byte each.
const MAX_ARRAY_DEPTH = 30_000;
const MAX_OBJECT_DEPTH = 12_000;

/** JSON nested deep (arrays, objects, both, and inside a field Twilio or the API knows) or shallow. */
export const nestedJson: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: MAX_ARRAY_DEPTH }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: MAX_OBJECT_DEPTH }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.integer({ min: 1, max: MAX_OBJECT_DEPTH / 2 }).map((d) => `${'[{"a":'.repeat(d)}null${'}]'.repeat(d)}`),
  fc
    .tuple(
      fc.constantFrom('CallSid', 'AccountSid', 'name', 'prompt', 'key', 'agent_id', 'metadata', 'fields'),
      fc.integer({ min: 1, max: MAX_ARRAY_DEPTH - 100 }),
    )
    .map(([field, d]) => `{"${field}":${'['.repeat(d)}"x"${']'.repeat(d)}}`),
  fc.jsonValue({ maxDepth: 12 }).map((value) => JSON.stringify(value)),
);

/** Form bodies with nested-looking keys (`a[b][c]…`, `a[]`, `__proto__[x]`), some thousands deep. */
export const nestedForm: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }).map((d) => `a${'[b]'.repeat(d)}=1`),
  fc.integer({ min: 1, max: 15_000 }).map((d) => `CallSid${'[]'.repeat(d)}=CA1`),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'a[b]',
          'a[]',
          'a[0][1]',
          'CallSid[]',
          'CallSid[a]',
          '__proto__[x]',
          'constructor[prototype][x]',
          'name',
          'prompt[x]',
        ),
        hostileText(10),
      ),
      { maxLength: 20 },
    )
    .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, wellFormedText(v)])).toString()),
);

/** Content types a client may send, right, wrong, odd-cased and absent (undefined). */
export const contentTypes: fc.Arbitrary<string | undefined> = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'Application/X-WWW-Form-Urlencoded',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  undefined,
);

/** Lone surrogates become U+FFFD, as any HTTP client would send them (encodeURIComponent throws). */
export const wellFormedText = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

/** The media type without parameters, lower-cased (`application/json`), or '' when absent. */
export const essence = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();
