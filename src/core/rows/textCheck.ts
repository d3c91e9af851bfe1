// Refuses files that are not text before any parser sees them: a PNG or random bytes opened as .csv would
// otherwise give a parser error that quotes binary garbage. The first 64 KB decide: a NUL byte (no text file
// has one; UTF-16 text has many) or bytes that are not UTF-8.
import { RowsParseError, type SourceFormat } from './formats';

/** How much of the start of a file or document is checked. */
export const TEXT_CHECK_BYTES = 64 * 1024;

const FORMAT_NAMES: Record<SourceFormat, string> = { csv: 'CSV', tsv: 'TSV', json: 'JSON', jsonl: 'JSON Lines' };

function notText(format: SourceFormat, why: string, hint: string): RowsParseError {
  return new RowsParseError(`This does not look like a text ${FORMAT_NAMES[format]} file: ${why}. ${hint}`);
}

const SAVE_AS_UTF8 = 'If it is text in another encoding, save it as UTF-8.';
const BINARY_HINT = 'Open a CSV, TSV, JSON or JSON Lines file saved as UTF-8 text.';

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Checks the first bytes of a file (`head`, at most TEXT_CHECK_BYTES; `whole` when that is the entire file, so a
 * character cut at the end of `head` is an error rather than the rest of a character that follows).
 */
export function checkTextBytes(head: Uint8Array, format: SourceFormat, whole: boolean): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw notText(format, 'it is UTF-16 text', 'Save it as UTF-8.');
  }
  const nul = head.indexOf(0);
  // Lines are counted on the lenient decoding: where the bytes are bad, it shows U+FFFD.
  const lenient = new TextDecoder('utf-8').decode(head.subarray(0, nul === -1 ? head.length : nul));
  if (nul !== -1) throw notText(format, `line ${lineAt(lenient, lenient.length)} holds a NUL byte`, BINARY_HINT);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
  } catch {
    throw notText(format, `line ${lineAt(lenient, lenient.indexOf('\uFFFD'))} holds bytes that are not UTF-8`, SAVE_AS_UTF8);
  }
}

/**
 * The same check for text already decoded by the editor: a NUL character, or U+FFFD where the editor could not
 * read the bytes as UTF-8.
 */
export function checkTextSample(text: string, format: SourceFormat): void {
  const sample = text.length > TEXT_CHECK_BYTES ? text.slice(0, TEXT_CHECK_BYTES) : text;
  const nul = sample.indexOf('\u0000');
  if (nul !== -1) throw notText(format, `line ${lineAt(sample, nul)} holds a NUL character`, BINARY_HINT);
  const unreadable = sample.indexOf('\uFFFD');
  if (unreadable !== -1) {
    throw notText(format, `line ${lineAt(sample, unreadable)} holds characters that could not be read as UTF-8 (shown as \uFFFD)`,
      'If it is text in another encoding, reopen it with that encoding (Reopen with Encoding) or save it as UTF-8.');
  }
}
