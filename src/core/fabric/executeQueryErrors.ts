// What a failed executeQuery means for the user. Fabric answers a failed evaluation with ErrorResponse
// `DataflowExecuteQueryError` and an inner code in its message (reference §3): each gets its own message and what
// to do. An error embedded in a 200 answer and an answer that is not Arrow are reasons of their own.
import { FabricError } from './fabricError';
import type { FabricErrorInfo, HttpExchange } from './types';

export type ExecuteQueryFailure =
  | 'queryNotFound' | 'documentDoesNotParse' | 'timedOut' | 'connectionMissing' | 'embeddedError' | 'notArrow' | 'throttled' | 'other';

/** Fabric's limit on one executeQuery evaluation. */
export const EXECUTE_QUERY_LIMIT_SECONDS = 90;

export const PRECONDITIONS =
  'executeQuery cannot take credentials: the dataflow must have a connection bound for every source the M touches. For the ' +
  'scoring queries these are two Web connections with Anonymous authentication, one for the Entra host and one for ' +
  'https://api.fabric.microsoft.com, set up once in the dataflow (open it in Fabric and choose "Configure connection"). ' +
  'A dataflow that was never refreshed may also refuse evaluation: refresh it once in Fabric.';

export class ExecuteQueryError extends FabricError {
  constructor(readonly reason: ExecuteQueryFailure, info: FabricErrorInfo, exchange?: HttpExchange, cause?: unknown) {
    super(info, { exchange, attempts: 1, cause });
    this.name = 'ExecuteQueryError';
  }
}

/** An executeQuery failure thrown by the client, as an ExecuteQueryError with its reason and advice. */
export function explainExecuteQueryError(error: unknown, request: { queryName: string; customMashupDocument?: string }): unknown {
  if (!(error instanceof FabricError) || error instanceof ExecuteQueryError || error.kind === 'aborted' || error.kind === 'hostNotAllowed' || error.kind === 'auth') return error;
  const info = error.info;
  const text = `${info.errorCode ?? ''} ${info.message}`;
  const where = request.customMashupDocument === undefined ? 'the saved dataflow' : 'the document sent';
  const rewrap = (reason: ExecuteQueryFailure, message: string) =>
    new ExecuteQueryError(reason, { ...info, message }, error.exchange, error);
  if (info.status === 429 || /Still throttled|Throttled:/.test(info.message)) return rewrap('throttled', `${info.message} Fabric limits how often executeQuery runs; try again in a minute.`);
  // Only Fabric's own ErrorResponse (it has an errorCode) is read for inner codes; network and timeout errors stay as they are.
  if (!info.errorCode) return error;
  if (/QueryNotFound|RewriteDocumentFailed/i.test(text)) return rewrap('queryNotFound', `Fabric found no query "${request.queryName}" in ${where}. Check the query name (it is case-sensitive) or deploy the queries first. (${innerCode(text)})`);
  if (/ReinterpretRequestFailed/i.test(text)) return rewrap('documentDoesNotParse', `Fabric could not read the M document: it does not parse as a section document. Fix the syntax and run again. (${innerCode(text)}: ${info.message})`);
  if (/TimedOut|Timeout/i.test(text) && /EvaluationError|DataflowExecuteQueryError/i.test(text)) {
    return rewrap('timedOut', `The query ran longer than the ${EXECUTE_QUERY_LIMIT_SECONDS} s Fabric allows one executeQuery evaluation. Run it on fewer rows (a smaller selection).`);
  }
  if (/credential|connection/i.test(text)) return rewrap('connectionMissing', `${info.message} ${PRECONDITIONS}`);
  if (info.errorCode === 'DataflowExecuteQueryError') return rewrap('other', `${info.message} ${PRECONDITIONS}`);
  return error;
}

function innerCode(text: string): string {
  return /(QueryNotFound|RewriteDocumentFailed|ReinterpretRequestFailed)/i.exec(text)?.[1] ?? 'DataflowExecuteQueryError';
}
