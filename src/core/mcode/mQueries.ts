// The generator's main product: a set of named queries (parameters, functions, the apply query), each with its
// role, rendered three ways: as the section document a Dataflow Gen2 keeps in `mashup.pq`, as the expression of
// one query for the advanced editor, and as the `.pq` snippet for Power Query SDK users.
import { mIdentifier } from './mText';

export type MQueryRole = 'parameter' | 'function' | 'query';

export interface MQuery {
  /** The query name exactly as the dataflow shows it (written quoted in M when it needs to be). */
  name: string;
  role: MQueryRole;
  /** The query's expression; comments at its top stay with the query in the advanced editor. */
  expression: string;
  /**
   * A parameter only the user fills in (the credentials): inserted again into a dataflow that already has it as a
   * parameter, it keeps the value the dataflow holds instead of going back to the placeholder.
   */
  keepValue?: boolean;
}

/** Whether M text is a parameter query (`… meta [IsParameterQuery = true, …]`). */
export function isParameterQuery(text: string): boolean {
  return /\bIsParameterQuery\s*=\s*true\b/.test(text);
}

/**
 * Section attribute of every scoring document. Applying the scoring function to another query's table combines
 * two sources in one query; without it the Formula.Firewall blocks the evaluation ("references other queries or
 * steps, so it may not directly access a data source").
 */
export const ALLOW_COMBINE_ATTRIBUTE = '[AllowCombine = true]';

/** The section a Dataflow Gen2's `mashup.pq` uses. */
export const DATAFLOW_SECTION = 'Section1';

/** One query as a section member, `shared Name = expression;`, with multi-line expressions on their own lines. */
export function renderMember(query: MQuery): string {
  const expression = query.expression.replace(/\s+$/, '');
  const head = `shared ${mIdentifier(query.name)} =`;
  if (!expression.includes('\n')) return `${head} ${expression};`;
  return `${head}\n${expression.split('\n').map(line => (line ? `    ${line}` : line)).join('\n')};`;
}

/** The members of a section document, one blank line apart (no `section` header). */
export function renderMembers(queries: readonly MQuery[]): string {
  return queries.map(renderMember).join('\n\n') + '\n';
}

/** A whole section document: `[AllowCombine = true]`, `section Name;`, then every query as a member. */
export function renderSection(queries: readonly MQuery[], options: { sectionName?: string; leadingComment?: string[] } = {}): string {
  const comment = (options.leadingComment ?? []).map(line => `// ${line}`.trimEnd());
  return [...comment, ALLOW_COMBINE_ATTRIBUTE, `section ${options.sectionName ?? DATAFLOW_SECTION};`, '', renderMembers(queries)].join('\n');
}

/** The text to paste into Dataflow Gen2's advanced editor for one query (a blank query named `query.name`). */
export function renderExpression(query: MQuery): string {
  return query.expression.replace(/\s+$/, '') + '\n';
}

/** The one-line instruction shown next to each query for users without Git integration. */
export function advancedEditorInstruction(query: MQuery): string {
  return `New blank query → Advanced editor → paste → name it ${query.name}`;
}
