// Dataflow Gen2 folders in a real VS Code: Insert CallMLEndpoint M Function writes the scoring queries into the
// demo-style Churn.Dataflow (mashup.pq + queryMetadata.json in one edit, one undo restores both, a second run
// changes nothing), and an inconsistent dataflow gets diagnostics whose quick fixes resolve them.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import * as PQP from '@microsoft/powerquery-parser';
import { checkDataflow, readQueryMetadata } from '../../src/core/dataflow';
import { CHURN_INPUT_SIGNATURE } from '../../tools/fake-fabric';
import type { InsertMResult } from '../../src/features/mcode/insertMFunction';
import { addUncredentialedDemoEndpoint, closeAllWithoutSaving, parseError } from './mcodeSupport';
import { activateExtension, controlUrl, screenshot, waitFor } from './support';

const ENDPOINT_ID = 'dataflow-demo';
const folder = (name: string) => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, `${name}.Dataflow`));
const file = (name: string, base: string) => vscode.Uri.joinPath(folder(name), base);

/** Puts a document back to its saved text (it may have been changed without being shown). */
async function revert(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (!document.isDirty) return;
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'Fabric ML' && String(d.code).startsWith('dataflow.'));
}

describe('Dataflow Gen2 folders', function () {
  this.timeout(120_000);
  let previousEndpoints: unknown[] | undefined;

  before(async () => {
    await activateExtension();
    previousEndpoints = await addUncredentialedDemoEndpoint(ENDPOINT_ID, 'dataflow-no-credentials');
  });

  after(async () => {
    await closeAllWithoutSaving();
    for (const name of ['Churn', 'Inconsistent']) for (const base of ['mashup.pq', 'queryMetadata.json']) await revert(file(name, base));
    await closeAllWithoutSaving();
    await vscode.workspace.getConfiguration('fabricMl').update('endpoints', previousEndpoints, vscode.ConfigurationTarget.Global);
  });

  it('inserts the scoring queries into a dataflow\'s mashup.pq and queryMetadata.json; a second run changes nothing; one undo restores both', async () => {
    const mashup = await vscode.workspace.openTextDocument(file('Churn', 'mashup.pq'));
    const metadata = await vscode.workspace.openTextDocument(file('Churn', 'queryMetadata.json'));
    const mashupBefore = mashup.getText();
    const metadataBefore = metadata.getText();
    const args = {
      endpointId: ENDPOINT_ID, target: folder('Churn').toString(), sourceQuery: 'Customers',
      columns: CHURN_INPUT_SIGNATURE.map(f => f.name),
    };

    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.insertMFunction', { ...args, sourceQuery: 'Orders' })),
      /The dataflow "Churn" has no query "Orders" to score\. Its queries: MinTenureMonths, Customers\./,
    );
    const result = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', args);
    assert.strictEqual(result.uri, mashup.uri.toString());
    assert.strictEqual(result.metadataUri, metadata.uri.toString());
    assert.strictEqual(result.variant, 'recommended');
    assert.strictEqual(result.sourceQuery, 'Customers');
    assert.deepStrictEqual(result.replaced, []);
    assert.strictEqual(result.added?.length, 12);

    const mashupAfter = mashup.getText();
    assert.ok(mashupAfter.startsWith('[AllowCombine = true, StagingDefinition = [Kind = "FastCopy"]]\nsection Section1;\n'));
    assert.ok(mashupAfter.includes(mashupBefore.slice(mashupBefore.indexOf('shared MinTenureMonths'), mashupBefore.trimEnd().length)), 'the user\'s queries are untouched');
    assert.match(mashupAfter, /^ {4}CallMLEndpoint\(Customers\);$/m, 'the apply query scores the dataflow\'s own query');
    assert.strictEqual(await parseError(mashupAfter), undefined);
    const entries = readQueryMetadata(metadata.getText()).queriesMetadata!;
    assert.deepStrictEqual(Object.keys(entries), ['MinTenureMonths', 'Customers', ...result.added!]);
    assert.strictEqual(entries.CallMLEndpoint.loadEnabled, false);
    assert.deepStrictEqual(checkDataflow(mashupAfter, metadata.getText()), [], 'the files agree');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), mashup.uri.toString(), 'mashup.pq is shown');
    // The diagnostics of the dataflow show nothing for it.
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.deepStrictEqual([...ours(mashup.uri), ...ours(metadata.uri)], []);
    if (controlUrl) await screenshot('dataflow-inserted', 800);

    const again = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', args);
    assert.deepStrictEqual(again.added, []);
    assert.strictEqual(again.replaced?.length, 9);
    assert.deepStrictEqual(again.kept, ['TenantId', 'ClientId', 'ClientSecret'], 'the credentials the user sets are kept');
    assert.strictEqual(mashup.getText(), mashupAfter, 'running it twice leaves one copy');

    await vscode.window.showTextDocument(mashup);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => mashup.getText() === mashupBefore && metadata.getText() === metadataBefore, 'one undo to restore both files');
    // And the diagnostics follow the restored files (nothing stale from the inserted state).
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.deepStrictEqual([...ours(mashup.uri), ...ours(metadata.uri)].map(d => d.message), []);
    // Taking the screenshot saved the inserted files (the harness's window loses focus): save the restored text so
    // the workspace is as it was for the next tests.
    await mashup.save();
    await metadata.save();
  });

  it('refuses to replace a query of a generated name that the user wrote, unless told to; nothing is changed until then', async () => {
    const mashup = await vscode.workspace.openTextDocument(file('Churn', 'mashup.pq'));
    const metadata = await vscode.workspace.openTextDocument(file('Churn', 'queryMetadata.json'));
    const own = 'shared CallMLEndpoint = (rows as table) as table => Table.AddColumn(rows, "score", each 1);';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(mashup.uri, mashup.positionAt(mashup.getText().trimEnd().length), `\n\n${own}`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const mashupBefore = mashup.getText();
    const metadataBefore = metadata.getText();
    const args = { endpointId: ENDPOINT_ID, target: folder('Churn').toString(), sourceQuery: 'Customers', columns: CHURN_INPUT_SIGNATURE.map(f => f.name) };
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.insertMFunction', args)),
      /The dataflow "Churn" already has a query named "CallMLEndpoint" that Fabric ML Endpoints did not write; nothing was changed\. Rename it, or pass replaceExisting: true to replace it\./,
    );
    assert.strictEqual(mashup.getText(), mashupBefore, 'mashup.pq unchanged');
    assert.strictEqual(metadata.getText(), metadataBefore, 'queryMetadata.json unchanged');

    const replaced = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', { ...args, replaceExisting: true });
    assert.ok(replaced.replaced?.includes('CallMLEndpoint'));
    assert.ok(!mashup.getText().includes(own), 'the user\'s function was replaced, as asked');
    await revert(mashup.uri);
    await revert(metadata.uri);
  });

  it('Copy M for the Advanced Editor lists the queries in order with their names and copies one expression', async () => {
    const queries = await vscode.commands.executeCommand<Array<{ name: string; role: string; instruction: string; expression: string }>>(
      'fabricMl.copyMForAdvancedEditor', { endpointId: ENDPOINT_ID, columns: ['age', 'income'], sourceStep: 'Customers', copy: 'CallMLEndpoint' },
    );
    assert.deepStrictEqual(queries.map(q => q.name), [
      'TenantId', 'ClientId', 'ClientSecret', 'WorkspaceId', 'ModelId', 'ModelVersion', 'BatchSize', 'BatchesPerToken',
      'GetFabricToken', 'FabricScoreBatch', 'CallMLEndpoint', 'churn-model predictions',
    ]);
    assert.strictEqual(queries[0].instruction, 'New blank query → Advanced editor → paste → name it TenantId');
    const copied = await vscode.env.clipboard.readText();
    assert.strictEqual(copied, queries[10].expression);
    assert.match(copied, /^\/\/ Scores every row/);
    assert.ok(!/^shared\b/m.test(copied) && !copied.trimEnd().endsWith(';'), 'an expression, not a section member');
    const task = await PQP.TaskUtils.tryLexParse({ ...PQP.DefaultSettings, parseBehavior: PQP.Parser.ParseBehavior.ParseExpression }, copied);
    assert.ok(PQP.TaskUtils.isOk(task), 'the advanced editor accepts it');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.copyMForAdvancedEditor', { endpointId: ENDPOINT_ID, copy: 'Nope' })),
      /There is no generated query "Nope"\. The queries: TenantId, ClientId/,
    );
  });

  it('flags an inconsistent dataflow and its quick fixes make it consistent', async () => {
    await closeAllWithoutSaving();
    const mashup = await vscode.workspace.openTextDocument(file('Inconsistent', 'mashup.pq'));
    await vscode.window.showTextDocument(mashup);
    const metadataUri = file('Inconsistent', 'queryMetadata.json');
    await waitFor(() => ours(mashup.uri).length === 1 && ours(metadataUri).length === 2, 'the three dataflow diagnostics');
    assert.deepStrictEqual(ours(mashup.uri).map(d => d.message), ['The query "Scored customers" has no entry in queryMetadata.json: the dataflow may fail to load it.']);
    assert.deepStrictEqual(ours(metadataUri).map(d => d.message).sort(), [
      'The queryId of "Orders" is also the queryId of "Customers": each query needs its own.',
      'queryMetadata.json has an entry for "Removed query", but mashup.pq has no query of that name.',
    ]);
    if (controlUrl) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await screenshot('dataflow-diagnostics', 800);
    }

    for (const uri of [mashup.uri, metadataUri]) {
      for (let diagnostics = ours(uri); diagnostics.length; diagnostics = ours(uri)) {
        const [diagnostic] = diagnostics;
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
        const query = /"([^"]+)"/.exec(diagnostic.message)![1];
        const fix = actions.find(a => a.edit && a.title.includes(`"${query}"`));
        assert.ok(fix?.edit, `a quick fix for "${diagnostic.message}" (got ${actions.map(a => a.title).join(', ')})`);
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        await waitFor(() => !ours(uri).some(d => d.message === diagnostic.message), `"${fix.title}" to clear its diagnostic`);
      }
    }
    const metadata = await vscode.workspace.openTextDocument(metadataUri);
    assert.deepStrictEqual(checkDataflow(mashup.getText(), metadata.getText()), []);
    assert.deepStrictEqual(Object.keys(readQueryMetadata(metadata.getText()).queriesMetadata!), ['Customers', 'Orders', 'Scored customers']);
  });
});
