// Entry point for text the user has open in an editor: the whole document or a selection of it.
import { type ParsedTable, type ParseRowsOptions, type SourceFormat, toOneBasedLines } from './formats';
import { parseCsvText } from './parseCsv';
import { parseJsonLinesText, parseJsonText } from './parseJson';

/**
 * Reads rows from editor text. With a selection, the rows that start on a selected line (the CSV
 * header still comes from the first line); without one, the first `maxRows` rows (all when absent).
 * Throws RowsParseError naming the line (and column) of bad input, or saying that there are no rows.
 */
export function parseRows(text: string, format: SourceFormat, options: ParseRowsOptions = {}): ParsedTable {
  const lines = options.selection ? toOneBasedLines(options.selection) : undefined;
  const maxRows = lines ? undefined : normalizeMaxRows(options.maxRows);
  switch (format) {
    case 'csv':
    case 'tsv':
      return parseCsvText(text, format === 'tsv', { lines, maxRows });
    case 'json':
      return parseJsonText(text, { lines, maxRows });
    case 'jsonl':
      return parseJsonLinesText(text, { lines, maxRows });
  }
}

export function normalizeMaxRows(maxRows: number | undefined): number | undefined {
  if (maxRows === undefined || !Number.isFinite(maxRows)) return undefined;
  return Math.max(1, Math.floor(maxRows));
}
