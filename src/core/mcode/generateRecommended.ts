// The recommended M for calling a Fabric ML endpoint from Dataflow Gen2: a set of named queries — parameter
// queries, a token function, a batch-scoring function with status handling and bounded retry, a scoring function
// that splits a table into buffered batches and joins typed prediction columns back, and an apply query. It never
// contains a secret: credentials are parameter (or variable-library) references with placeholder values.
import {
  endpointPhrase,
  type GenerateMInput, type MColumn, authorityBase, checkBatchSize, checkColumns, emptyTypedTable, FABRIC_SCOPE,
  fabricBase, mCommentText, mIdentifier, mText, mTypeFor, scoreFunctionName,
} from './mText';
import { type MQuery, renderMembers, renderSection } from './mQueries';

/** Status codes the generated M handles itself (fabric-and-m §3.2); 408/429/503/504 stay with the engine. */
export const MANUAL_STATUSES = '{400, 404, 409, 413, 500, 502}';
export const TOKEN_FUNCTION = 'GetFabricToken';
export const BATCH_FUNCTION = 'FabricScoreBatch';
const MAX_RETRIES = 3;
/**
 * Batches sent with one token. An Entra token lives 60–90 minutes; 50 batches at the 2-minute request timeout
 * are 100 minutes in the worst case but about 1–5 minutes at usual latencies, so a token is renewed long before
 * it expires and a short refresh still asks for one token.
 */
export const DEFAULT_BATCHES_PER_TOKEN = 50;

/** The parameter query form Dataflow Gen2 and Power BI use (`meta [IsParameterQuery = true, …]`). */
function parameter(name: string, value: string, type: 'Text' | 'Number', comment: string[] = [], required = true): MQuery {
  const meta = `meta [IsParameterQuery = true, Type = ${mText(type)}, IsParameterQueryRequired = ${required}]`;
  return { name, role: 'parameter', expression: [...comment.map(line => `// ${line}`), `${value} ${meta}`].join('\n') };
}

/** A parameter only the user can fill in (the credentials: the extension writes placeholders): a later insert keeps it. */
function userParameter(query: MQuery): MQuery {
  return { ...query, keepValue: true };
}

/** The recommended queries, in dependency order: parameters, functions, then the apply query. */
export function recommendedQueries(input: GenerateMInput): MQuery[] {
  const inputs = checkColumns(input.inputColumns ?? [], 'Input');
  const outputs = checkColumns(input.outputColumns?.length ? input.outputColumns : [{ name: 'prediction' }], 'Output');
  const batchSize = checkBatchSize(input.batchSize);
  const authority = authorityBase(input.authorityHost);
  const fabric = fabricBase(input.ref);
  const scoreFn = scoreFunctionName();
  const library = input.variableLibrary?.trim() || 'FabricML';
  const source = input.sourceStep ? mIdentifier(input.sourceStep) : emptyTypedTable(inputs);
  const connections = authority === fabric.origin ? `connection to ${authority}` : `connections to ${authority} and ${fabric.origin}`;

  const clientSecret: MQuery = input.secretSource === 'variableLibrary'
    ? {
      name: 'ClientSecret', role: 'parameter', expression: [
        `// The client secret comes from the variable library "${mCommentText(library)}" (Dataflow Gen2 with CI/CD, preview).`,
        '// WARNING: the variable library has no secret type: anyone who can read the library can read the secret.',
        '// The value resolves only at run time (not in the editor) and not through a gateway.',
        `Variable.ValueOrDefault(${mText(`$(/**/${library}/ClientSecret)`)}, ${mText(`<set ClientSecret in the ${library} variable library>`)})`,
      ].join('\n'),
    }
    : userParameter(parameter('ClientSecret', mText('<set in Manage parameters>'), 'Text', [
      'The client secret. A parameter\'s value is stored in plain text in the dataflow\'s mashup.pq: anyone who can',
      'edit the dataflow can read it, and with Git integration it is committed to the repository. Where Dataflow Gen2',
      'with CI/CD is available, the variable-library form keeps it out of mashup.pq (it is still readable there).',
      'Rotate the secret if it leaks.',
    ]));

  return [
    userParameter(parameter('TenantId', mText('<tenant-id>'), 'Text', [`Set in Dataflow Gen2 (Home > Manage parameters). Set the ${connections} to Anonymous (POST is anonymous-only).`])),
    userParameter(parameter('ClientId', mText('<client-id>'), 'Text')),
    clientSecret,
    parameter('WorkspaceId', mText(input.ref?.workspaceId ?? '<workspace-id>'), 'Text'),
    parameter('ModelId', mText(input.ref?.modelId ?? '<model-id>'), 'Text'),
    parameter('ModelVersion', mText(input.ref?.version ?? ''), 'Text', ['The model version to call; "" calls the model\'s default version.'], false),
    parameter('BatchSize', String(batchSize), 'Number', ['Rows per score request. Lower it if Fabric answers 202 (deferred) or 413 (too large), or requests time out.']),
    parameter('BatchesPerToken', String(DEFAULT_BATCHES_PER_TOKEN), 'Number', [
      `Batches sent with one Entra token. A token lives 60–90 minutes: ${DEFAULT_BATCHES_PER_TOKEN} batches take a few minutes at`,
      'usual latencies, so long refreshes renew the token in time. Lower it for slow endpoints.',
    ]),
    { name: TOKEN_FUNCTION, role: 'function', expression: tokenFunction(authority).join('\n') },
    { name: BATCH_FUNCTION, role: 'function', expression: batchFunction(fabric.origin).join('\n') },
    { name: scoreFn, role: 'function', expression: scoreFunction(input.endpointName, inputs, outputs, fabric.apiPath).join('\n') },
    {
      name: applyQueryName(input.endpointName),
      role: 'query',
      expression: [
        input.sourceStep
          ? `// The rows of ${mCommentText(input.sourceStep)} scored with ${mCommentText(input.endpointName)}.`
          : `// Example: replace the empty table with your query, or add ${scoreFn}(…) as the last step of the query that reads the rows.`,
        `${scoreFn}(${source})`,
      ].join('\n'),
    },
  ];
}

/** The name of the apply query (`churn-model predictions`). */
export function applyQueryName(endpointName: string): string {
  return `${endpointName} predictions`;
}

/** The `.pq` snippet for Power Query SDK users: the queries as one section document (or its members). */
export function generateRecommended(input: GenerateMInput): string {
  const queries = recommendedQueries(input);
  if (input.intoSectionDocument) return renderMembers(queries);
  return renderSection(queries, {
    sectionName: 'FabricML',
    leadingComment: [
      `${capitalize(endpointPhrase(input))}: score a table in batches from Dataflow Gen2.`,
      'Generated by the Fabric ML Endpoints extension (recommended variant):',
      '  - one Entra token per BatchesPerToken batches, BatchSize rows per request, `values` body in signature order;',
      '  - each batch is read once (buffered) and its predictions are joined back by position;',
      '  - literal base URLs with RelativePath, so the service can refresh it (a computed URL is a "dynamic data source");',
      '  - [AllowCombine = true]: scoring another query\'s table combines two sources, which the Formula.Firewall blocks otherwise.',
    ],
  });
}

function tokenFunction(authority: string): string[] {
  return [
    '// An Entra client-credentials token for the Fabric API. The scoring function asks for one per BatchesPerToken',
    '// batches; `renewal` > 0 makes the request a retry, so the engine cannot answer it with a cached (old) token.',
    '(tenantId as text, clientId as text, clientSecret as text, renewal as number) as text =>',
    '    let',
    `        Response = Web.Contents(${mText(authority)}, [`,
    '            RelativePath = Uri.EscapeDataString(tenantId) & "/oauth2/v2.0/token",',
    '            Headers = [#"Content-Type" = "application/x-www-form-urlencoded", Accept = "application/json"],',
    '            // Uri.BuildQueryString form-encodes each value, so a secret containing + & = arrives intact.',
    '            Content = Text.ToBinary(Uri.BuildQueryString([',
    '                client_id = clientId,',
    '                client_secret = clientSecret,',
    `                scope = ${mText(FABRIC_SCOPE)},`,
    '                grant_type = "client_credentials"',
    '            ])),',
    '            // 400: unknown tenant or client. A wrong or expired secret (401) cannot be handled outside custom',
    '            // connectors and shows as a credentials error: check it with "Fabric ML: Test Connection".',
    '            ManualStatusHandling = {400},',
    '            IsRetry = renewal > 0,',
    '            Timeout = #duration(0, 0, 0, 30)',
    '        ]),',
    '        Buffered = Binary.Buffer(Response),',
    '        Status = Value.Metadata(Response)[Response.Status],',
    '        Body = try Json.Document(Buffered) otherwise null,',
    '        Field = (name as text) as any => if Body is record then Record.FieldOrDefault(Body, name, null) else null,',
    '        Token =',
    '            if Status = 200 and Field("access_token") is text then Field("access_token")',
    '            else error Error.Record(',
    '                "FabricML.TokenRequestFailed",',
    '                "Entra ID refused the token request (HTTP " & Text.From(Status) & ", "',
    '                    & (if Field("error") is text then Field("error") else "no error code")',
    '                    & "). Check the TenantId and ClientId parameters.",',
    '                [Status = Status, Error = Field("error"), Description = Field("error_description")])',
    '    in',
    '        Token',
  ];
}

function batchFunction(origin: string): string[] {
  return [
    '// One score request for a batch of rows (each row a list of values in signature order). Returns one',
    '// prediction per row, in order, or raises an error that carries Fabric\'s errorCode and request id.',
    '(token as text, scorePath as text, rows as list) as list =>',
    '    let',
    `        MaxRetries = ${MAX_RETRIES},`,
    '        Body = Json.FromValue([formatType = "dataframe", orientation = "values", inputs = rows]),',
    '        Send = (attempt as number) as record =>',
    '            let',
    `                Response = Web.Contents(${mText(origin)}, [`,
    '                    RelativePath = scorePath,',
    '                    Headers = [#"Content-Type" = "application/json", Accept = "application/json", Authorization = "Bearer " & token],',
    '                    Content = Body,',
    '                    // Handled here; the engine itself retries 408, 429, 503 and 504 and honours Retry-After.',
    `                    ManualStatusHandling = ${MANUAL_STATUSES},`,
    '                    IsRetry = attempt > 0,',
    '                    // An endpoint with auto-sleep on starts slowly after 5 idle minutes.',
    '                    Timeout = #duration(0, 0, 2, 0)',
    '                ]),',
    '                Buffered = Binary.Buffer(Response),',
    '                Status = Value.Metadata(Response)[Response.Status]',
    '            in',
    '                [Attempt = attempt, Status = Status, Body = Buffered, Retry = List.Contains({500, 502}, Status)],',
    '        // Bounded retry of 500/502: up to MaxRetries more attempts after 1, 2 and 4 seconds.',
    '        Attempts = List.Generate(',
    '            () => Send(0),',
    '            (outcome) => outcome <> null,',
    '            (outcome) =>',
    '                if outcome[Retry] and outcome[Attempt] < MaxRetries then',
    '                    Function.InvokeAfter(() => Send(outcome[Attempt] + 1), #duration(0, 0, 0, Number.Power(2, outcome[Attempt])))',
    '                else',
    '                    null),',
    '        Final = List.Last(Attempts),',
    '        Parsed = try Json.Document(Final[Body]) otherwise null,',
    '        Field = (name as text) as any => if Parsed is record then Record.FieldOrDefault(Parsed, name, null) else null,',
    '        ErrorCode = if Field("errorCode") is text then Field("errorCode") else "HTTP" & Text.From(Final[Status]),',
    '        Detail = [',
    '            Status = Final[Status],',
    '            ErrorCode = ErrorCode,',
    '            Message = Field("message"),',
    '            RequestId = Field("requestId"),',
    '            Attempts = Final[Attempt] + 1,',
    '            Path = scorePath,',
    '            Rows = List.Count(rows),',
    '            Response = if Parsed <> null then Parsed else Text.Start(Text.FromBinary(Final[Body]), 1000)',
    '        ],',
    '        Predictions =',
    '            if Final[Status] = 200 and Field("predictions") is list then Field("predictions")',
    '            // 202: Fabric turned the request into a long-running operation, which Power Query cannot follow.',
    '            else if Final[Status] = 413 then error Error.Record(',
    '                "FabricML.BatchTooLarge",',
    '                "HTTP 413: the batch is too large for the endpoint: lower BatchSize (this batch has " & Text.From(List.Count(rows)) & " rows).",',
    '                Detail)',
    '            else if Final[Status] = 202 then error Error.Record(',
    '                "FabricML.ScoringDeferred",',
    '                "Fabric deferred this batch of " & Text.From(List.Count(rows)) & " rows (HTTP 202, long-running operation). "',
    '                    & "Lower the BatchSize parameter, turn auto-sleep off for the endpoint, or refresh again.",',
    '                Detail)',
    '            else error Error.Record(',
    '                "FabricML." & ErrorCode,',
    '                "The Fabric ML endpoint answered HTTP " & Text.From(Final[Status]) & " (" & ErrorCode & ")"',
    '                    & (if Field("message") is text then ": " & Field("message") else "")',
    '                    & (if Final[Attempt] > 0 then " after " & Text.From(Final[Attempt] + 1) & " attempts" else ""),',
    '                Detail),',
    '        Checked =',
    '            if List.Count(Predictions) = List.Count(rows) then Predictions',
    '            else error Error.Record(',
    '                "FabricML.PredictionCount",',
    '                "The endpoint returned " & Text.From(List.Count(Predictions)) & " predictions for " & Text.From(List.Count(rows)) & " rows.",',
    '                Detail)',
    '    in',
    '        Checked',
  ];
}

function columnRecord(c: MColumn): string {
  const t = mTypeFor(c.type);
  return `[Name = ${mText(c.name)}, Type = ${t.type}, Convert = ${t.convert}]`;
}

function scoreFunction(endpointName: string, inputs: MColumn[], outputs: MColumn[], apiPath: string): string[] {
  const inputList = inputs.length
    ? ['        InputColumns = {', ...inputs.map((c, i) => `            ${columnRecord(c)}${i < inputs.length - 1 ? ',' : ''}`), '        },']
    : [
      '        // The input signature is unknown: every column is sent, in table order. Check it against the model.',
      '        InputColumns = List.Transform(Table.ColumnNames(rows), (column) => [Name = column, Type = type any, Convert = (value) => value]),',
    ];
  const outputList = ['        OutputColumns = {', ...outputs.map((c, i) => `            ${columnRecord(c)}${i < outputs.length - 1 ? ',' : ''}`), '        },'];
  // Fabric spells the default-version path `mlModels` and every other path `mlmodels`.
  const workspaces = mText(`${apiPath}/workspaces/`);
  const versionPath = `${workspaces} & WorkspaceId & "/mlmodels/" & ModelId & "/endpoint/versions/" & Uri.EscapeDataString(ModelVersion) & "/score"`;
  const defaultPath = `${workspaces} & WorkspaceId & "/mlModels/" & ModelId & "/endpoint/score"`;
  return [
    `// Scores every row of a table with ${mCommentText(endpointName)} and adds the prediction columns`,
    `// ${outputs.map(o => `${mCommentText(o.name)} (${mTypeFor(o.type).type.replace(/^type /, '')})`).join(', ')}. A column that already exists gets " (predicted)" appended.`,
    '(rows as table) as table =>',
    '    let',
    '        // Input columns in the order of the model\'s input signature: the `values` body is positional.',
    ...inputList,
    ...outputList,
    '        InputNames = List.Transform(InputColumns, (column) => column[Name]),',
    '        Missing = List.Difference(InputNames, Table.ColumnNames(rows)),',
    '        Checked =',
    '            if List.IsEmpty(Missing) then rows',
    '            else error Error.Record(',
    '                "FabricML.MissingColumns",',
    `                "The table lacks the column(s) " & Text.Combine(Missing, ", ") & ${mText(` that ${endpointName} expects.`)},`,
    '                [Expected = InputNames, Found = Table.ColumnNames(rows)]),',
    '        ScorePath =',
    `            if ModelVersion = null or ModelVersion = "" then ${defaultPath}`,
    `            else ${versionPath},`,
    '        ToValues = (batch as table) as list =>',
    '            List.Transform(Table.ToRecords(batch), (row) => List.Transform(InputColumns, (column) => column[Convert](Record.Field(row, column[Name])))),',
    '        // A single prediction (or a one-element list) becomes a scalar, so every output column is typed and loadable.',
    '        Cell = (prediction as any, position as number) as any =>',
    '            if prediction is list then prediction{position}? else if position = 0 then prediction else null,',
    '        OutputNames = List.Transform(OutputColumns, (column) =>',
    '            if List.Contains(Table.ColumnNames(Checked), column[Name]) then column[Name] & " (predicted)" else column[Name]),',
    '        // `batch` is buffered: its row positions are the positions of the rows sent.',
    '        AddOutputs = (batch as table, predictions as list) as table =>',
    '            let',
    '                Indexed = Table.AddIndexColumn(batch, "FabricML.Row", 0, 1),',
    '                WithOutputs = List.Accumulate(List.Positions(OutputColumns), Indexed, (current, position) =>',
    '                    Table.AddColumn(',
    '                        current,',
    '                        OutputNames{position},',
    '                        (row) => OutputColumns{position}[Convert](Cell(predictions{row[#"FabricML.Row"]}, position)),',
    '                        OutputColumns{position}[Type]))',
    '            in',
    '                Table.RemoveColumns(WithOutputs, {"FabricML.Row"}),',
    '        // Each batch is read once: the request body and the joined predictions come from the same buffered rows,',
    '        // so a source without a stable order cannot attach a prediction to another row.',
    '        ScoreBatch = (batch as table, token as text) as table =>',
    '            let',
    '                Rows = Table.Buffer(batch),',
    `                Predictions = List.Buffer(${BATCH_FUNCTION}(token, ScorePath, ToValues(Rows)))`,
    '            in',
    '                AddOutputs(Rows, Predictions),',
    '        Batches = Table.Split(Checked, BatchSize),',
    '        // One token per BatchesPerToken batches: a long refresh renews it before it expires (60–90 minutes).',
    '        Groups = List.Split(Batches, BatchesPerToken),',
    '        Scored = List.Combine(List.Transform(List.Positions(Groups), (group) =>',
    '            let',
    `                Token = ${TOKEN_FUNCTION}(TenantId, ClientId, ClientSecret, group)`,
    '            in',
    '                List.Transform(Groups{group}, (batch) => ScoreBatch(batch, Token)))),',
    '        Result = if List.IsEmpty(Scored) then AddOutputs(Checked, {}) else Table.Combine(Scored)',
    '    in',
    '        Result',
  ];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
