// The steps that call the endpoint from a user's query, built from the real column names: the recommended
// batch scoring step and, as an alternative, the how-to style custom column. Every column name is written as
// a quoted identifier or text literal where M needs it.
import {
  type GenerateMInput, asSectionMember, checkColumns, emptyTypedTable, mCommentText, mFieldAccess, mIdentifier, mText, mTypeFor,
  scoreFunctionName,
} from './mText';

export function generateInvocation(input: GenerateMInput): string {
  const inputs = checkColumns(input.inputColumns ?? [], 'Input');
  const outputs = input.outputColumns?.length ? checkColumns(input.outputColumns, 'Output') : [];
  const name = mCommentText(input.endpointName);
  const scoreFn = scoreFunctionName(input.endpointName);
  const source = input.sourceStep ? mIdentifier(input.sourceStep) : emptyTypedTable(inputs);
  const scoredStep = mIdentifier(`Scored with ${input.endpointName}`);
  // `Source = Source` would refer to itself inside the let.
  const local = input.sourceStep === 'Source' ? 'Rows' : 'Source';
  const resultColumn = `${input.endpointName} result`;
  const rowValues = `{${inputs.map(c => mFieldAccess(c.name)).join(', ')}}`;
  const outputsText = outputs.length
    ? outputs.map(o => `${mCommentText(o.name)} (${mTypeFor(o.type).type.replace(/^type /, '')})`).join(', ')
    : 'the model\'s outputs';

  const text = [
    `// Score the rows of ${input.sourceStep ? mCommentText(input.sourceStep) : 'your table'} with the Fabric ML endpoint "${name}".`,
    '// Add these steps to the query that reads the rows (Advanced editor): calling the endpoint from that query',
    '// avoids Formula.Firewall errors. Keep the step you need and delete the other.',
    inputs.length
      ? `// Columns sent, in the model's order: ${inputs.map(c => mCommentText(c.name)).join(', ')}.`
      : '// The model\'s input columns are unknown: every column is sent in table order.',
    'let',
    input.sourceStep
      ? `    ${local} = ${source},`
      : `    // Replace this empty table with the previous step of your query.\n    ${local} = ${source},`,
    `    // Recommended: ${scoreFn} (from the recommended variant) sends BatchSize rows per request with one token`,
    `    // per refresh and adds ${outputsText}.`,
    `    ${scoredStep} = ${scoreFn}(${local}),`,
    '    // How-to compatible: a custom column calling CallMLEndpoint once per row (one token and one request per row;',
    '    // only for small tables). EndpointUrl, TenantId, ClientId and ClientSecret are parameters. The new column holds',
    '    // the row\'s prediction values as a list.',
    `    ${mIdentifier(`Added ${resultColumn}`)} = Table.AddColumn(`,
    `        ${local},`,
    `        ${mText(resultColumn)},`,
    `        each CallMLEndpoint(EndpointUrl, TenantId, ClientId, ClientSecret, ${inputs.length ? rowValues : 'Record.FieldValues(_)'})[predictions]{0},`,
    '        type list)',
    'in',
    `    ${scoredStep}`,
    '',
  ].join('\n');
  return input.intoSectionDocument ? asSectionMember(`Scored with ${input.endpointName}`, text) : text;
}
