// Entry point for text the user has open in an editor: the whole document or a selection of it.
import { type ParsedTable, type ParseRowsOptions, type SourceFormat, toOneBasedLines } from './formats';
import { parseCsvText } from './parseCsv';
import { parseJsonLinesText, parseJsonText } from './parseJson';
import { checkTextSample } from './textCheck';

/**
 * Reads rows from editor text. With a selection, the rows that start on a selected line (the CSV
 * header still comes from the first line); without one, the first `maxRows` rows (all when absent).
 * Throws RowsParseError naming the line (and column) of bad input, saying that there are no rows, that the text
 * is not text (binary content) or that a record is over the size limit.
 */
export function parseRows(text: string, format: SourceFormat, options: ParseRowsOptions = {}): ParsedTable {
  checkTextSample(text, format);
  const lines = options.selection ? toOneBasedLines(options.selection) : undefined;
  const maxRows = lines ? undefined : normalizeMaxRows(options.maxRows);
  const { maxRecordBytes } = options;
  switch (format) {
    case 'csv':
    case 'tsv':
      return parseCsvText(text, format === 'tsv', { lines, maxRows, maxRecordBytes });
    case 'json':
      return parseJsonText(text, { lines, maxRows, maxRecordBytes });
    case 'jsonl':
      return parseJsonLinesText(text, { lines, maxRows, maxRecordBytes });
  }
}

export function normalizeMaxRows(maxRows: number | undefined): number | undefined {
  if (maxRows === undefined || !Number.isFinite(maxRows)) return undefined;
  return Math.max(1, Math.floor(maxRows));
}
