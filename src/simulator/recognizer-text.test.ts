import { describe, expect, it } from 'vitest';
import { looksRecognized, recognizerText } from './recognizer-text.js';

describe('recognizerText', () => {
  it.each([
    ['hello', 'Hello.'],
    ['  my name is   Manas ', 'My name is Manas.'],
    ['thanks, bye', 'Thanks, bye.'],
    ["i think i'm locked out", "I think I'm locked out."],
    ['can you help me', 'Can you help me?'],
    ['what are your hours,', 'What are your hours?'],
    [
      'my number is four one five five five five zero one two three',
      'My number is four one five five five five zero one two three.',
    ],
    ['hi!', 'Hi!'],
    ['écoute', 'Écoute.'],
    ['नमस्ते', 'नमस्ते.'],
    ['rahul@example.com', 'Rahul@example.com.'],
  ])('%j → %j', (line, expected) => {
    expect(recognizerText(line)).toBe(expected);
  });

  it.each(['Hello.', 'My number is 415-555-0123.', 'Is that right?', '1234.', 'He said "yes."'])(
    'keeps %j, which already looks recognized',
    (line) => {
      expect(looksRecognized(line)).toBe(true);
      expect(recognizerText(line)).toBe(line);
    },
  );

  it('keeps silence silent', () => {
    expect(recognizerText('   ')).toBe('');
  });
});
