// A validating JSON scanner that builds no values: it finds where each top-level array element starts
// and ends (so rows know their line, and a selection can pick the elements it overlaps) and where a
// syntax error is. `JSON.parse` still builds the values; V8's own messages do not always carry a
// position ("Unexpected token 'x', … is not valid JSON"), which is why the position comes from here.
import { textForMessage } from './formats';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset of the offending character in the scanned text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Half-open character range [start, end) of one JSON value. */
export interface JsonSpan {
  start: number;
  end: number;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'literal';

export interface JsonDocumentShape {
  kind: JsonKind;
  span: JsonSpan;
  /** Spans of the elements when the document is an array. */
  elements?: JsonSpan[];
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

class Scanner {
  pos: number;

  constructor(
    private readonly text: string,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < this.end) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === LF || c === CR || c === TAB) pos++;
      else break;
    }
    this.pos = pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  fail(expected: string): never {
    if (this.pos >= this.end) throw new JsonSyntaxError(`${expected}, but the text ends`, this.pos);
    throw new JsonSyntaxError(`${expected}, found ${describeChar(this.text, this.pos)}`, this.pos);
  }

  /** Scans one value; `elements` collects the spans of its elements when it is an array. */
  value(elements?: JsonSpan[]): JsonKind {
    const c = this.peek();
    if (c === OPEN_BRACE) {
      this.object();
      return 'object';
    }
    if (c === OPEN_BRACKET) {
      this.array(elements);
      return 'array';
    }
    if (c === QUOTE) {
      this.string();
      return 'string';
    }
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      this.number();
      return 'number';
    }
    if (this.literal('true') || this.literal('false') || this.literal('null')) return 'literal';
    return this.fail('Expected a JSON value');
  }

  private object(): void {
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.peek() !== QUOTE) this.fail('Expected a property name in double quotes');
      this.string();
      this.skipWhitespace();
      if (this.peek() !== COLON) this.fail("Expected ':' after the property name");
      this.pos++;
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      const c = this.peek();
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (c === CLOSE_BRACE) {
        this.pos++;
        return;
      }
      this.fail("Expected ',' or '}' after a property value");
    }
  }

  private array(elements?: JsonSpan[]): void {
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      const start = this.pos;
      this.value();
      if (elements) elements.push({ start, end: this.pos });
      this.skipWhitespace();
      const c = this.peek();
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
        if (this.peek() === CLOSE_BRACKET) this.fail('Expected a value after the comma');
        continue;
      }
      if (c === CLOSE_BRACKET) {
        this.pos++;
        return;
      }
      this.fail("Expected ',' or ']' after an array element");
    }
  }

  private string(): void {
    const text = this.text;
    const openedAt = this.pos;
    let pos = this.pos + 1;
    while (pos < this.end) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        this.pos = pos + 1;
        return;
      }
      if (c === BACKSLASH) {
        const next = text.charCodeAt(pos + 1);
        if (next === 117 /* u */) {
          for (let i = 2; i <= 5; i++) {
            if (pos + i >= this.end || !isHexDigit(text.charCodeAt(pos + i))) {
              this.pos = pos;
              this.fail('Expected four hex digits after \\u');
            }
          }
          pos += 6;
          continue;
        }
        if (pos + 1 >= this.end || !isSimpleEscape(next)) {
          this.pos = pos;
          this.fail('Expected a valid escape sequence');
        }
        pos += 2;
        continue;
      }
      if (c < SPACE) {
        this.pos = pos;
        this.fail('Expected the string to be closed on its line (write a line break as \\n)');
      }
      pos++;
    }
    throw new JsonSyntaxError('Unterminated string', openedAt);
  }

  private number(): void {
    if (this.peek() === MINUS) this.pos++;
    const c = this.peek();
    if (c === DIGIT_0) this.pos++;
    else if (c > DIGIT_0 && c <= DIGIT_9) this.digits();
    else this.fail('Expected a digit');
    if (this.peek() === DOT) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail('Expected a digit after the decimal point');
      this.digits();
    }
    const e = this.peek();
    if (e === 101 || e === 69) {
      this.pos++;
      const sign = this.peek();
      if (sign === PLUS || sign === MINUS) this.pos++;
      if (!isDigit(this.peek())) this.fail('Expected a digit in the exponent');
      this.digits();
    }
  }

  private digits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  private literal(word: string): boolean {
    if (this.text.startsWith(word, this.pos) && this.pos + word.length <= this.end) {
      this.pos += word.length;
      return true;
    }
    return false;
  }
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function isHexDigit(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isSimpleEscape(c: number): boolean {
  // " \ / b f n r t
  return c === QUOTE || c === BACKSLASH || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;
}

function describeChar(text: string, pos: number): string {
  const c = text.charCodeAt(pos);
  if (c === LF || c === CR) return 'a line break';
  if (c === TAB) return 'a tab';
  // Show a short word for bare words (e.g. unquoted text), one character otherwise.
  const match = /^[A-Za-z_$][\w$]{0,19}/.exec(text.slice(pos, pos + 20));
  if (match) return `'${match[0]}'`;
  // A control character or a byte of a binary file is written as an escape, never raw.
  return `'${textForMessage(String.fromCodePoint(text.codePointAt(pos) ?? c))}'`;
}

/** Validates text[start, end) as exactly one JSON value surrounded by whitespace. */
export function scanJsonDocument(text: string, start = 0, end = text.length): JsonDocumentShape {
  const scanner = new Scanner(text, start, end);
  scanner.skipWhitespace();
  if (scanner.atEnd()) throw new JsonSyntaxError('The JSON text is empty', scanner.pos);
  const valueStart = scanner.pos;
  const elements: JsonSpan[] = [];
  const kind = scanner.value(elements);
  const span = { start: valueStart, end: scanner.pos };
  scanner.skipWhitespace();
  if (!scanner.atEnd()) scanner.fail('Expected the end of the JSON text');
  return kind === 'array' ? { kind, span, elements } : { kind, span };
}

/**
 * Validates text[start, end) as values separated by commas — what selecting a few elements out of an
 * array gives — allowing a comma before the first and after the last value.
 */
export function scanJsonSequence(text: string, start = 0, end = text.length): JsonSpan[] {
  const scanner = new Scanner(text, start, end);
  const spans: JsonSpan[] = [];
  scanner.skipWhitespace();
  if (scanner.peek() === COMMA) {
    scanner.pos++;
    scanner.skipWhitespace();
  }
  while (!scanner.atEnd()) {
    const valueStart = scanner.pos;
    scanner.value();
    spans.push({ start: valueStart, end: scanner.pos });
    scanner.skipWhitespace();
    if (scanner.atEnd()) break;
    if (scanner.peek() !== COMMA) scanner.fail("Expected ',' between values");
    scanner.pos++;
    scanner.skipWhitespace();
  }
  if (spans.length === 0) throw new JsonSyntaxError('The JSON text is empty', scanner.pos);
  return spans;
}

/** Maps character offsets to 1-based line and column numbers. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.lineStarts[line - 1] + 1 };
  }

  /** Offset where a 1-based line starts (the text length beyond the last line). */
  lineStart(line: number): number {
    return this.lineStarts[line - 1];
  }

  /** Offset just past a 1-based line's text, before its line break. */
  lineEnd(line: number, text: string): number {
    const next = line < this.lineStarts.length ? this.lineStarts[line] - 1 : text.length;
    return next > this.lineStarts[line - 1] && text.charCodeAt(next - 1) === CR ? next - 1 : next;
  }
}
