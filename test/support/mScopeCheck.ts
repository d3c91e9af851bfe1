// Checks generated M for more than syntax, with the scope inspection of @microsoft/powerquery-language-services:
// every name must be declared in the document (or given as declared elsewhere) or be one of the standard-library
// functions below, no name may be declared twice, and every library call must have an argument count the
// function accepts. The library is ours: the name and arity of each standard function the generators use.
import * as PQLS from '@microsoft/powerquery-language-services';
import * as PQP from '@microsoft/powerquery-parser';
import { NoOpTraceManagerInstance } from '@microsoft/powerquery-parser/lib/powerquery-parser/common/trace';
import { mIdentifier, tokenizeM } from '../../src/core/mcode';

/** Standard-library names the generated M may use: [required arguments, all arguments]; null for a value. */
export const M_STANDARD_LIBRARY: Readonly<Record<string, readonly [number, number] | null>> = {
  'Binary.Buffer': [1, 1],
  'Comparer.OrdinalIgnoreCase': null,
  'Date.From': [1, 3],
  'DateTime.From': [1, 3],
  'DateTimeZone.RemoveZone': [1, 1],
  'DateTimeZone.SwitchZone': [2, 3],
  'Error.Record': [1, 4],
  'Function.InvokeAfter': [2, 2],
  'Int64.From': [1, 3],
  'Int64.Type': null,
  'Json.Document': [1, 2],
  'Json.FromValue': [1, 2],
  'List.Accumulate': [3, 3],
  'List.AllTrue': [1, 1],
  'List.Buffer': [1, 1],
  'List.Combine': [1, 1],
  'List.Contains': [2, 3],
  'List.Count': [1, 1],
  'List.Difference': [2, 3],
  'List.Generate': [3, 4],
  'List.IsEmpty': [1, 1],
  'List.Last': [1, 2],
  'List.Positions': [1, 1],
  'List.Split': [2, 2],
  'List.Transform': [2, 2],
  'Logical.From': [1, 2],
  'Number.From': [1, 2],
  'Number.Power': [2, 2],
  'Record.Field': [2, 2],
  'Record.FieldNames': [1, 1],
  'Record.FieldOrDefault': [2, 3],
  'Record.FieldValues': [1, 1],
  'Record.HasFields': [2, 2],
  'Table.AddColumn': [3, 4],
  'Table.AddIndexColumn': [2, 5],
  'Table.Buffer': [1, 2],
  'Table.ColumnNames': [1, 1],
  'Table.Combine': [1, 2],
  'Table.RemoveColumns': [2, 3],
  'Table.Split': [2, 2],
  'Table.ToRecords': [1, 1],
  'Text.Combine': [1, 2],
  'Text.From': [1, 2],
  'Text.FromBinary': [1, 2],
  'Text.Length': [1, 1],
  'Text.Range': [2, 3],
  'Text.Start': [2, 2],
  'Text.StartsWith': [2, 3],
  'Text.ToBinary': [1, 3],
  'Uri.BuildQueryString': [1, 1],
  'Uri.EscapeDataString': [1, 1],
  'Value.Metadata': [1, 1],
  'Variable.ValueOrDefault': [2, 2],
  'Web.Contents': [1, 2],
};

function librarySymbol(name: string, arity: readonly [number, number] | null): PQLS.LibrarySymbol.LibrarySymbol {
  const parameter = (index: number): PQLS.LibrarySymbol.LibrarySymbolFunctionParameter => ({
    name: `argument${index + 1}`, type: 'any', isRequired: index < arity![0], isNullable: true, caption: null, description: null,
    sampleValues: null, allowedValues: null, defaultValue: null, fields: null, enumNames: null, enumCaptions: null,
  });
  return {
    name,
    documentation: null,
    functionParameters: arity ? Array.from({ length: arity[1] }, (_, i) => parameter(i)) : null,
    completionItemKind: arity ? 3 : 21,
    isDataSource: name === 'Web.Contents',
    type: arity ? 'function' : 'any',
  };
}

function standardLibrary(): PQLS.Library.ILibrary {
  const symbols = Object.entries(M_STANDARD_LIBRARY).map(([name, arity]) => librarySymbol(name, arity));
  const created = PQLS.LibrarySymbolUtils.createLibrary(symbols, () => new Map(), undefined);
  if (!PQP.ResultUtils.isOk(created)) throw new Error(`The standard library definition is incomplete: ${JSON.stringify(created.error)}`);
  return created.value;
}

export interface MScopeProblem {
  code: string;
  message: string;
  /** 1-based line of the problem. */
  line: number;
}

/**
 * Unknown identifiers, duplicate identifiers and argument-count mismatches in `text`. `declaredElsewhere` are
 * names another document declares (the recommended queries, for the invocation step). Syntax errors are
 * reported as one problem.
 */
export async function checkMScope(text: string, declaredElsewhere: readonly string[] = []): Promise<MScopeProblem[]> {
  const library = standardLibrary();
  // The resolver is asked for the identifier as written, e.g. `#"Changed Type"`.
  const elsewhere = new Set([...declaredElsewhere, ...declaredElsewhere.map(mIdentifier)]);
  const withElsewhere: PQLS.Library.ILibrary = {
    ...library,
    externalTypeResolver: request => (request.kind === PQLS.ExternalType.ExternalTypeRequestKind.Value && elsewhere.has(request.identifierLiteral)
      ? PQP.Language.Type.AnyInstance : undefined),
  };
  const inspection = PQLS.InspectionUtils.inspectionSettings(PQP.DefaultSettings, { library: withElsewhere });
  const validation = PQLS.ValidationSettingsUtils.createValidationSettings(inspection, {
    checkUnknownIdentifiers: true, checkForDuplicateIdentifiers: true, checkInvokeExpressions: false, checkDiagnosticsOnParseError: true,
    source: 'mScopeCheck',
  });
  const analysis: PQLS.AnalysisSettings = {
    inspectionSettings: inspection, isWorkspaceCacheAllowed: false, initialCorrelationId: undefined, traceManager: NoOpTraceManagerInstance,
  };
  const result = await PQLS.validate(PQLS.textDocument('generated.pq', 1, text), analysis, validation);
  if (!PQP.ResultUtils.isOk(result)) throw new Error(`The scope check failed: ${result.error.message}`);
  const problems = (result.value?.diagnostics ?? []).map(d => ({ code: String(d.code), message: d.message, line: d.range.start.line + 1 }));
  return [...problems, ...arityProblems(text)];
}

/** Calls of a standard-library function with fewer or more arguments than it accepts. */
export function arityProblems(text: string): MScopeProblem[] {
  const tokens = tokenizeM(text);
  const problems: MScopeProblem[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const arity = M_STANDARD_LIBRARY[tokens[i].raw];
    if (tokens[i].kind !== 'identifier' || !arity || tokens[i + 1].raw !== '(') continue;
    let depth = 0;
    let commas = 0;
    let empty = true;
    for (let j = i + 1; j < tokens.length; j++) {
      const raw = tokens[j].raw;
      if (raw === '(' || raw === '[' || raw === '{') depth++;
      else if (raw === ')' || raw === ']' || raw === '}') depth--;
      else if (raw === ',' && depth === 1) commas++;
      if (j > i + 1 && depth > 0) empty = false;
      if (depth === 0) break;
    }
    const count = empty ? 0 : commas + 1;
    if (count < arity[0] || count > arity[1]) {
      const line = text.slice(0, tokens[i].start).split('\n').length;
      problems.push({ code: 'ArgumentCount', message: `${tokens[i].raw} takes ${arity[0]}–${arity[1]} arguments, not ${count}.`, line });
    }
  }
  return problems;
}
