// The results webview's HTML shell. Strict CSP: nothing runs without this render's nonce, styles and
// fonts come only from the bundle folder (lit and vscode-elements style through constructable
// stylesheets, which CSP does not govern), and no 'unsafe-inline' anywhere. Kept free of `vscode` so
// that unit tests can render it.
import { randomBytes } from 'crypto';

export interface ResultsHtmlResources {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview/webview.js, webview.css and codicon.css. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
}

/** 128 random bits, base64: a fresh value for every render. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function resultsCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function resultsHtml(resources: ResultsHtmlResources): string {
  const nonce = createNonce();
  const attr = escapeAttribute;
  // The first script only records CSP violations: registered before the stylesheet links are processed,
  // it sees violations that a listener in the module bundle would miss. The bundle reports them.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(resultsCsp(resources.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script nonce="${attr(nonce)}">window.fabricMlCspViolations=[];document.addEventListener('securitypolicyviolation',function(e){window.fabricMlCspViolations.push(e.violatedDirective+' '+e.blockedURI);});</script>
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(resources.codiconUri)}">
<link rel="stylesheet" href="${attr(resources.styleUri)}">
<title>Scoring results</title>
</head>
<body>
<main id="app" class="app"><p class="waiting">Loading results…</p></main>
<script type="module" nonce="${attr(nonce)}" src="${attr(resources.scriptUri)}"></script>
</body>
</html>
`;
}
