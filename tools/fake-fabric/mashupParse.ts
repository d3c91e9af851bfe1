// Reading M on the fake server with @microsoft/powerquery-parser: a section document's members, and the one
// shape "Verify M in Fabric" sends — an apply query `F(#"rows")` whose argument is a member holding a
// `#table(type table [...], {{...}})` literal. The fake does not evaluate M: anything else is not understood.
import * as PQP from '@microsoft/powerquery-parser';

type AstNode = { kind: string; [key: string]: unknown };

export interface SectionMember {
  name: string;
  value: AstNode;
}

export type ParsedSection = { members: SectionMember[] } | { error: string };

export async function parseSection(text: string): Promise<ParsedSection> {
  const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
  if (!PQP.TaskUtils.isParseStageOk(task)) {
    const error = 'error' in task ? (task.error as Error).message : 'the text is not M';
    return { error };
  }
  const ast = task.ast as unknown as AstNode;
  if (ast.kind !== 'Section') return { error: 'the document is not a section document (no "section Section1;").' };
  const members = elements(ast.sectionMembers).map(member => {
    const paired = member.namePairedExpression as AstNode;
    return { name: identifierName((paired.key as AstNode).literal as string), value: paired.value as AstNode };
  });
  return { members };
}

/** `#"My query"` → `My query`; a bare name as it is. */
export function identifierName(literal: string): string {
  return literal.startsWith('#"') ? literal.slice(2, -1).replace(/""/g, '"') : literal;
}

function elements(wrapper: unknown): AstNode[] {
  const list = (wrapper as { elements?: unknown[] } | undefined)?.elements ?? [];
  return list.map(e => ((e as AstNode).kind === 'Csv' ? ((e as AstNode).node as AstNode) : (e as AstNode)));
}

export interface TableLiteral {
  columns: string[];
  rows: unknown[][];
}

/** The invoked function's argument when `value` is `Name(#"Other")`: the referenced member's name. */
export function invokedWithMember(value: AstNode): string | undefined {
  if (value.kind !== 'RecursivePrimaryExpression') return undefined;
  const invoke = elements(value.recursiveExpressions)[0];
  if (invoke?.kind !== 'InvokeExpression') return undefined;
  const args = elements(invoke.content);
  if (args.length !== 1 || args[0].kind !== 'IdentifierExpression') return undefined;
  return identifierName((args[0].identifier as AstNode).literal as string);
}

/** The columns and rows of `#table(type table [...], {{...}, ...})` with literal values; undefined for anything else. */
export function tableLiteral(value: AstNode): TableLiteral | undefined {
  if (value.kind !== 'RecursivePrimaryExpression') return undefined;
  const head = value.head as AstNode;
  if (head.kind !== 'IdentifierExpression' || (head.identifier as AstNode).literal !== '#table') return undefined;
  const invoke = elements(value.recursiveExpressions)[0];
  const [type, list] = invoke?.kind === 'InvokeExpression' ? elements(invoke.content) : [];
  const rowType = type?.kind === 'TypePrimaryType' ? ((type.paired as AstNode).rowType as AstNode | undefined) : undefined;
  if (!rowType || list?.kind !== 'ListExpression') return undefined;
  const columns = elements(rowType.content).map(field => identifierName((field.name as AstNode).literal as string));
  const rows: unknown[][] = [];
  for (const row of elements(list.content)) {
    if (row.kind !== 'ListExpression') return undefined;
    const values = elements(row.content).map(literalValue);
    if (values.some(v => v === NOT_LITERAL) || values.length !== columns.length) return undefined;
    rows.push(values);
  }
  return { columns, rows };
}

const NOT_LITERAL = Symbol('not a literal');

function literalValue(node: AstNode): unknown {
  if (node.kind === 'UnaryExpression') {
    const negative = elements(node.operators).filter(o => o.constantKind === '-').length % 2 === 1;
    const inner = literalValue(node.typeExpression as AstNode);
    return typeof inner === 'number' ? (negative ? -inner : inner) : NOT_LITERAL;
  }
  if (node.kind !== 'LiteralExpression') return NOT_LITERAL;
  const raw = node.literal as string;
  switch (node.literalKind) {
    case 'Numeric': return Number(raw);
    case 'Text': return raw.slice(1, -1).replace(/""/g, '"');
    case 'Logical': return raw === 'true';
    case 'Null': return null;
    default: return NOT_LITERAL;
  }
}

/** The text value of a parameter member (`"2" meta [IsParameterQuery = true, …]`), if it is one. */
export function parameterText(value: AstNode): string | undefined {
  const literal = value.kind === 'MetadataExpression' ? (value.left as AstNode) : value;
  const text = literal && literalValue(literal);
  return typeof text === 'string' ? text : undefined;
}
