// How the product words an endpoint error and a range of rows, everywhere: notifications, logs, the
// exports and the results page. Pure and type-only in its imports, so that src/protocol can hand it to
// the webview (lint-enforced); the extension imports it from here.
import type { FabricErrorInfo } from '../fabric/types';

/** "HTTP 503 ServiceUnavailable", "HTTP 503", "ServiceUnavailable", or the kind ("timeout") when there is neither. */
export function errorHead(error: FabricErrorInfo | undefined): string {
  if (!error) return 'failed';
  return statusAndCode(error) || error.kind;
}

export interface DescribeErrorOptions {
  /** Name the kind ("timeout", "network") when there is no HTTP status and no code. Default true. */
  kind?: boolean;
  /** Append "(request id …)". Default true. */
  requestId?: boolean;
}

/** "HTTP 503 ServiceUnavailable: The model is busy (request id 1234)". */
export function describeError(error: FabricErrorInfo, options: DescribeErrorOptions = {}): string {
  const head = options.kind === false ? statusAndCode(error) : errorHead(error);
  const requestId = options.requestId !== false && error.requestId ? ` (request id ${error.requestId})` : '';
  return `${head ? `${head}: ` : ''}${error.message}${requestId}`;
}

function statusAndCode(error: FabricErrorInfo): string {
  return [error.status !== undefined ? `HTTP ${error.status}` : undefined, error.errorCode].filter(Boolean).join(' ');
}

/** A zero-based, end-exclusive range of rows (a batch). */
export interface RowSpan {
  startRow: number;
  endRow: number;
}

/** "3–7", or "3" for one: 1-based and inclusive. */
export function spanText(first: number, last: number): string {
  return first === last ? `${first}` : `${first}–${last}`;
}

/** "rows 3–7" or "row 3" (1-based, inclusive). */
export function rowsText(span: RowSpan): string {
  return `${span.endRow - span.startRow === 1 ? 'row' : 'rows'} ${spanText(span.startRow + 1, span.endRow)}`;
}

/** "lines 4–8" or "line 4": where the rows start in the source file; undefined when that is not known. */
export function linesText(span: RowSpan, rowLines: readonly number[] | undefined): string | undefined {
  const lines = lineSpan(span, rowLines);
  return lines && `${lines.first === lines.last ? 'line' : 'lines'} ${spanText(lines.first, lines.last)}`;
}

/** The first and last source line of the rows, when known. */
export function lineSpan(span: RowSpan, rowLines: readonly number[] | undefined): { first: number; last: number } | undefined {
  const first = rowLines?.[span.startRow];
  const last = rowLines?.[span.endRow - 1];
  return first === undefined || last === undefined ? undefined : { first, last };
}

/** "rows 101–200, lines 102–201", or only the rows when the source lines are not known. */
export function describeRows(span: RowSpan, rowLines?: readonly number[]): string {
  const lines = linesText(span, rowLines);
  return lines ? `${rowsText(span)}, ${lines}` : rowsText(span);
}
