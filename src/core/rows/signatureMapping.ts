// Maps parsed rows onto an endpoint's input signature: columns matched by name (case and surrounding
// whitespace ignored), put in signature order, values converted per type. Every problem is reported at
// once, so the user fixes the file in one pass.
import type { SignatureField } from '../endpoints/model';
import { type Coercer, CoercionError, coercerFor, quoteValue, type DateOrder } from './coerce';
import type { ParsedTable } from './formats';

export interface MappedRows {
  /** Signature names in signature order (or the table's columns when there is no signature). */
  columns: string[];
  /** One array per row, parallel to `columns` and to the table's `rowLines`. */
  rows: unknown[][];
  /** Columns of the file that the signature does not use. */
  ignoredColumns: string[];
  /** The file column each of `columns` was read from (undefined: not in the file, sent as null). */
  sourceColumns: Array<string | undefined>;
  /** The table's own warnings followed by the mapping's. */
  warnings: string[];
  /** With `skipInvalidRows`: the rows left out, with the first reason each one was refused (else empty). */
  rejected: RejectedRow[];
  /** With `skipInvalidRows`: the table indices of the rows in `rows` (else undefined: every row, in order). */
  keptRows?: number[];
}

/** A row whose values do not fit the input signature. */
export interface RejectedRow {
  /** Index in the table. */
  row: number;
  /** Source line (1-based). */
  line: number;
  column: string;
  reason: string;
}

/** The rows cannot be sent: required columns are missing or values do not fit their types. */
export class MappingError extends Error {
  /** Required signature columns the file does not have. */
  missingColumns: string[];
  /** One line per problem ("Line 12, column income: "abc" is not a double"), at most MAX_REPORTED_PROBLEMS. */
  problems: string[];
  /** All problems found, including those not listed in `problems`. */
  problemCount: number;
  /** Every row with a value that does not convert (the first problem of each), for diagnostics and skipping. */
  rejected: RejectedRow[];

  constructor(message: string, missingColumns: string[], problems: string[], problemCount = problems.length, rejected: RejectedRow[] = []) {
    super(message);
    this.name = 'MappingError';
    this.missingColumns = missingColumns;
    this.problems = problems;
    this.problemCount = problemCount;
    this.rejected = rejected;
  }
}

export const MAX_REPORTED_PROBLEMS = 20;
const MAX_LINES_IN_WARNING = 5;

function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Maps a table onto a signature. Without a signature (undefined or empty) the columns stay as they
 * are and values are unchanged (a key missing from a JSON row becomes null).
 * Throws MappingError listing every missing required column, or up to 20 values that do not convert.
 */
export interface MappingOptions {
  /** How numeric dates (10/03/2024) are read; 'iso' refuses them as ambiguous. */
  dateOrder?: DateOrder;
  /** Leave out rows whose values do not convert (listed in `rejected`) instead of refusing the whole table. */
  skipInvalidRows?: boolean;
}

export function mapToSignature(table: ParsedTable, signature: SignatureField[] | undefined, options: MappingOptions = {}): MappedRows {
  const warnings = [...table.warnings];
  if (!signature || signature.length === 0) {
    return { columns: [...table.columns], rows: rowsAsArrays(table), ignoredColumns: [], sourceColumns: [...table.columns], warnings, rejected: [] };
  }

  const sourceByField = matchColumns(table.columns, signature, warnings);
  const missingRequired = signature.filter((field, i) => field.required && sourceByField[i] === undefined).map((f) => f.name);
  if (missingRequired.length > 0) {
    const has = table.columns.length > 0 ? table.columns.join(', ') : 'no columns';
    throw new MappingError(
      `Missing required ${missingRequired.length === 1 ? 'column' : 'columns'}: ${missingRequired.join(', ')}. The file has: ${has}.`,
      missingRequired,
      [],
    );
  }
  signature.forEach((field, i) => {
    if (sourceByField[i] === undefined) warnings.push(`Optional column ${field.name} is not in the file; it is sent as null.`);
  });
  const used = new Set(sourceByField.filter((c): c is string => c !== undefined));
  const ignoredColumns = table.columns.filter((c) => !used.has(c));

  let dateOrderUsed = 0;
  const coerceOptions = { dateOrder: options.dateOrder, onDateOrderUsed: () => void dateOrderUsed++ };
  const coercers: Array<Coercer | undefined> = signature.map((field) => coercerFor(field.type, coerceOptions));
  const warnedTypes = new Set<string>();
  signature.forEach((field, i) => {
    const typeName = field.type.trim().toLowerCase();
    if (coercers[i] === undefined && !warnedTypes.has(typeName)) {
      warnedTypes.add(typeName);
      const columns = signature.filter((f) => f.type.trim().toLowerCase() === typeName).map((f) => f.name);
      warnings.push(`Type "${field.type}" (${columns.join(', ')}) is not converted; its values are sent as they are.`);
    }
  });

  const problems: string[] = [];
  const rejected: RejectedRow[] = [];
  let problemCount = 0;
  const nullLinesByField: number[][] = signature.map(() => []);
  const fieldCount = signature.length;
  const rows: unknown[][] = new Array<unknown[]>(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const source = table.rows[r];
    const out = new Array<unknown>(fieldCount);
    for (let f = 0; f < fieldCount; f++) {
      const key = sourceByField[f];
      const raw = key === undefined ? undefined : source[key];
      const coercer = coercers[f];
      let value: unknown;
      if (coercer === undefined) {
        value = raw === undefined || raw === '' ? null : raw;
      } else {
        try {
          value = coercer(raw);
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          problemCount++;
          if (problems.length < MAX_REPORTED_PROBLEMS) {
            problems.push(`Line ${table.rowLines[r]}, column ${signature[f].name}: ${error.message}`);
          }
          if (rejected[rejected.length - 1]?.row !== r) rejected.push({ row: r, line: table.rowLines[r], column: signature[f].name, reason: error.message });
          value = null;
        }
      }
      if (value === null && key !== undefined && signature[f].required) nullLinesByField[f].push(table.rowLines[r]);
      out[f] = value;
    }
    rows[r] = out;
  }

  let keptRows: number[] | undefined;
  let sent = rows;
  if (problemCount > 0 && !options.skipInvalidRows) {
    const more = problemCount > problems.length ? `\n… and ${problemCount - problems.length} more.` : '';
    const head = `${problemCount} ${problemCount === 1 ? 'value does' : 'values do'} not match the input signature:`;
    throw new MappingError(`${head}\n${problems.join('\n')}${more}`, [], problems, problemCount, rejected);
  }
  if (rejected.length > 0) {
    const refused = new Set(rejected.map(x => x.row));
    keptRows = [];
    const kept: unknown[][] = [];
    for (let r = 0; r < rows.length; r++) {
      if (refused.has(r)) continue;
      keptRows.push(r);
      kept.push(rows[r]);
    }
    sent = kept;
    warnings.push(`${rejected.length} ${rejected.length === 1 ? 'row was' : 'rows were'} not sent: ${rejected.length === 1 ? 'its values do' : 'their values do'} not fit the input signature.`);
  }

  if (dateOrderUsed > 0) {
    const form = options.dateOrder === 'dayFirst' ? 'day/month/year' : 'month/day/year';
    warnings.push(`${dateOrderUsed} ${dateOrderUsed === 1 ? 'date was' : 'dates were'} written like 10/03/2024 and read as ${form} (setting "fabricMl.scoring.dateFormat").`);
  }
  signature.forEach((field, f) => {
    const lines = nullLinesByField[f];
    if (lines.length === 0) return;
    const shown = lines.slice(0, MAX_LINES_IN_WARNING).join(', ');
    const suffix = lines.length > MAX_LINES_IN_WARNING ? ', …' : '';
    warnings.push(
      `Required column ${field.name} is empty in ${lines.length} ${lines.length === 1 ? 'row' : 'rows'} (${lines.length === 1 ? 'line' : 'lines'} ${shown}${suffix}).`,
    );
  });

  return { columns: signature.map((f) => f.name), rows: sent, ignoredColumns, sourceColumns: sourceByField, warnings, rejected, keptRows };
}

/**
 * For each signature field, the table column that feeds it. An exact-case match wins over another
 * column that differs only in case or surrounding spaces.
 */
function matchColumns(columns: string[], signature: SignatureField[], warnings: string[]): Array<string | undefined> {
  const byNormalized = new Map<string, string[]>();
  for (const column of columns) {
    const key = normalizeName(column);
    const list = byNormalized.get(key);
    if (list) list.push(column);
    else byNormalized.set(key, [column]);
  }
  return signature.map((field) => {
    const candidates = byNormalized.get(normalizeName(field.name));
    if (!candidates) return undefined;
    if (candidates.length === 1) return candidates[0];
    const chosen = candidates.find((c) => c === field.name) ?? candidates.find((c) => c.trim() === field.name) ?? candidates[0];
    warnings.push(`Columns ${candidates.map((c) => quoteValue(c)).join(' and ')} ${candidates.length === 2 ? 'both' : 'all'} match ${field.name}; using ${quoteValue(chosen)}.`);
    return chosen;
  });
}

function rowsAsArrays(table: ParsedTable): unknown[][] {
  const columns = table.columns;
  return table.rows.map((row) => columns.map((c) => (row[c] === undefined ? null : row[c])));
}
