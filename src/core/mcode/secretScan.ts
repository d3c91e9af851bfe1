// Finds client secrets written as text in M code, the way Microsoft's how-to invites: a token body with
// `client_secret=…`, a binding or record field named like a secret bound to a text literal, the secret argument
// of CallMLEndpoint, or the default of a variable-library reference. Each finding carries the offsets of the
// literal and the M that should replace it. Messages never repeat the secret.
import { type MToken, mText, tokenizeM } from './mText';

/** The parameter a hard-coded secret should become. */
export const SECRET_PARAMETER = 'ClientSecret';

export type SecretFindingKind = 'tokenBodyText' | 'binding' | 'callArgument' | 'variableDefault';

export interface SecretFinding {
  kind: SecretFindingKind;
  /** Offsets of the text literal to replace (end exclusive). */
  start: number;
  end: number;
  /** The binding or field name the literal is bound to (kind `binding`). */
  name?: string;
  /** Why this is a problem and what to do; never contains the secret. */
  message: string;
  /** M text that replaces the literal. */
  replacement: string;
  /** Title of the quick fix, e.g. "Replace with parameter ClientSecret". */
  fixTitle: string;
}

export interface SecretScanOptions {
  /** Parameter name to suggest (default `ClientSecret`). */
  parameterName?: string;
  /** Variable library used when a parameter reference is impossible (default `FabricML`). */
  variableLibrary?: string;
}

// Values that are clearly not secrets: empty, <placeholder>, {placeholder}, $(…), "your-client-secret", xxx, ***.
const PLACEHOLDER = /^(?:|<[^>]*>|\{[^}]*\}|\[[^\]]*\]|\$\(.*\)|\$\{.*\}|your[\s_-]?.*|x{3,}|\*{3,}|\.{3}|…|placeholder|todo|changeme)$/i;
// Names that describe a secret rather than hold one (SecretName, client_secret_id, SecretUrl, …).
const DESCRIBES_SECRET = /secret[\s_.-]?(?:name|uri|url|path|label|version|id|kind|type|expiry|expires|date|length)$/i;
const BINDING_BEFORE = new Set([',', '[', ';', 'let', 'shared']);
const LITERAL_AFTER = new Set([',', ']', ';', ')', 'in', 'meta']);

function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDER.test(v) || /^https?:\/\//i.test(v);
}

const WHY = 'Anyone who can read this file or its history can call Fabric as the service principal.';

export function scanForSecrets(text: string, options: SecretScanOptions = {}): SecretFinding[] {
  const param = options.parameterName ?? SECRET_PARAMETER;
  const library = options.variableLibrary ?? 'FabricML';
  const libraryReference = `Variable.ValueOrDefault(${mText(`$(/**/${library}/${param})`)}, ${mText(`<set ${param} in the ${library} variable library>`)})`;
  const tokens = tokenizeM(text);
  const findings: SecretFinding[] = [];
  const seen = new Set<number>();
  const push = (f: SecretFinding) => {
    if (!seen.has(f.start)) {
      seen.add(f.start);
      findings.push(f);
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];

    // A literal token body: "client_id=…&client_secret=abc&grant_type=…".
    if (t.kind === 'text' && t.terminated) {
      const m = /\bclient_secret\s*=\s*/i.exec(t.value);
      if (m) {
        const valueStart = m.index + m[0].length;
        const rest = t.value.slice(valueStart);
        const valueLength = rest.search(/[&\s]|$/);
        const secret = rest.slice(0, valueLength);
        if (!isPlaceholder(secret)) {
          const before = t.value.slice(0, valueStart);
          const after = rest.slice(valueLength);
          push({
            kind: 'tokenBodyText',
            start: t.start,
            end: t.end,
            message: `Hard-coded client secret in a token request body. ${WHY} Build the body from a parameter (${param}), `
              + 'ideally with Uri.BuildQueryString, and rotate this secret.',
            replacement: `${mText(before)} & Uri.EscapeDataString(${param})${after ? ` & ${mText(after)}` : ''}`,
            fixTitle: `Replace with parameter ${param}`,
          });
        }
      }
    }

    // name = "literal" where the name says it is a secret (let binding, record field, section member).
    if ((t.kind === 'identifier' || t.kind === 'quotedIdentifier') && /secret/i.test(t.value) && !DESCRIBES_SECRET.test(t.value)) {
      const prev = tokens[i - 1];
      const eq = tokens[i + 1];
      const literal = tokens[i + 2];
      const next = tokens[i + 3];
      if ((prev === undefined || BINDING_BEFORE.has(prev.raw)) && eq?.raw === '=' && literal?.kind === 'text' && literal.terminated
        && (next === undefined || LITERAL_AFTER.has(next.raw)) && !isPlaceholder(literal.value)) {
        const isParameterQuery = next?.raw === 'meta';
        // `ClientSecret = ClientSecret` would refer to itself, so a binding of that very name gets a placeholder
        // (a parameter query, whose value belongs in Manage parameters) or a variable-library reference.
        const selfNamed = t.value === param;
        const replacement = !selfNamed ? param : isParameterQuery ? mText('<set in Manage parameters>') : libraryReference;
        push({
          kind: 'binding',
          start: literal.start,
          end: literal.end,
          name: t.value,
          message: `"${t.value}" holds a client secret as text. ${WHY} `
            + (selfNamed && isParameterQuery
              ? 'Keep a placeholder here and set the value in Dataflow Gen2 (Home > Manage parameters), then rotate this secret.'
              : `Use the parameter ${param} or a variable-library reference instead, and rotate this secret.`),
          replacement,
          fixTitle: !selfNamed ? `Replace with parameter ${param}` : isParameterQuery ? 'Replace with a placeholder' : 'Replace with a variable-library reference',
        });
      }
    }

    // CallMLEndpoint(endpointUrl, tenantId, clientId, "secret", inputData) — the how-to's signature.
    if (t.kind === 'identifier' && t.value === 'CallMLEndpoint' && tokens[i + 1]?.raw === '(') {
      const secretArgument = argumentTokens(tokens, i + 1)[3];
      if (secretArgument?.length === 1 && secretArgument[0].kind === 'text' && secretArgument[0].terminated && !isPlaceholder(secretArgument[0].value)) {
        push({
          kind: 'callArgument',
          start: secretArgument[0].start,
          end: secretArgument[0].end,
          message: `CallMLEndpoint receives its client secret as text. ${WHY} Pass the parameter ${param} instead, and rotate this secret.`,
          replacement: param,
          fixTitle: `Replace with parameter ${param}`,
        });
      }
    }

    // Variable.ValueOrDefault("$(/**/Library/ClientSecret)", "the real secret").
    if (t.kind === 'identifier' && (t.value === 'Variable.ValueOrDefault') && tokens[i + 1]?.raw === '(') {
      const args = argumentTokens(tokens, i + 1);
      const [reference, fallback] = [args[0], args[1]];
      if (reference?.length === 1 && reference[0].kind === 'text' && /secret/i.test(reference[0].value)
        && fallback?.length === 1 && fallback[0].kind === 'text' && fallback[0].terminated && !isPlaceholder(fallback[0].value)) {
        push({
          kind: 'variableDefault',
          start: fallback[0].start,
          end: fallback[0].end,
          message: `The default of this variable-library reference is a client secret written as text. ${WHY} Use a placeholder default and rotate this secret.`,
          replacement: mText('<set in the variable library>'),
          fixTitle: 'Replace with a placeholder',
        });
      }
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

/** The top-level arguments of a call whose `(` is at `open`, each as its tokens. */
function argumentTokens(tokens: MToken[], open: number): MToken[][] {
  const args: MToken[][] = [[]];
  let depth = 0;
  for (let j = open + 1; j < tokens.length; j++) {
    const raw = tokens[j].raw;
    if (raw === '(' || raw === '[' || raw === '{') depth++;
    else if (raw === ')' || raw === ']' || raw === '}') {
      if (depth === 0) return args;
      depth--;
    } else if (raw === ',' && depth === 0) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(tokens[j]);
  }
  return args;
}
