// The how-to compatible CallMLEndpoint: the signature of Microsoft's "Call machine learning model endpoints
// from Dataflow Gen2" function, so existing custom columns keep working, with its defects fixed: a URL-encoded
// token body, literal base URLs with RelativePath, a request body with the required `inputs` field, and clear
// errors. The signature itself still means one token and one request per call (per row in a custom column).
import {
  type GenerateMInput, asSectionMember, authorityBase, checkColumns, FABRIC_SCOPE, fabricBase, mCommentText, mText, mTypeFor,
} from './mText';
import { MANUAL_STATUSES } from './generateRecommended';

export function generateCompatible(input: GenerateMInput): string {
  const inputs = checkColumns(input.inputColumns ?? [], 'Input');
  const authority = authorityBase(input.authorityHost);
  const fabric = fabricBase(input.ref);
  const fabricPrefix = `${fabric.origin}/`;
  const name = mCommentText(input.endpointName);
  const columnRecords = inputs.map(c => `[Name = ${mText(c.name)}, Convert = ${mTypeFor(c.type).convert}]`);
  const columnList = columnRecords.length === 0 ? ['{},']
    : columnRecords.length <= 2 ? [`{${columnRecords.join(', ')}},`]
      : ['{', ...columnRecords.map((r, i) => `                ${r}${i < columnRecords.length - 1 ? ',' : ''}`), '            },'];

  const text = [
    `// CallMLEndpoint for the Fabric ML endpoint "${name}", with the signature of Microsoft's how-to`,
    '// "Call machine learning model endpoints from Dataflow Gen2": CallMLEndpoint(endpointUrl, tenantId, clientId,',
    '// clientSecret, inputData). Pass the credentials as parameters (Home > Manage parameters), never as text.',
    '// Differences from the how-to:',
    '//   - the token body is form-encoded with Uri.BuildQueryString (a secret containing + & = no longer breaks it);',
    '//   - both Web.Contents calls use a literal base URL plus RelativePath, so the service can refresh the dataflow;',
    '//   - the score body is [formatType, orientation = "values", inputs = rows]: Fabric requires the `inputs` field;',
    '//   - errors carry Fabric\'s errorCode; a 202 (deferred, long-running) answer is reported instead of misread.',
    '// inputData: one row as a list of values (signature order) or a record, a list of rows, or a table.',
    '// Returns the response record; its `predictions` field holds one list of values per row.',
    '// Each call fetches a token and sends one request: for large tables use the recommended variant.',
    'let',
    '    CallMLEndpoint = (endpointUrl as text, tenantId as text, clientId as text, clientSecret as text, inputData as any) as record =>',
    '        let',
    '            // The service refreshes only Web.Contents calls whose URL is a literal; a URL built from a parameter is',
    '            // a "dynamic data source". So the Fabric host is a literal and the rest of endpointUrl (the part after',
    `            // ${fabricPrefix}, i.e. v1/workspaces/…/score) becomes the RelativePath.`,
    `            FabricPrefix = ${mText(fabricPrefix)},`,
    '            ScorePath =',
    '                if Text.StartsWith(endpointUrl, FabricPrefix, Comparer.OrdinalIgnoreCase) then Text.Range(endpointUrl, Text.Length(FabricPrefix))',
    '                else error Error.Record(',
    '                    "CallMLEndpoint.UnexpectedUrl",',
    '                    "endpointUrl must start with " & FabricPrefix & ": paste the score URL from the model\'s endpoint page in Fabric.",',
    '                    endpointUrl),',
    '            // Columns in the order of the model\'s input signature; used to order a record or table input.',
    `            InputColumns = ${columnList[0]}`,
    ...columnList.slice(1),
    '            RowValues = (row as record) as list =>',
    '                if List.IsEmpty(InputColumns) then Record.FieldValues(row)',
    '                else List.Transform(InputColumns, (column) => column[Convert](Record.FieldOrDefault(row, column[Name], null))),',
    '            Rows =',
    '                if inputData is table then List.Transform(Table.ToRecords(inputData), RowValues)',
    '                else if inputData is record then {RowValues(inputData)}',
    '                else if inputData is list and not List.IsEmpty(inputData) and List.AllTrue(List.Transform(inputData, (item) => item is list)) then inputData',
    '                else if inputData is list and List.AllTrue(List.Transform(inputData, (item) => item is record)) and not List.IsEmpty(inputData) then List.Transform(inputData, RowValues)',
    '                else if inputData is list then {inputData}',
    '                else error Error.Record("CallMLEndpoint.BadInput", "inputData must be a list of values, a record, a list of rows or a table.", inputData),',
    `            TokenResponse = Web.Contents(${mText(authority)}, [`,
    '                RelativePath = Uri.EscapeDataString(tenantId) & "/oauth2/v2.0/token",',
    '                Headers = [#"Content-Type" = "application/x-www-form-urlencoded", Accept = "application/json"],',
    '                Content = Text.ToBinary(Uri.BuildQueryString([',
    '                    client_id = clientId,',
    '                    client_secret = clientSecret,',
    `                    scope = ${mText(FABRIC_SCOPE)},`,
    '                    grant_type = "client_credentials"',
    '                ])),',
    '                // 400: unknown tenant or client. A wrong secret (401) shows as a credentials error instead.',
    '                ManualStatusHandling = {400}',
    '            ]),',
    '            TokenStatus = Value.Metadata(TokenResponse)[Response.Status],',
    '            TokenBody = try Json.Document(Binary.Buffer(TokenResponse)) otherwise null,',
    '            AccessToken =',
    '                if TokenStatus = 200 and TokenBody is record and Record.HasFields(TokenBody, "access_token") then TokenBody[access_token]',
    '                else error Error.Record(',
    '                    "CallMLEndpoint.TokenRequestFailed",',
    '                    "Entra ID refused the token request (HTTP " & Text.From(TokenStatus) & ", "',
    '                        & (if TokenBody is record then Text.From(Record.FieldOrDefault(TokenBody, "error", "no error code")) else "no error code") & ").",',
    '                    if TokenBody is record then Record.FieldOrDefault(TokenBody, "error_description", null) else null),',
    `            Response = Web.Contents(${mText(fabric.origin)}, [`,
    '                RelativePath = ScorePath,',
    '                Headers = [#"Content-Type" = "application/json", Accept = "application/json", Authorization = "Bearer " & AccessToken],',
    '                Content = Json.FromValue([formatType = "dataframe", orientation = "values", inputs = Rows]),',
    '                // Handled here; the engine itself retries 408, 429, 503 and 504 and honours Retry-After.',
    `                ManualStatusHandling = ${MANUAL_STATUSES},`,
    '                Timeout = #duration(0, 0, 2, 0)',
    '            ]),',
    '            Buffered = Binary.Buffer(Response),',
    '            Status = Value.Metadata(Response)[Response.Status],',
    '            Body = try Json.Document(Buffered) otherwise null,',
    '            ErrorCode = if Body is record and Record.FieldOrDefault(Body, "errorCode", null) is text then Body[errorCode] else "HTTP" & Text.From(Status),',
    '            Result =',
    '                if Status = 200 and Body is record and Record.HasFields(Body, "predictions") then Body',
    '                else if Status = 202 then error Error.Record(',
    '                    "CallMLEndpoint.ScoringDeferred",',
    '                    "Fabric deferred the request (HTTP 202, long-running operation), which Power Query cannot follow. Send fewer rows, turn auto-sleep off for the endpoint, or refresh again.",',
    '                    [Status = Status, Path = ScorePath])',
    '                else error Error.Record(',
    '                    "CallMLEndpoint." & ErrorCode,',
    '                    "The Fabric ML endpoint answered HTTP " & Text.From(Status) & " (" & ErrorCode & ")"',
    '                        & (if Body is record and Record.FieldOrDefault(Body, "message", null) is text then ": " & Body[message] else ""),',
    '                    [Status = Status, ErrorCode = ErrorCode, RequestId = if Body is record then Record.FieldOrDefault(Body, "requestId", null) else null, Path = ScorePath])',
    '        in',
    '            Result',
    'in',
    '    CallMLEndpoint',
    '',
  ].join('\n');
  return input.intoSectionDocument ? asSectionMember('CallMLEndpoint', text) : text;
}
