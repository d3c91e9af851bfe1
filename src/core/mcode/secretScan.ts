// Finds client secrets written as text in M code, the way Microsoft's how-to invites: a token body with
// `client_secret=…`, a binding or record field named like a secret bound to a text literal, the secret argument
// of CallMLEndpoint, or the default of a variable-library reference. Each finding carries the offsets of the whole
// literal (or the `&`-joined literals) that holds the secret and the M that replaces it. Messages never repeat the secret.
import { type MToken, mText, tokenizeM } from './mText';

/** The parameter a hard-coded secret should become. */
export const SECRET_PARAMETER = 'ClientSecret';

export type SecretFindingKind = 'tokenBodyText' | 'binding' | 'callArgument' | 'variableDefault';

export interface SecretFinding {
  kind: SecretFindingKind;
  /** Offsets of the text literal, or of the literals joined by `&`, to replace (end exclusive). */
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

    // A literal token body, "client_id=…&client_secret=abc&grant_type=…", also when written as several literals
    // joined by `&` ("client_secret=" & "abc"). The whole chain is the finding, so the fix leaves no part behind.
    if (t.kind === 'text' && t.terminated && !continuesChain(tokens, i)) {
      const chain = literalChain(tokens, i);
      const parts = tokenBodyParts(chain.value);
      if (parts) {
        push({
          kind: 'tokenBodyText',
          start: chain.start,
          end: chain.end,
          message: `Hard-coded client secret in a token request body. ${WHY} Build the body from a parameter (${param}), `
            + 'ideally with Uri.BuildQueryString, and rotate this secret.',
          replacement: parts.map(part => (part.secret ? `Uri.EscapeDataString(${param})` : mText(part.text))).join(' & '),
          fixTitle: `Replace with parameter ${param}`,
        });
      }
    }

    // name = "literal" where the name says it is a secret (let binding, record field, section member).
    if ((t.kind === 'identifier' || t.kind === 'quotedIdentifier') && /secret/i.test(t.value) && !DESCRIBES_SECRET.test(t.value)) {
      const prev = tokens[i - 1];
      const eq = tokens[i + 1];
      const literal = tokens[i + 2]?.kind === 'text' && tokens[i + 2].terminated ? literalChain(tokens, i + 2) : undefined;
      const next = literal ? tokens[literal.last + 1] : undefined;
      if ((prev === undefined || BINDING_BEFORE.has(prev.raw)) && eq?.raw === '=' && literal
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
      const secretArgument = wholeLiteralChain(argumentTokens(tokens, i + 1)[3]);
      if (secretArgument && !isPlaceholder(secretArgument.value)) {
        push({
          kind: 'callArgument',
          start: secretArgument.start,
          end: secretArgument.end,
          message: `CallMLEndpoint receives its client secret as text. ${WHY} Pass the parameter ${param} instead, and rotate this secret.`,
          replacement: param,
          fixTitle: `Replace with parameter ${param}`,
        });
      }
    }

    // Variable.ValueOrDefault("$(/**/Library/ClientSecret)", "the real secret").
    if (t.kind === 'identifier' && (t.value === 'Variable.ValueOrDefault') && tokens[i + 1]?.raw === '(') {
      const args = argumentTokens(tokens, i + 1);
      const [reference, fallback] = [args[0], wholeLiteralChain(args[1])];
      if (reference?.length === 1 && reference[0].kind === 'text' && /secret/i.test(reference[0].value)
        && fallback && !isPlaceholder(fallback.value)) {
        push({
          kind: 'variableDefault',
          start: fallback.start,
          end: fallback.end,
          message: `The default of this variable-library reference is a client secret written as text. ${WHY} Use a placeholder default and rotate this secret.`,
          replacement: mText('<set in the variable library>'),
          fixTitle: 'Replace with a placeholder',
        });
      }
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

/** The edit the quick fix makes for one warning: replace [start, end) of the document with `newText`. */
export interface SecretFix {
  start: number;
  end: number;
  newText: string;
  title: string;
}

/**
 * The quick fix for the warning over [start, end) of `text`, computed from the text as it is now (the document may
 * have changed since the warning was made): undefined when no finding covers exactly that range any more.
 */
export function secretFixFor(text: string, range: { start: number; end: number }, findings = scanForSecrets(text)): SecretFix | undefined {
  const finding = findings.find(f => f.start === range.start && f.end === range.end);
  return finding && { start: finding.start, end: finding.end, newText: finding.replacement, title: finding.fixTitle };
}

/** Text literals joined by `&`, read as the one text they make. */
interface LiteralChain {
  /** Source offsets of the first literal's start and the last literal's end. */
  start: number;
  end: number;
  /** The concatenated value. */
  value: string;
  /** Index of the last literal token. */
  last: number;
}

/** The chain `"a" & "b" & …` of terminated text literals that starts at `tokens[first]` (itself such a literal). */
function literalChain(tokens: readonly MToken[], first: number): LiteralChain {
  let last = first;
  let value = tokens[first].value;
  while (tokens[last + 1]?.raw === '&' && tokens[last + 2]?.kind === 'text' && tokens[last + 2].terminated) {
    last += 2;
    value += tokens[last].value;
  }
  return { start: tokens[first].start, end: tokens[last].end, value, last };
}

/** True when `tokens[i]` is not the start of a chain but continues one (`"a" & "b"` at "b"). */
function continuesChain(tokens: readonly MToken[], i: number): boolean {
  return tokens[i - 1]?.raw === '&' && tokens[i - 2]?.kind === 'text' && tokens[i - 2].terminated;
}

/** The chain when an argument is made of literals joined by `&` and nothing else. */
function wholeLiteralChain(argument: readonly MToken[] | undefined): LiteralChain | undefined {
  if (!argument?.length || argument[0].kind !== 'text' || !argument[0].terminated) return undefined;
  const chain = literalChain(argument, 0);
  return chain.last === argument.length - 1 ? chain : undefined;
}

const CLIENT_SECRET_KEY = /\bclient_secret\s*=\s*/gi;
// A secret runs to the next form field (`&name=`): a space, a tab or an `&` without `name=` after it is part of it.
const NEXT_FORM_FIELD = /&[A-Za-z_][\w.-]*\s*=/g;

/**
 * A token request body cut into the text around every real `client_secret=` value and the values themselves, or
 * undefined when it holds none (only placeholders, or no such key).
 */
function tokenBodyParts(body: string): Array<{ text: string; secret: boolean }> | undefined {
  const parts: Array<{ text: string; secret: boolean }> = [];
  let kept = 0;
  CLIENT_SECRET_KEY.lastIndex = 0;
  for (let m = CLIENT_SECRET_KEY.exec(body); m; m = CLIENT_SECRET_KEY.exec(body)) {
    const valueStart = m.index + m[0].length;
    NEXT_FORM_FIELD.lastIndex = valueStart;
    const valueEnd = NEXT_FORM_FIELD.exec(body)?.index ?? body.length;
    CLIENT_SECRET_KEY.lastIndex = valueEnd;
    if (isPlaceholder(body.slice(valueStart, valueEnd))) continue;
    parts.push({ text: body.slice(kept, valueStart), secret: false }, { text: '', secret: true });
    kept = valueEnd;
  }
  if (parts.length === 0) return undefined;
  if (kept < body.length) parts.push({ text: body.slice(kept), secret: false });
  return parts.filter(part => part.secret || part.text !== '');
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
