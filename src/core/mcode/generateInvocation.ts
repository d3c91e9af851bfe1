// The step that calls the endpoint from a user's query: the recommended scoring function applied to the rows of
// the previous step, built from the real column names. It references only names the recommended queries declare
// (the scoring function and its parameters), so together they form a document with no unknown name.
import {
  endpointPhrase,
  type GenerateMInput, asSectionMember, checkColumns, emptyTypedTable, mCommentText, mIdentifier, mTypeFor,
  scoreFunctionName,
} from './mText';

export function generateInvocation(input: GenerateMInput): string {
  const inputs = checkColumns(input.inputColumns ?? [], 'Input');
  const outputs = input.outputColumns?.length ? checkColumns(input.outputColumns, 'Output') : [];
  const scoreFn = scoreFunctionName(input.endpointName);
  const source = input.sourceStep ? mIdentifier(input.sourceStep) : emptyTypedTable(inputs);
  const scoredStep = mIdentifier(`Scored with ${input.endpointName}`);
  // `Source = Source` would refer to itself inside the let.
  const local = input.sourceStep === 'Source' ? 'Rows' : 'Source';
  const outputsText = outputs.length
    ? outputs.map(o => `${mCommentText(o.name)} (${mTypeFor(o.type).type.replace(/^type /, '')})`).join(', ')
    : 'the model\'s outputs';

  const text = [
    `// Score the rows of ${input.sourceStep ? mCommentText(input.sourceStep) : 'your table'} with ${endpointPhrase(input)}.`,
    `// Needs the queries of the recommended variant (${scoreFn} and its parameters) in the same dataflow, whose`,
    '// section carries [AllowCombine = true] so that the Formula.Firewall lets this query call the endpoint.',
    inputs.length
      ? `// Columns sent, in the model's order: ${inputs.map(c => mCommentText(c.name)).join(', ')}. A missing column is an error.`
      : '// The model\'s input columns are unknown: every column is sent in table order.',
    'let',
    input.sourceStep
      ? `    ${local} = ${source},`
      : `    // Replace this empty table with the previous step of your query.\n    ${local} = ${source},`,
    `    // Sends BatchSize rows per request and adds ${outputsText} as typed columns.`,
    `    ${scoredStep} = ${scoreFn}(${local})`,
    'in',
    `    ${scoredStep}`,
    '',
  ].join('\n');
  return input.intoSectionDocument ? asSectionMember(`Scored with ${input.endpointName}`, text) : text;
}
