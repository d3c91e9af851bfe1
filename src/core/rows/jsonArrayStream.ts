// A JSON document (an array of objects, or one object) cut into its top-level elements as its text arrives, so a
// large .json file is read a chunk at a time like CSV instead of whole. The splitter only follows the structure
// (strings, escapes, brackets) to find where each element ends; each element's text is then checked by
// JSON.parse, and by the validating scanner of jsonScan.ts when it fails, which says where. The text around the
// elements (brackets, commas, trailing text) is checked here. Errors are the RowsParseError of the other readers:
// "Line 5001, column 12: Expected ',' or '}' after a property value, found '\"'."
import { Transform } from 'node:stream';
import { describeJsonKind, isPlainObject, normalizeMaxRecordBytes, recordTooLarge, RowsParseError, textForMessage } from './formats';
import { JsonSyntaxError, LineIndex, scanJsonDocument } from './jsonScan';

/** One top-level element: its text and where it starts in the file (1-based line and column). */
export interface JsonElementText {
  text: string;
  /** 0-based position in the array. */
  index: number;
  line: number;
  column: number;
  /** Offset just past the element in all the text fed so far. */
  end: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

const enum State {
  /** Before the document's first value. */
  Start,
  /** After '[' (a ']' closes an empty array). */
  FirstElement,
  /** After ',' (a value must follow). */
  NextElement,
  InElement,
  /** After an element: ',' or ']'. */
  AfterElement,
  /** After the document: only whitespace may follow. */
  End,
}

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** Cuts JSON text, fed in pieces, into the top-level elements of its array (or its one object). */
export class JsonArraySplitter {
  private state = State.Start;
  private line = 1;
  /** Offset (in all text fed so far) where the current line starts. */
  private lineStart = 0;
  /** Offset of the first character of the current piece. */
  private base = 0;
  private index = 0;
  /** The document is one object, not an array: it is the only element. */
  private singleObject = false;
  // The element being read.
  private parts: string[] = [];
  private partsLength = 0;
  private elementLine = 0;
  private elementColumn = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The element is a number or a literal: it ends before a comma, a bracket or a space. */
  private bare = false;
  private readonly limit: number;

  constructor(private readonly onElement: (element: JsonElementText) => void, maxRecordBytes?: number) {
    this.limit = normalizeMaxRecordBytes(maxRecordBytes);
  }

  /** Feeds the next piece of text; calls onElement for each element it completes. Throws RowsParseError. */
  push(text: string): void {
    let elementFrom = this.state === State.InElement ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.state === State.InElement) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) {
            this.inString = false;
            if (this.depth === 0) {
              this.finishElement(text, elementFrom, i + 1);
              elementFrom = -1;
            }
          }
        } else if (this.bare) {
          if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) {
            this.finishElement(text, elementFrom, i);
            elementFrom = -1;
            i--; // the character after a number or literal is read again, outside the element
            continue;
          }
        } else if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--this.depth === 0) {
            this.finishElement(text, elementFrom, i + 1);
            elementFrom = -1;
          }
        }
        if (c === LF) this.newLine(i);
        continue;
      }
      if (c === LF) {
        this.newLine(i);
        continue;
      }
      if (isSpace(c)) continue;
      switch (this.state) {
        case State.Start:
          if (c === OPEN_BRACKET) this.state = State.FirstElement;
          else if (c === OPEN_BRACE) {
            this.singleObject = true;
            this.startElement(c, i);
            elementFrom = i;
          } else this.fail(`expected an array of objects or one object, found ${kindOfFirstChar(c)}`);
          break;
        case State.FirstElement:
        case State.NextElement:
          if (c === CLOSE_BRACKET) {
            if (this.state === State.NextElement) this.syntaxError(i, text, 'Expected a value after the comma');
            this.state = State.End;
          } else {
            this.startElement(c, i);
            elementFrom = i;
          }
          break;
        case State.AfterElement:
          if (c === COMMA) this.state = State.NextElement;
          else if (c === CLOSE_BRACKET) this.state = State.End;
          else this.syntaxError(i, text, "Expected ',' or ']' after an array element");
          break;
        case State.End:
          this.syntaxError(i, text, 'Expected the end of the JSON text');
      }
    }
    if (elementFrom !== -1) this.keep(text.slice(elementFrom));
    this.base += text.length;
  }

  /** The text ended: fails unless the document is complete. */
  end(): void {
    switch (this.state) {
      case State.Start:
        throw new RowsParseError('Line 1, column 1: The JSON text is empty.', { line: 1, column: 1 });
      case State.InElement:
        if (this.bare) {
          this.finishElement('', 0, 0);
          return this.end();
        }
        throw this.elementError(this.parts.join(''), true) ?? this.errorAt(this.elementLine, this.elementColumn, 'Expected the array element that starts here to be closed, but the text ends');
      case State.End:
        return;
      default:
        throw this.errorAt(this.line, this.base - this.lineStart + 1, this.state === State.AfterElement ? "Expected ',' or ']' after an array element, but the text ends" : 'Expected a JSON value, but the text ends');
    }
  }

  private newLine(i: number): void {
    this.line++;
    this.lineStart = this.base + i + 1;
  }

  private startElement(c: number, i: number): void {
    this.state = State.InElement;
    this.elementLine = this.line;
    this.elementColumn = this.base + i - this.lineStart + 1;
    this.parts = [];
    this.partsLength = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.bare = false;
    // The opening character is read by the element loop itself, except a number's or a literal's.
    if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
    else if (c === QUOTE) this.inString = true;
    else this.bare = true;
  }

  /** Holds part of an element that goes on in the next piece of text (at most the record limit). */
  private keep(part: string): void {
    this.parts.push(part);
    this.partsLength += part.length;
    if (this.partsLength > this.limit) {
      // A bracket that does not match makes an element run on: say where, rather than that it is too large.
      throw this.elementError(this.parts.join(''), false) ?? recordTooLarge(this.elementLine, 'a row', this.limit);
    }
  }

  private finishElement(text: string, from: number, to: number): void {
    const piece = text.slice(from, to);
    const whole = this.parts.length ? this.parts.join('') + piece : piece;
    this.parts = [];
    this.partsLength = 0;
    if (whole.length > this.limit) throw recordTooLarge(this.elementLine, 'a row', this.limit);
    this.state = this.singleObject ? State.End : State.AfterElement;
    this.onElement({ text: whole, index: this.index++, line: this.elementLine, column: this.elementColumn, end: this.base + to });
  }

  /**
   * Where the scanner finds an unfinished element's text wrong: an error before its end, or with `textEnded` also
   * one at its end ("… but the text ends"); undefined while the text is a valid start of a value.
   */
  private elementError(text: string, textEnded: boolean): RowsParseError | undefined {
    try {
      scanJsonDocument(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      if (textEnded || error.offset < text.length) return this.positioned(text, error.offset, error.message);
    }
    return undefined;
  }

  /** A message at an offset inside the current element's text. */
  private positioned(text: string, offset: number, message: string): RowsParseError {
    return errorInElement({ text, line: this.elementLine, column: this.elementColumn }, offset, message);
  }

  private syntaxError(i: number, text: string, expected: string): never {
    throw this.errorAt(this.line, this.base + i - this.lineStart + 1, `${expected}, found ${describeChar(text, i)}`);
  }

  private fail(message: string): never {
    throw new RowsParseError(`Line ${this.line}: ${message}.`, { line: this.line });
  }

  private errorAt(line: number, column: number, message: string): RowsParseError {
    return new RowsParseError(`Line ${line}, column ${column}: ${message}.`, { line, column });
  }
}

function kindOfFirstChar(c: number): string {
  if (c === QUOTE) return 'a string';
  if (c === 116 /* t */ || c === 102 /* f */) return 'a boolean';
  if (c === 110 /* n */) return 'null';
  if (c === 45 || (c >= 48 && c <= 57)) return 'a number';
  return `'${textForMessage(String.fromCharCode(c))}'`;
}

function describeChar(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c === LF || c === CR) return 'a line break';
  if (c === TAB) return 'a tab';
  const match = /^[A-Za-z_$][\w$]{0,19}/.exec(text.slice(i, i + 20));
  return match ? `'${match[0]}'` : `'${textForMessage(String.fromCodePoint(text.codePointAt(i) ?? c))}'`;
}

/** An element's row: its object, or RowsParseError naming the line when it is not valid JSON or not an object. */
export function rowOfElement(element: JsonElementText): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(element.text);
  } catch (error) {
    throw elementSyntaxError(element, error as Error);
  }
  if (isPlainObject(value)) return value;
  throw new RowsParseError(`Line ${element.line}: array element at index ${element.index} is ${describeJsonKind(value)}, not an object.`, { line: element.line });
}

function elementSyntaxError(element: JsonElementText, parseError: Error): RowsParseError {
  try {
    scanJsonDocument(element.text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return errorInElement(element, error.offset, error.message);
  }
  return new RowsParseError(`Line ${element.line}: ${textForMessage(parseError.message, 200)}`, { line: element.line });
}

/** "Line 5002, column 7: …" for an offset inside an element that starts at element.line, element.column. */
function errorInElement(element: Pick<JsonElementText, 'text' | 'line' | 'column'>, offset: number, message: string): RowsParseError {
  const at = new LineIndex(element.text).position(offset);
  const line = element.line + at.line - 1;
  const column = at.line === 1 ? element.column + at.column - 1 : at.column;
  return new RowsParseError(`Line ${line}, column ${column}: ${message}.`, { line, column });
}

/**
 * A stream of the document's elements (object mode) from its bytes: one piece of text at a time, so what is held
 * is the piece being cut and the elements of one chunk (the stream waits while its reader is behind).
 */
export function jsonArraySplitter(maxRecordBytes: number | undefined, onElementCut?: () => void): Transform {
  const decoder = new TextDecoder();
  const transform = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      try {
        splitter.push(decoder.decode(chunk, { stream: true }));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        splitter.push(decoder.decode());
        splitter.end();
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  const splitter = new JsonArraySplitter((element) => {
    onElementCut?.();
    transform.push(element);
  }, maxRecordBytes);
  return transform;
}
