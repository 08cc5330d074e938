import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechChunker, chunkSpeech, type SpeechChunkerOptions } from './speech-chunker.js';

/** Feeds the deltas one by one and returns every piece, including the flushed remainder. */
function run(deltas: string[], options?: SpeechChunkerOptions): string[] {
  const chunker = new SpeechChunker(options);
  const pieces = deltas.flatMap((delta) => chunker.push(delta));
  const rest = chunker.flush();
  return rest === undefined ? pieces : [...pieces, rest];
}

/** Splits text into model-like tokens: each word with its leading space. */
function tokens(text: string): string[] {
  return text.match(/\s*\S+/gu) ?? [];
}

describe('SpeechChunker', () => {
  const table: [string, string, string[]][] = [
    [
      'two sentences',
      'Sure thing. Your order shipped on Monday.',
      ['Sure thing. ', 'Your order shipped on Monday.'],
    ],
    ['a one-word sentence leaves at once', 'Sure! Let me check.', ['Sure! ', 'Let me check.']],
    ['a question', 'Can I help? Tell me more.', ['Can I help? ', 'Tell me more.']],
    [
      'a short first clause waits, a 3-word first clause leaves',
      'Yes, I can do that, and I will email the receipt right away today.',
      ['Yes, I can do that, ', 'and I will email the receipt right away today.'],
    ],
    [
      'later clauses need 6 words',
      'Okay. First, check the box, then press the green button on the left side, please.',
      ['Okay. ', 'First, check the box, then press the green button on the left side, ', 'please.'],
    ],
    ['a decimal number stays whole', 'It costs 3.5 dollars. Okay?', ['It costs 3.5 dollars. ', 'Okay?']],
    [
      'an email address stays whole',
      'Write to john.smith@example.com. Thanks.',
      ['Write to john.smith@example.com. ', 'Thanks.'],
    ],
    [
      'abbreviations do not end sentences',
      'Bring ID, e.g. a passport. Dr. Rao will see you at 9 a.m. on Monday. Mr. J. Smith agreed.',
      ['Bring ID, e.g. a passport. ', 'Dr. Rao will see you at 9 a.m. on Monday. ', 'Mr. J. Smith agreed.'],
    ],
    [
      'a number can still end a sentence',
      'I will call at 5. Talk soon.',
      ['I will call at 5. ', 'Talk soon.'],
    ],
    [
      'a time with a colon stays whole',
      'We open at 10:30 tomorrow. Bye.',
      ['We open at 10:30 tomorrow. ', 'Bye.'],
    ],
    [
      'thousands separators stay whole',
      'The total is 1,250 rupees. Rs. 50 is tax.',
      ['The total is 1,250 rupees. ', 'Rs. 50 is tax.'],
    ],
    [
      'a closing quote stays with its sentence',
      'He said "done." Then left.',
      ['He said "done." ', 'Then left.'],
    ],
    ['an ellipsis ends a sentence', 'Well... let me think.', ['Well... ', 'let me think.']],
    [
      'an em dash is a clause boundary',
      'Your refund was approved—it should arrive within five days.',
      ['Your refund was approved—', 'it should arrive within five days.'],
    ],
    [
      'a newline ends a piece',
      'Options:\n1. Billing\n2. Support',
      ['Options:\n', '1. Billing\n', '2. Support'],
    ],
    [
      'Hindi sentences end at the danda',
      'नमस्ते! मैं आपकी मदद कर सकता हूँ। आपका ऑर्डर कल भेजा गया था।',
      ['नमस्ते! ', 'मैं आपकी मदद कर सकता हूँ। ', 'आपका ऑर्डर कल भेजा गया था।'],
    ],
    [
      'Hindi clauses split at a comma after enough words',
      'जी हाँ, आपका ऑर्डर तैयार है, और कल तक पहुँच जाएगा।',
      ['जी हाँ, आपका ऑर्डर तैयार है, ', 'और कल तक पहुँच जाएगा।'],
    ],
    [
      'no boundary: one piece at the end',
      'just some words without punctuation',
      ['just some words without punctuation'],
    ],
    ['only whitespace: nothing', '   ', []],
  ];

  it.each(table)('%s', (_name, text, expected) => {
    expect(run(tokens(text))).toStrictEqual(expected);
    // The same text in one delta, or character by character, chunks the same way.
    expect(run([text])).toStrictEqual(expected);
    expect(run([...text])).toStrictEqual(expected);
  });

  it('lets the first sentence leave as soon as the token after it arrives', () => {
    const chunker = new SpeechChunker();
    expect(chunker.push('Sure')).toStrictEqual([]);
    expect(chunker.push('.')).toStrictEqual([]); // "3." might still become "3.5"
    expect(chunker.push(' Your')).toStrictEqual(['Sure. ']);
    expect(chunker.push(' order')).toStrictEqual([]);
    expect(chunker.flush()).toBe('Your order');
    expect(chunker.flush()).toBeUndefined();
  });

  it('cuts a run-on at a space once it passes maxChars', () => {
    const words = Array.from({ length: 30 }, (_, index) => `word${index}`).join(' ');
    const pieces = run(tokens(words), { maxChars: 40 });
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(41);
    expect(pieces.join('')).toBe(words);
    expect(pieces.slice(0, -1).every((piece) => piece.endsWith(' '))).toBe(true);
  });

  it('honours custom clause thresholds', () => {
    expect(run(['Yes, sure, fine.'], { firstClauseMinWords: 1 })).toStrictEqual(['Yes, ', 'sure, fine.']);
  });

  it('never loses or reorders text, however the stream is split', () => {
    const alphabet = fc.constantFrom(...'ab1 .,;:!?—\n"।e.g@x'.split(''), 'e.g. ', '3.5', 'Dr. ', 'हाँ');
    fc.assert(
      fc.property(
        fc.array(
          fc.array(alphabet, { maxLength: 6 }).map((parts) => parts.join('')),
          { maxLength: 40 },
        ),
        (deltas) => {
          const text = deltas.join('');
          const pieces = run(deltas, { maxChars: 30 });
          const joined = pieces.join('');
          // Only trailing whitespace may be dropped (flush returns nothing for it).
          expect(text.startsWith(joined)).toBe(true);
          expect(text.slice(joined.length).trim()).toBe('');
          for (const piece of pieces) expect(piece.trim().length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not cut a run-on sentence into a piece of leading spaces alone', () => {
    const pieces = run(['  हाँa', '3.53.5aaa', '3.5aaaaa', 'aहाँa', 'a', 'aa'], { maxChars: 30 });
    for (const piece of pieces) expect(piece.trim().length).toBeGreaterThan(0);
  });
});

describe('chunkSpeech', () => {
  async function* stream(parts: string[]): AsyncIterable<string> {
    for (const part of parts) yield part;
  }

  it('re-chunks an async stream and flushes the end', async () => {
    const pieces: string[] = [];
    for await (const piece of chunkSpeech(stream(tokens('Hello there. How are you')))) pieces.push(piece);
    expect(pieces).toStrictEqual(['Hello there. ', 'How are you']);
  });

  it('stops the source when the consumer stops (barge-in)', async () => {
    let finished = false;
    async function* source(): AsyncIterable<string> {
      try {
        for (const part of tokens('One. Two. Three. Four.')) yield part;
      } finally {
        finished = true;
      }
    }
    const pieces: string[] = [];
    for await (const piece of chunkSpeech(source())) {
      pieces.push(piece);
      break;
    }
    expect(pieces).toStrictEqual(['One. ']);
    expect(finished).toBe(true);
  });
});
