// Escaping of Power Query M text literals, identifiers and comments, and a small M tokenizer. Every value that
// comes from outside (column names, endpoint names, IDs) reaches generated M only through these functions, so a
// name with quotes, `#(`, line breaks or a keyword can neither break the code nor inject into it.
import type { EndpointRef } from '../endpoints/model';

/** M keywords (and the contextual words `optional`, `nullable`, `catch`), which must be quoted as identifiers. */
const M_RESERVED = new Set([
  'and', 'as', 'each', 'else', 'error', 'false', 'if', 'in', 'is', 'let', 'meta', 'not', 'null', 'or', 'otherwise',
  'section', 'shared', 'then', 'true', 'try', 'type', 'catch', 'optional', 'nullable',
]);

// M's regular identifier (spec: identifier-start-character, identifier-part-characters), without the dotted
// form: a dot in a column name is quoted so it can never be read as a library name like `Table.Split`.
const REGULAR_IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]*$/u;

const NAMED_ESCAPES: Record<string, string> = { '\r': '#(cr)', '\n': '#(lf)', '\t': '#(tab)' };

/** The body of an M text literal or quoted identifier (without the surrounding quotes). */
function escapeBody(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (ch === '"') out += '""';
    // `#(` starts an escape sequence in M; `#(#)` is the escape for a literal `#`.
    else if (ch === '#' && value[i + 1] === '(') out += '#(#)';
    else if (NAMED_ESCAPES[ch]) out += NAMED_ESCAPES[ch];
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) out += `#(${hex4(code)})`;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + value[i + 1];
        i++;
      } else {
        out += '#(FFFD)'; // a lone surrogate cannot be written to a UTF-8 file
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) out += '#(FFFD)';
    else out += ch;
  }
  return out;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** `value` as an M text literal: `"` doubled, control characters as `#(cr)`, `#(lf)`, `#(tab)` or `#(XXXX)`. */
export function mText(value: string): string {
  return `"${escapeBody(value)}"`;
}

/** True when `name` can be written bare as an M identifier (regular identifier, not a keyword). */
export function isBareIdentifier(name: string): boolean {
  return REGULAR_IDENTIFIER.test(name) && !M_RESERVED.has(name) && name !== '_';
}

/** `name` as an M identifier: bare when that is valid, else the quoted form `#"..."`. */
export function mIdentifier(name: string): string {
  return isBareIdentifier(name) ? name : `#${mText(name)}`;
}

/** A field access `[name]` on the current row (inside `each`). */
export function mFieldAccess(name: string): string {
  return `[${mIdentifier(name)}]`;
}

/** Text safe inside a `//` comment: line breaks (which would end the comment) become spaces. */
export function mCommentText(text: string): string {
  return text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/**
 * A PascalCase identifier made from a display name (`churn-model` → `ChurnModel`), for query names.
 * Falls back to `fallback` when nothing usable is left; a leading digit gets the fallback as prefix.
 */
export function pascalIdentifier(name: string, fallback: string): string {
  const words = name.split(/[^\p{L}\p{Nd}]+/u).filter(Boolean);
  let out = words.map(w => w[0].toUpperCase() + w.slice(1)).join('');
  if (!out) return fallback;
  if (/^\p{Nd}/u.test(out)) out = fallback + out;
  return isBareIdentifier(out) ? out : fallback;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer: enough of M's lexical grammar to find text literals, identifiers and punctuation while skipping
// comments. Used by the secret scan and to detect a `section` header; it never throws.

export type MTokenKind = 'text' | 'identifier' | 'quotedIdentifier' | 'keyword' | 'number' | 'punct' | 'other';

export interface MToken {
  kind: MTokenKind;
  /** Offsets into the source text; `end` is exclusive. */
  start: number;
  end: number;
  /** The source text of the token. */
  raw: string;
  /** For text literals and quoted identifiers: the unescaped value. For others: the raw text. */
  value: string;
  /** False for a text literal or quoted identifier that runs to the end of the document. */
  terminated: boolean;
}

// Sticky patterns (matched at lastIndex) keep the tokenizer linear without slicing the text.
const IDENTIFIER_AT = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]*(?:\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]*)*/uy;
const NUMBER_AT = /0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
const HASH_KEYWORD_AT = /#[a-z]+/iy;
const LINE_COMMENT_AT = /\/\/[^\r\n\u0085\u2028\u2029]*/y;
const WHITESPACE_AT = /[\s\uFEFF]+/uy;

function matchAt(re: RegExp, text: string, index: number): string | undefined {
  re.lastIndex = index;
  return re.exec(text)?.[0];
}

// Longest first, so that `...` wins over `..`.
const PUNCT = ['...', '=>', '<=', '>=', '<>', '..', '??'];

/** Splits M source into tokens, dropping whitespace and comments. */
export function tokenizeM(text: string): MToken[] {
  const tokens: MToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    const space = matchAt(WHITESPACE_AT, text, i);
    if (space) {
      i += space.length;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      i += (matchAt(LINE_COMMENT_AT, text, i) ?? '//').length;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (ch === '"' || (ch === '#' && text[i + 1] === '"')) {
      const start = i;
      const quote = ch === '"' ? i : i + 1;
      const { end, terminated } = scanQuoted(text, quote);
      const raw = text.slice(start, end);
      const body = raw.slice(quote - start + 1, terminated ? raw.length - 1 : raw.length);
      tokens.push({ kind: ch === '"' ? 'text' : 'quotedIdentifier', start, end, raw, value: unescapeBody(body), terminated });
      i = end;
      continue;
    }
    if (ch === '#' && /[a-z]/i.test(text[i + 1] ?? '')) {
      const raw = matchAt(HASH_KEYWORD_AT, text, i) ?? '#';
      tokens.push({ kind: 'keyword', start: i, end: i + raw.length, raw, value: raw, terminated: true });
      i += raw.length;
      continue;
    }
    const ident = matchAt(IDENTIFIER_AT, text, i);
    if (ident) {
      const raw = ident;
      const kind: MTokenKind = M_RESERVED.has(raw) && !['optional', 'nullable'].includes(raw) ? 'keyword' : 'identifier';
      tokens.push({ kind, start: i, end: i + raw.length, raw, value: raw, terminated: true });
      i += raw.length;
      continue;
    }
    const num = matchAt(NUMBER_AT, text, i);
    if (num) {
      tokens.push({ kind: 'number', start: i, end: i + num.length, raw: num, value: num, terminated: true });
      i += num.length;
      continue;
    }
    const punct = PUNCT.find(p => text.startsWith(p, i));
    const raw = punct ?? ch;
    tokens.push({ kind: /[[\](){},;=&<>+\-*/!?]/.test(raw[0]) ? 'punct' : 'other', start: i, end: i + raw.length, raw, value: raw, terminated: true });
    i += raw.length;
  }
  return tokens;
}

/** From the opening quote at `quote`, finds the end of a quoted token (`""` is an escaped quote). */
function scanQuoted(text: string, quote: number): { end: number; terminated: boolean } {
  let i = quote + 1;
  while (i < text.length) {
    if (text[i] === '"') {
      if (text[i + 1] === '"') {
        i += 2;
        continue;
      }
      return { end: i + 1, terminated: true };
    }
    i++;
  }
  return { end: text.length, terminated: false };
}

const NAMED_UNESCAPES: Record<string, string> = { cr: '\r', lf: '\n', tab: '\t', '#': '#' };

/** The value of a text literal body: `""` → `"`, `#(lf)` / `#(000A)` / `#(cr,lf)` → characters. */
export function unescapeBody(body: string): string {
  return body.replace(/""/g, '"').replace(/#\(([^)]*)\)/g, (whole, inner: string) => {
    const parts = inner.split(',').map(p => p.trim());
    let out = '';
    for (const part of parts) {
      if (NAMED_UNESCAPES[part.toLowerCase()] !== undefined && part !== '') out += NAMED_UNESCAPES[part.toLowerCase()];
      else if (/^[0-9a-fA-F]{4}$|^[0-9a-fA-F]{8}$/.test(part)) out += String.fromCodePoint(parseInt(part, 16));
      else return whole;
    }
    return out;
  });
}

/** True when the first token of the document is `section`, i.e. it is a section document. */
export function isSectionDocument(text: string): boolean {
  const first = tokenizeM(text.slice(0, 4096))[0];
  return first !== undefined && first.kind === 'keyword' && first.raw === 'section';
}

// ---------------------------------------------------------------------------------------------------------------
// What every generator needs: the input shape, M types for Fabric signature types, and the literal base URLs.


export type MVariant = 'recommended' | 'compatible' | 'invocation';

export interface MColumn {
  name: string;
  /** Fabric signature type (double, long, boolean, string, datetime, …); absent when unknown. */
  type?: string;
}

export interface GenerateMInput {
  /** Display name of the endpoint; used in comments, messages and query names. */
  endpointName: string;
  /** Workspace, model and version of the endpoint; absent → placeholders. */
  ref?: EndpointRef;
  /** Entra authority host of the configured cloud, e.g. `https://login.microsoftonline.us`. */
  authorityHost?: string;
  /** Input columns in the order the model expects them (its input signature), or e.g. a CSV header. */
  inputColumns: MColumn[];
  /** Prediction columns (output signature); absent → one untyped `prediction` column. */
  outputColumns?: MColumn[];
  /** Rows per score request in the recommended variant (default 100). */
  batchSize?: number;
  /** The step or query whose rows are scored (invocation and the example apply query). */
  sourceStep?: string;
  /** Recommended variant: the client secret as a Dataflow parameter (default) or a variable-library reference. */
  secretSource?: 'parameter' | 'variableLibrary';
  /** Variable library name for `secretSource: 'variableLibrary'` (default `FabricML`). */
  variableLibrary?: string;
  /**
   * The M goes into a section document (`section X;` with `shared` members): the recommended variant leaves out
   * its `section` line, and the compatible and invocation variants become `shared` members.
   */
  intoSectionDocument?: boolean;
}

/** Thrown for input that cannot become valid M (duplicate column names, a bad batch size or authority). */
export class MGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MGenerationError';
  }
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_FABRIC_ORIGIN = 'https://api.fabric.microsoft.com';
export const FABRIC_SCOPE = 'https://api.fabric.microsoft.com/.default';
export const DEFAULT_BATCH_SIZE = 100;

export interface MTypeInfo {
  /** The M type expression, e.g. `type number`, `Int64.Type`. */
  type: string;
  /** The M conversion function applied to each value, e.g. `Number.From`; `(v) => v` when unknown. */
  convert: string;
  /** The primitive type name inside `type table [...]`. */
  primitive: string;
}

const DATETIME_CONVERT = '(value) => if value is datetimezone then DateTimeZone.RemoveZone(DateTimeZone.SwitchZone(value, 0)) else DateTime.From(value)';

/** The M type and conversion for a Fabric (MLflow) signature type. */
export function mTypeFor(fabricType: string | undefined): MTypeInfo {
  switch ((fabricType ?? '').trim().toLowerCase()) {
    case 'double': case 'float': case 'float32': case 'float64': case 'number': case 'decimal':
      return { type: 'type number', convert: 'Number.From', primitive: 'number' };
    case 'long': case 'int64': case 'integer': case 'int': case 'int32': case 'short': case 'int16':
      return { type: 'Int64.Type', convert: 'Int64.From', primitive: 'number' };
    case 'boolean': case 'bool':
      return { type: 'type logical', convert: 'Logical.From', primitive: 'logical' };
    case 'string': case 'str': case 'text':
      return { type: 'type text', convert: 'Text.From', primitive: 'text' };
    case 'datetime': case 'timestamp':
      // DateTime.From would turn a datetimezone into the machine's local time: take it in UTC instead.
      return { type: 'type datetime', convert: DATETIME_CONVERT, primitive: 'datetime' };
    case 'date':
      return { type: 'type date', convert: 'Date.From', primitive: 'date' };
    default:
      return { type: 'type any', convert: '(value) => value', primitive: 'any' };
  }
}

/** Literal Fabric host root (the base of every Web.Contents call) and the API path prefix, e.g. `v1`. */
export function fabricBase(ref: EndpointRef | undefined): { origin: string; apiPath: string } {
  if (!ref) return { origin: DEFAULT_FABRIC_ORIGIN, apiPath: 'v1' };
  let url: URL;
  try {
    url = new URL(ref.apiBase);
  } catch {
    throw new MGenerationError(`The endpoint's API base "${ref.apiBase}" is not a URL.`);
  }
  return { origin: url.origin, apiPath: url.pathname.replace(/^\/+|\/+$/g, '') || 'v1' };
}

/** The Entra authority host root as a literal base URL (scheme added when missing, path dropped). */
export function authorityBase(authorityHost: string | undefined): string {
  const text = (authorityHost ?? '').trim();
  if (!text) return DEFAULT_AUTHORITY_HOST;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).origin;
  } catch {
    throw new MGenerationError(`The authority host "${text}" is not a URL, e.g. ${DEFAULT_AUTHORITY_HOST}.`);
  }
}

/** Name of the recommended variant's scoring function for an endpoint (`churn-model` → `ScoreChurnModel`). */
/**
 * How a generated comment names the endpoint: `the Fabric ML endpoint "Churn"`, or, when none was chosen (the IDs
 * are placeholders), words that say so instead of a made-up name.
 */
export function endpointPhrase(input: { endpointName: string; ref?: unknown }): string {
  return input.ref ? `the Fabric ML endpoint "${mCommentText(input.endpointName)}"` : 'a Fabric ML endpoint (none chosen yet: fill in WorkspaceId, ModelId and ModelVersion)';
}

export function scoreFunctionName(endpointName: string): string {
  return `Score${pascalIdentifier(endpointName, 'Endpoint')}`;
}

/** Validated columns: names must be unique, since Power Query tables cannot hold two columns of one name. */
export function checkColumns(columns: readonly MColumn[], what: string): MColumn[] {
  const seen = new Set<string>();
  for (const [i, c] of columns.entries()) {
    if (typeof c?.name !== 'string') throw new MGenerationError(`${what} column ${i + 1} has no name.`);
    if (seen.has(c.name)) throw new MGenerationError(`${what} column "${c.name}" appears twice (columns ${[...seen].indexOf(c.name) + 1} and ${i + 1}); Power Query column names must be unique.`);
    seen.add(c.name);
  }
  return [...columns];
}

export function checkBatchSize(batchSize: number | undefined): number {
  const size = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 100000) throw new MGenerationError(`The batch size must be a whole number from 1 to 100000, not ${size}.`);
  return size;
}

/** `expression` as a section member `shared name = …;` (comments at its top stay above the member). */
export function asSectionMember(name: string, expression: string): string {
  const lines = expression.replace(/\s+$/, '').split('\n');
  const firstCode = lines.findIndex(l => !/^\s*(\/\/.*)?$/.test(l));
  return [...lines.slice(0, firstCode), `shared ${mIdentifier(name)} =`, ...lines.slice(firstCode).map(l => (l ? `    ${l}` : l))].join('\n') + ';\n';
}

/** An empty table typed with the given columns: a self-contained stand-in for the user's rows. */
export function emptyTypedTable(columns: readonly MColumn[]): string {
  if (columns.length === 0) return '#table({}, {})';
  return `#table(type table [${columns.map(c => `${mIdentifier(c.name)} = ${mTypeFor(c.type).primitive}`).join(', ')}], {})`;
}
