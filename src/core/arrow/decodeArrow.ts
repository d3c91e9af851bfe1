// Decodes the Apache Arrow body Fabric's executeQuery answers with into plain columns and rows, and finds an
// error the engine embedded in a 200 answer: a trailing column named "PQ Arrow Metadata" and/or schema metadata
// carrying {"Error": "<engine message>"} (reference §3). Such a column is never shown as data.
import { type DataType, type Field, tableFromIPC, Type } from 'apache-arrow';

/** The column Power Query adds to carry per-row evaluation metadata (errors) in an Arrow answer. */
export const PQ_METADATA_COLUMN = 'PQ Arrow Metadata';

export interface ArrowColumn {
  name: string;
  /** Arrow's type text (Float64, Utf8, Bool, Timestamp<MILLISECOND>, …). */
  type: string;
}

export interface DecodedTable {
  columns: ArrowColumn[];
  /** Values as JavaScript: numbers, strings, booleans, null; timestamps and dates as ISO text. */
  rows: unknown[][];
  /** The engine's error message when the answer carries one (then the rows are not a result). */
  embeddedError?: string;
}

export class ArrowDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArrowDecodeError';
  }
}

/**
 * Reads an Arrow IPC stream or file (tableFromIPC recognises the file format by its "ARROW1" magic, so both work
 * without guessing). Throws ArrowDecodeError when the bytes are neither.
 */
export function decodeArrow(bytes: Uint8Array): DecodedTable {
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ArrowDecodeError(`The answer is not an Apache Arrow stream or file (${bytes.length} bytes): ${error instanceof Error ? error.message : String(error)}.`);
  }
  const fields = table.schema.fields as Field[];
  const metadataIndex = fields.findIndex(f => f.name === PQ_METADATA_COLUMN);
  const dataIndexes = fields.map((_, i) => i).filter(i => i !== metadataIndex);
  const vectors = fields.map((_, i) => table.getChildAt(i));
  const rows: unknown[][] = [];
  let embeddedError = errorFromMetadata(table.schema.metadata);
  for (let r = 0; r < table.numRows; r++) {
    rows.push(dataIndexes.map(i => toPlain(vectors[i]?.get(r), fields[i].type)));
    if (embeddedError === undefined && metadataIndex >= 0) embeddedError = errorFromText(vectors[metadataIndex]?.get(r));
  }
  return { columns: dataIndexes.map(i => ({ name: fields[i].name, type: String(fields[i].type) })), rows, embeddedError };
}

/** An Arrow value as JSON-friendly JavaScript. */
function toPlain(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Timestamp:
    case Type.Date:
      return new Date(Number(value)).toISOString();
    case Type.Decimal:
      return Number(String(value));
    default:
      break;
  }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): unknown }).toJSON();
  return value;
}

function errorFromMetadata(metadata: Map<string, string>): string | undefined {
  for (const [key, value] of metadata) {
    const fromValue = errorFromText(value);
    if (fromValue !== undefined) return fromValue;
    if (/^error$/i.test(key) && value) return value;
  }
  return undefined;
}

/** `{"Error": "..."}` (any letter case of "Error", or nested under an object) → the message. */
function errorFromText(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text.includes('rror')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return findError(parsed, 0);
}

function findError(value: unknown, depth: number): string | undefined {
  if (!value || typeof value !== 'object' || depth > 3) return undefined;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (/^error$/i.test(key)) {
      if (typeof inner === 'string' && inner) return inner;
      if (inner && typeof inner === 'object') {
        const message = (inner as { Message?: unknown; message?: unknown }).Message ?? (inner as { message?: unknown }).message;
        return typeof message === 'string' && message ? message : JSON.stringify(inner);
      }
    }
    const nested = findError(inner, depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
