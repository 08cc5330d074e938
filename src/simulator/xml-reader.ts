// A small, strict XML reader for TwiML. Twilio rejects malformed TwiML (error 12100), so the
// simulator does too: unbalanced tags, a raw "<" or "&" in text, unknown entities, duplicate
// attributes, a raw "]]>" or XML-illegal characters all throw. No DTDs (so no entity expansion),
// no namespaces; CDATA sections and comments are accepted.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const SPACE = /[ \t\r\n]*/y;
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, offset: number, inAttribute: boolean): string {
  if (raw.includes('<')) throw new XmlSyntaxError('raw "<" in character data', offset);
  if (!inAttribute && raw.includes(']]>')) throw new XmlSyntaxError('raw "]]>" in character data', offset);
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError(`unterminated entity "${match}"`, offset);
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new XmlSyntaxError(`unknown entity "&${body};"`, offset);
    const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    const char = codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    if (!char || ILLEGAL.test(char))
      throw new XmlSyntaxError(`illegal character reference "&${body};"`, offset);
    return char;
  });
}

class Reader {
  private position = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new XmlSyntaxError(message, this.position);
  }

  private startsWith(token: string): boolean {
    return this.text.startsWith(token, this.position);
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.position;
    SPACE.exec(this.text);
    this.position = SPACE.lastIndex;
  }

  private readName(): string {
    NAME.lastIndex = this.position;
    const match = NAME.exec(this.text);
    if (!match) this.fail('expected a name');
    this.position = NAME.lastIndex;
    return match[0];
  }

  private skipUntil(terminator: string, what: string): string {
    const end = this.text.indexOf(terminator, this.position);
    if (end < 0) this.fail(`unterminated ${what}`);
    const body = this.text.slice(this.position, end);
    this.position = end + terminator.length;
    return body;
  }

  /** Comments, processing instructions and whitespace between elements. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) {
        this.position += 4;
        if (this.skipUntil('-->', 'comment').includes('--')) this.fail('"--" inside a comment');
      } else if (this.startsWith('<?')) {
        this.position += 2;
        if (this.readName().toLowerCase() === 'xml') this.fail('XML declaration not at the start');
        this.skipUntil('?>', 'processing instruction');
      } else return;
    }
  }

  document(): XmlElement {
    if (ILLEGAL.test(this.text)) this.fail('XML-illegal character in document');
    if (this.text.charCodeAt(0) === 0xfeff) this.position = 1;
    if (this.startsWith('<?xml')) {
      this.position += 5;
      this.skipUntil('?>', 'XML declaration');
    }
    this.skipMisc();
    if (this.startsWith('<!DOCTYPE')) this.fail('DOCTYPE is not allowed in TwiML');
    if (!this.startsWith('<')) this.fail('expected the root element');
    const root = this.element();
    this.skipMisc();
    if (this.position < this.text.length) this.fail('content after the root element');
    return root;
  }

  private attributes(): Record<string, string> {
    const attributes: Record<string, string> = Object.create(null);
    for (;;) {
      const before = this.position;
      this.skipSpace();
      if (this.startsWith('/>') || this.startsWith('>')) return attributes;
      if (this.position === before) this.fail('expected whitespace before an attribute');
      const name = this.readName();
      if (name in attributes) this.fail(`duplicate attribute "${name}"`);
      this.skipSpace();
      if (!this.startsWith('=')) this.fail(`expected "=" after attribute "${name}"`);
      this.position += 1;
      this.skipSpace();
      const quote = this.text[this.position];
      if (quote !== '"' && quote !== "'") this.fail(`attribute "${name}" value is not quoted`);
      this.position += 1;
      const start = this.position;
      const raw = this.skipUntil(quote, 'attribute value');
      attributes[name] = decodeEntities(raw, start, true);
    }
  }

  private element(): XmlElement {
    this.position += 1; // "<"
    const name = this.readName();
    const attributes = this.attributes();
    const element: XmlElement = { name, attributes: { ...attributes }, children: [] };
    if (this.startsWith('/>')) {
      this.position += 2;
      return element;
    }
    this.position += 1; // ">"
    for (;;) {
      const textStart = this.position;
      const next = this.text.indexOf('<', this.position);
      if (next < 0) this.fail(`unclosed element <${name}>`);
      if (next > textStart)
        element.children.push(decodeEntities(this.text.slice(textStart, next), textStart, false));
      this.position = next;
      if (this.startsWith('</')) {
        this.position += 2;
        const closing = this.readName();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        if (!this.startsWith('>')) this.fail(`expected ">" after </${closing}`);
        this.position += 1;
        return element;
      }
      if (this.startsWith('<![CDATA[')) {
        this.position += 9;
        element.children.push(this.skipUntil(']]>', 'CDATA section'));
      } else if (this.startsWith('<!--') || this.startsWith('<?')) {
        this.skipMisc();
      } else {
        element.children.push(this.element());
      }
    }
  }
}

/** Parses one XML document; throws XmlSyntaxError on anything a conforming parser would reject. */
export function parseXml(text: string): XmlElement {
  return new Reader(text).document();
}

/** The concatenated text of an element's direct text children. */
export function textOf(element: XmlElement): string {
  return element.children.filter((child): child is string => typeof child === 'string').join('');
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== 'string');
}
