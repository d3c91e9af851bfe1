// "Verify M in Fabric": the custom mashup document sent to executeQuery. It is the dataflow's own saved mashup
// (so its parameters keep the values set in Fabric, and nothing secret comes from here) with the selected rows
// added as a `#table` literal query and the generated apply query scoring that table. Missing generated queries
// are added; existing ones other than the apply query are left as the dataflow has them.
import { insertQueriesIntoMashup, memberNames } from '../dataflow';
import { type MColumn, mIdentifier, mText, mTypeFor } from '../mcode/mText';
import type { MQuery } from '../mcode/mQueries';

/** The query holding the verified rows. */
export const VERIFY_ROWS_QUERY = 'Fabric ML verify rows';

/** An M literal for a row value read from a CSV/JSON file and mapped to the signature. */
export function mLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '#nan';
    if (!Number.isFinite(value)) return value > 0 ? '#infinity' : '-#infinity';
    return Object.is(value, -0) ? '0' : String(value);
  }
  return mText(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The rows as `#table(type table [...], {{...}, ...})`; datetime columns stay text for the scoring function to convert. */
export function verifyRowsQuery(columns: readonly MColumn[], rows: ReadonlyArray<ReadonlyArray<unknown>>): MQuery {
  const type = columns.map(c => {
    const primitive = mTypeFor(c.type).primitive;
    return `${mIdentifier(c.name)} = ${primitive === 'any' || primitive === 'datetime' || primitive === 'date' ? 'any' : `nullable ${primitive}`}`;
  });
  const body = rows.map(row => `    {${columns.map((_, i) => mLiteral(row[i])).join(', ')}}`);
  return {
    name: VERIFY_ROWS_QUERY,
    role: 'query',
    expression: [`// ${rows.length} rows selected in VS Code, scored by the generated apply query.`, `#table(type table [${type.join(', ')}], {`, body.join(',\n'), '})'].join('\n'),
  };
}

export interface VerifyDocument {
  document: string;
  /** The query executeQuery runs: the generated apply query, now scoring the verify rows. */
  queryName: string;
}

/**
 * `savedMashup` with the verify rows and the generated queries. `scoringQueries` must have been generated with
 * `sourceStep: VERIFY_ROWS_QUERY`; its last query is the apply query.
 */
export function buildVerifyDocument(savedMashup: string, scoringQueries: readonly MQuery[], rowsQuery: MQuery): VerifyDocument {
  const apply = scoringQueries[scoringQueries.length - 1];
  const present = new Set(memberNames(savedMashup));
  const queries = [rowsQuery, ...scoringQueries.filter(q => q === apply || !present.has(q.name))];
  return { document: insertQueriesIntoMashup(savedMashup, queries).text, queryName: apply.name };
}
