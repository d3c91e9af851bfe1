// Public API of the rows pipeline: editor text or files → rows → values for an input signature.
export {
  formatFromFileName,
  type LineRange,
  type ParsedTable,
  type ParseRowsOptions,
  RowsParseError,
  type SourceFormat,
} from './formats';
export { parseRows } from './parseRows';
export { countDataRows, type FileLimits, type FileRowsOptions, parseRowsFromFile } from './streamFile';
export { coercerFor, coerceValue, CoercionError, signatureTypeFamily, type DateOrder, type TypeFamily } from './coerce';
export { MappingError, type MappedRows, mapToSignature, type MappingOptions, MAX_REPORTED_PROBLEMS, type RejectedRow } from './signatureMapping';
export { estimateDataRows, openRowStream, type RowStream, type RowStreamOptions, type SourceRow } from './rowStream';
