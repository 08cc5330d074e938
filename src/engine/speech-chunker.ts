// Groups streamed model tokens into pieces a TTS engine can speak naturally: whole sentences, or
// clauses once they are long enough. The first piece may be short so the caller hears the agent early.
// The pieces concatenate back to the input (whitespace included): ConversationRelay joins tokens as-is.

export interface SpeechChunkerOptions {
  /** Words a clause (, ; : —) needs before it may leave as the first piece. */
  firstClauseMinWords?: number;
  /** Words a clause needs before it may leave as a later piece. */
  clauseMinWords?: number;
  /** A run-on without any boundary is cut at a space once it grows past this many characters. */
  maxChars?: number;
}

const DEFAULTS: Required<SpeechChunkerOptions> = { firstClauseMinWords: 3, clauseMinWords: 6, maxChars: 240 };

// A boundary needs the character after the mark: "3.5", "john.smith@x.com" and "10:30" have none, and a
// buffer ending in "3." waits for the next token. Closing quotes or brackets stay with their sentence.
// Group 1 is a sentence mark, group 2 a clause mark; a newline always ends a piece. The em dash needs
// no space after it ("yes—but").
// Compiled per chunker: a global regex carries lastIndex, which must not be shared between calls.
const BOUNDARY_SOURCE = /([.!?…。।॥])["'”’)\]]*\s|([,;:，、])["'”’)\]]*\s|—\s?(?=\S)|\n/u.source;

// Words ending in a full stop that rarely end a sentence. "etc." and "Inc." often do, so they are absent.
const ABBREVIATIONS = new Set([
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'prof.',
  'st.',
  'vs.',
  'jr.',
  'sr.',
  'rs.',
  'approx.',
]);
const DOTTED_ABBREVIATION = /^(?:\p{L}\.){2,}$/u; // e.g. i.e. a.m. U.S.
const INITIAL = /^\p{Lu}\.$/u; // "J. Smith"
const LIST_NUMBER = /^\d{1,3}\.$/u; // "2. Support" at the start of a piece

function countWords(text: string): number {
  return text.split(/\s+/u).filter((word) => word.length > 0).length;
}

/** True when the text (ending in a full stop) ends with an abbreviation or a list number, not a sentence. */
function endsWithAbbreviation(text: string): boolean {
  const words = text.trim().split(/\s+/u);
  const word = (words.pop() ?? '').replace(/^["'“‘([]+/u, '');
  if (words.length === 0 && LIST_NUMBER.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase()) || DOTTED_ABBREVIATION.test(word) || INITIAL.test(word);
}

export class SpeechChunker {
  private readonly options: Required<SpeechChunkerOptions>;
  private readonly boundary = new RegExp(BOUNDARY_SOURCE, 'gu');
  private buffer = '';
  /** Boundaries before this index were already judged too short; they never become long enough. */
  private scanFrom = 0;
  private emitted = 0;

  constructor(options: SpeechChunkerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Adds a model delta; returns the pieces ready to speak (often none). */
  push(delta: string): string[] {
    this.buffer += delta;
    const pieces: string[] = [];
    for (let piece = this.next(); piece !== undefined; piece = this.next()) pieces.push(piece);
    return pieces;
  }

  /** Returns what is left at the end of the stream, or undefined when only whitespace remains. */
  flush(): string | undefined {
    const rest = this.buffer;
    this.buffer = '';
    this.scanFrom = 0;
    if (rest.trim().length === 0) return undefined;
    this.emitted += 1;
    return rest;
  }

  private next(): string | undefined {
    this.boundary.lastIndex = this.scanFrom;
    for (let match = this.boundary.exec(this.buffer); match; match = this.boundary.exec(this.buffer)) {
      const end = match.index + match[0].length;
      const piece = this.buffer.slice(0, end);
      if (this.accepts(piece, match)) return this.take(end);
      this.scanFrom = end;
    }
    return this.cutRunOn();
  }

  private accepts(piece: string, match: RegExpExecArray): boolean {
    if (piece.trim().length === 0) return false;
    if (match[0].includes('\n')) return true;
    if (match[1] !== undefined)
      return match[1] !== '.' || !endsWithAbbreviation(piece.slice(0, match.index + 1));
    const minWords = this.emitted === 0 ? this.options.firstClauseMinWords : this.options.clauseMinWords;
    return countWords(piece) >= minWords;
  }

  private cutRunOn(): string | undefined {
    if (this.buffer.length <= this.options.maxChars) return undefined;
    const space = this.buffer.lastIndexOf(' ', this.options.maxChars);
    // A cut must leave words on both sides; leading spaces alone are no piece to speak.
    return space > 0 && this.buffer.slice(0, space).trim() ? this.take(space + 1) : undefined;
  }

  private take(end: number): string {
    const piece = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    this.scanFrom = 0;
    this.emitted += 1;
    return piece;
  }
}

/** Re-chunks a stream of model deltas into speakable pieces; ending early also ends the source stream. */
export async function* chunkSpeech(
  stream: AsyncIterable<string>,
  options: SpeechChunkerOptions = {},
): AsyncIterable<string> {
  const chunker = new SpeechChunker(options);
  for await (const delta of stream) yield* chunker.push(delta);
  const rest = chunker.flush();
  if (rest !== undefined) yield rest;
}
