// The product's wording of an endpoint error and of a range of rows, for the webview: the same pure
// helpers the extension uses for notifications and exports (src/core/text, the one module of core the
// protocol may hand on, lint-enforced), so the page and the rest of the product cannot drift apart.
export { describeError, describeRows, errorHead, lineSpan, linesText, rowsText, spanText, type RowSpan } from '../core/text';
