// The rows grid's columns as the user arranges them: which are pinned (kept at the left, sticky when the
// grid scrolls sideways), the order they are shown in, and what a screen reader says about each. Pure: no DOM,
// so the rules are unit-tested in plain Node.
import type { ResultsRunView } from '../src/protocol/results';

export type ColumnKind = 'rownum' | 'line' | 'prediction' | 'input';

/** A column of the rows grid in its natural order (#, Line, predictions, inputs). */
export interface ColumnRef {
  /** Stable across renders and re-runs: `#`, `line`, `prediction:<name>`, `input:<name>`. */
  key: string;
  kind: ColumnKind;
  name: string;
  /** Position in the model's prediction or input values; -1 for # and Line. */
  index: number;
}

/** At most this many columns stay pinned: pinned columns never scroll, so too many would leave no room. */
export const MAX_PINNED = 6;

export const ROW_NUMBER_KEY = '#';
export const LINE_KEY = 'line';

export function columnRefs(model: Pick<ResultsRunView, 'source' | 'inputColumns' | 'outputColumns'>): ColumnRef[] {
  const refs: ColumnRef[] = [{ key: ROW_NUMBER_KEY, kind: 'rownum', name: '#', index: -1 }];
  if (model.source.hasLines) refs.push({ key: LINE_KEY, kind: 'line', name: 'Line', index: -1 });
  // Predictions first: they are what the user came for.
  model.outputColumns.forEach((name, index) => refs.push({ key: `prediction:${name}`, kind: 'prediction', name, index }));
  model.inputColumns.forEach((name, index) => refs.push({ key: `input:${name}`, kind: 'input', name, index }));
  return refs;
}

// `id`, `customer_id`, `Customer ID`, `order-key`, `customerId`, `ID_number`: names that identify a row.
const ID_NAME = /(?:^|[_\-\s.])(?:id|key|identifier)$|^(?:id|key)(?:[_\-\s.]|$)/i;
const CAMEL_ID_NAME = /[a-z](?:Id|ID|Key)$/;

export function looksLikeId(name: string): boolean {
  const trimmed = name.trim();
  return ID_NAME.test(trimmed) || CAMEL_ID_NAME.test(trimmed);
}

/** Pinned unless the user says otherwise: #, Line, and the first input column that looks like an id. */
export function defaultPinned(model: Pick<ResultsRunView, 'source' | 'inputColumns' | 'outputColumns'>): string[] {
  const refs = columnRefs(model);
  const id = refs.find(r => r.kind === 'input' && looksLikeId(r.name));
  return refs.filter(r => r.kind === 'rownum' || r.kind === 'line' || r === id).map(r => r.key);
}

/** The order the grid shows: pinned columns first (in their natural order), then the others. */
export function displayOrder<T extends { key?: string }>(columns: readonly T[], pinned: readonly string[]): T[] {
  const isPinned = new Set(pinned);
  const pinnedHere = (c: T) => c.key !== undefined && isPinned.has(c.key);
  return [...columns.filter(pinnedHere), ...columns.filter(c => !pinnedHere(c))];
}

/**
 * Pins or unpins `key`. Returns the new list, or a reason when the column cannot be pinned; # is always
 * pinned (it says which row the user is on).
 */
export function togglePin(pinned: readonly string[], key: string): string[] | { refused: string } {
  if (key === ROW_NUMBER_KEY) return { refused: 'The row number column always stays pinned.' };
  if (pinned.includes(key)) return pinned.filter(k => k !== key);
  if (pinned.length >= MAX_PINNED) return { refused: `At most ${MAX_PINNED} columns can be pinned; unpin one first.` };
  return [...pinned, key];
}

/** What a column header says to a screen reader: its name, whether it is a prediction or an input, pinned. */
export function columnAccessibleName(ref: ColumnRef, pinned: boolean, inputType?: string | null): string {
  const what = ref.kind === 'prediction' ? 'prediction'
    : ref.kind === 'input' ? (inputType ? `input, sent as ${inputType}` : 'input')
      : ref.kind === 'line' ? 'source line' : 'row number';
  return `${ref.name}, ${what}${pinned ? ', pinned' : ''}`;
}
