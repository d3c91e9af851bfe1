// The last gate before a model leaves the extension host (webview, webview state): every text that came
// from the wire or from an error goes through redact() again, and Authorization is always masked, even
// though the scoring engine already redacted them. Row values are the user's own data and are left as they are.
import type { BatchOutcome, HttpExchange } from '../fabric/types';
import { redact, redactHeaders } from '../redact';
import type { ResultsModel } from './model';

function redactExchange(exchange: HttpExchange): HttpExchange {
  return {
    ...exchange,
    url: redact(exchange.url),
    requestHeaders: redactHeaders(exchange.requestHeaders),
    requestBody: exchange.requestBody === undefined ? undefined : redact(exchange.requestBody),
    responseHeaders: exchange.responseHeaders === undefined ? undefined : redactHeaders(exchange.responseHeaders),
    responseBody: exchange.responseBody === undefined ? undefined : redact(exchange.responseBody),
  };
}

function redactBatch(batch: BatchOutcome): BatchOutcome {
  return {
    ...batch,
    error: batch.error && {
      ...batch.error,
      message: redact(batch.error.message),
      errorCode: batch.error.errorCode === undefined ? undefined : redact(batch.error.errorCode),
    },
    exchange: batch.exchange && redactExchange(batch.exchange),
  };
}

/** A copy of the model that is safe to post and persist. Row arrays are shared, not copied. */
export function redactResultsModel(model: ResultsModel): ResultsModel {
  return {
    ...model,
    endpoint: { ...model.endpoint, scoreUrl: redact(model.endpoint.scoreUrl), name: redact(model.endpoint.name) },
    source: { ...model.source, fileName: redact(model.source.fileName) },
    batches: model.batches.map(redactBatch),
    warnings: model.warnings.map(redact),
  };
}
