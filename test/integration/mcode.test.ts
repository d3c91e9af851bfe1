// Insert CallMLEndpoint M Function and the hard-coded-secret warning in a real VS Code: the M lands at the cursor
// of a .pq editor or in a new untitled Power Query document, uses the endpoint's signature (from the fake Fabric
// server) or the open CSV's header, parses, and a literal secret in a .pq file is flagged and fixed.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CHURN_INPUT_SIGNATURE, DEMO_CLIENT_SECRET, DEMO_WORKSPACE_ID } from '../../tools/fake-fabric';
import type { InsertMResult } from '../../src/features/mcode/insertMFunction';
import { addUncredentialedDemoEndpoint, closeAllWithoutSaving, parseError } from './mcodeSupport';
import { activateExtension, controlUrl, screenshot, setUpFakeFabric, waitFor, type FakeFabricSetup } from './support';

const ENDPOINT_ID = 'mcode-demo';
const FIXTURE_SECRET = 'fixture~NotARealSecret.0123456789abcdefXYZ';
const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const fixture = (name: string) => vscode.Uri.file(path.join(workspaceRoot(), 'mcode', name));

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'Fabric ML');
}

describe('Insert CallMLEndpoint M function', function () {
  this.timeout(120_000);
  let previousEndpoints: unknown[] | undefined;

  before(async () => {
    await activateExtension();
    // A definition with the demo IDs on the real Fabric host; its profile has no credentials, so no call is made
    // and the M is generated without a signature.
    previousEndpoints = await addUncredentialedDemoEndpoint(ENDPOINT_ID, 'mcode-no-credentials');
  });

  after(async () => {
    await closeAllWithoutSaving();
    await vscode.workspace.getConfiguration('fabricMl').update('endpoints', previousEndpoints, vscode.ConfigurationTarget.Global);
  });

  it('inserts the recommended M at the cursor of an open .pq document, without a second section header', async () => {
    const doc = await vscode.workspace.openTextDocument(fixture('existing-section.pq'));
    const editor = await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const cursor = new vscode.Position(2, 0); // the start of the `shared Customers` line
    editor.selection = new vscode.Selection(cursor, cursor);
    const offset = doc.offsetAt(cursor);

    const columns = ['age', 'monthly income', 'type', 'say "hi"'];
    const result = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', { variant: 'recommended', endpointId: ENDPOINT_ID, target: 'active', columns });

    assert.strictEqual(result.uri, doc.uri.toString());
    assert.strictEqual(result.columnsFrom, 'arguments');
    assert.deepStrictEqual(result.inputColumns, columns);
    const after = doc.getText();
    assert.ok(after.startsWith(before.slice(0, offset)) && after.endsWith(before.slice(offset)), 'inserted at the cursor, nothing else changed');
    const inserted = after.slice(offset, after.length - (before.length - offset));
    assert.strictEqual((after.match(/^section /gm) ?? []).length, 1, 'the document keeps a single section header');
    assert.match(inserted, /^shared ScoreChurnModel =\n(?: {4}\/\/.*\n)* {4}\(rows as table\) as table =>$/m);
    assert.ok(inserted.includes(`shared WorkspaceId = "${DEMO_WORKSPACE_ID}" meta`));
    assert.ok(inserted.includes('[Name = "monthly income", Type = type any, Convert = (value) => value]'));
    assert.ok(inserted.includes('[Name = "say ""hi""", Type = type any'));
    assert.ok(inserted.includes('Batches = Table.Split(Checked, BatchSize)'));
    assert.ok(!after.includes(DEMO_CLIENT_SECRET));
    assert.strictEqual(await parseError(after), undefined, 'the whole document parses');
  });

  it('creates an untitled Power Query document when no .pq editor is active, with the open CSV\'s header as columns', async () => {
    await closeAllWithoutSaving();
    const csv = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.csv'));
    await vscode.window.showTextDocument(csv);
    const header = fs.readFileSync(path.join(workspaceRoot(), 'customers.csv'), 'utf8').split(/\r?\n/)[0].split(',');

    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.insertMFunction', { variant: 'compatible', endpointId: ENDPOINT_ID, target: 'active' })),
      /The active editor is not a \.pq file/,
    );

    const result = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', { variant: 'compatible', endpointId: ENDPOINT_ID, target: 'untitled' });
    assert.strictEqual(vscode.Uri.parse(result.uri).scheme, 'untitled');
    assert.strictEqual(result.columnsFrom, 'csv');
    assert.deepStrictEqual(result.inputColumns, header);
    const doc = vscode.window.activeTextEditor!.document;
    assert.strictEqual(doc.uri.toString(), result.uri, 'the new document is shown');
    assert.strictEqual(doc.languageId, 'powerquery');
    const text = doc.getText();
    assert.match(text, /CallMLEndpoint = \(endpointUrl as text, tenantId as text, clientId as text, clientSecret as text, inputData as any\) as record =>/);
    assert.ok(text.includes(`[Name = ${JSON.stringify(header[0])}, Convert = (value) => value]`), 'columns from the CSV header');
    assert.ok(text.includes('Text.ToBinary(Uri.BuildQueryString(['));
    assert.strictEqual(await parseError(text), undefined);
  });

  it('from the palette offers the variants (Recommended first) and the endpoints, then inserts into the active .pq editor', async () => {
    await closeAllWithoutSaving();
    const doc = await vscode.workspace.openTextDocument({ language: 'powerquery', content: '' });
    await vscode.window.showTextDocument(doc);
    // No arguments = interactive: two quick picks. Accept the highlighted item of each as it appears.
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<InsertMResult | undefined>('fabricMl.insertMFunction')).finally(() => { settled = true; });
    await waitFor(async () => {
      if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled;
    }, 'the quick picks to be answered');
    const result = await running;
    assert.ok(result, 'the command inserted something');
    assert.strictEqual(result.variant, 'recommended', 'Recommended is the default variant');
    assert.strictEqual(result.uri, doc.uri.toString());
    assert.match(doc.getText(), /^(?:\/\/.*\n)*\[AllowCombine = true\]\nsection FabricML;\n/, 'an empty document gets the whole section');
    assert.strictEqual(await parseError(doc.getText()), undefined);
  });

  describe('with the endpoint\'s signature from Fabric', () => {
    let fake: FakeFabricSetup;
    before(async () => {
      fake = await setUpFakeFabric({ endpointId: 'mcode-fake' });
    });
    after(async () => {
      await fake?.dispose();
    });

    it('orders the columns by the input signature and types the predictions from the output signature', async () => {
      await closeAllWithoutSaving();
      const result = await vscode.commands.executeCommand<InsertMResult>('fabricMl.insertMFunction', { variant: 'recommended', endpointId: fake.endpointId, target: 'untitled' });
      assert.strictEqual(result.columnsFrom, 'signature');
      assert.deepStrictEqual(result.inputColumns, CHURN_INPUT_SIGNATURE.map(f => f.name));
      const text = vscode.window.activeTextEditor!.document.getText();
      assert.ok(text.includes('[Name = "tenure_months", Type = Int64.Type, Convert = Int64.From]'));
      assert.ok(text.includes('[Name = "churn_probability", Type = type number, Convert = Number.From]'));
      assert.ok(text.includes('[Name = "churn_label", Type = type text, Convert = Text.From]'));
      assert.strictEqual((text.match(new RegExp(`Web\\.Contents\\("${fake.server.url.replace(/[.]/g, '\\.')}", \\[`, 'g')) ?? []).length, 2, 'both literal bases point at the configured hosts');
      assert.ok(!text.includes(DEMO_CLIENT_SECRET), 'the stored secret is not in the M');
      assert.strictEqual(await parseError(text), undefined);
      assert.strictEqual(fake.server.counters.scoreRequests, 0, 'inserting M scores nothing');
    });

    it('refuses, with the scoring message, while the authority settings disagree with the credentials\' binding', async () => {
      await closeAllWithoutSaving();
      const config = vscode.workspace.getConfiguration('fabricMl');
      // What another extension can do: point the authority setting at a host of its own.
      await config.update('customAuthorityHost', 'https://login.attacker.example', vscode.ConfigurationTarget.Global);
      try {
        await assert.rejects(
          Promise.resolve(vscode.commands.executeCommand('fabricMl.insertMFunction', { variant: 'recommended', endpointId: fake.endpointId, target: 'untitled' })),
          (error: Error) => error.message === `The sign-in authority changed from ${fake.server.url} to https://login.attacker.example since the credentials of "Default service principal" were stored. To send them there, run "Fabric ML: Set Credentials" again for this profile.`,
        );
        assert.ok(!vscode.workspace.textDocuments.some(d => d.getText().includes('login.attacker.example')), 'no M names the new host');
      } finally {
        await config.update('customAuthorityHost', fake.server.url, vscode.ConfigurationTarget.Global);
      }
    });
  });

  it('flags a hard-coded secret in a .pq file and the quick fix replaces it with the ClientSecret parameter', async () => {
    await closeAllWithoutSaving();
    const clean = await vscode.workspace.openTextDocument(fixture('clean.pq'));
    const doc = await vscode.workspace.openTextDocument(fixture('hardcoded-secret.pq'));
    await vscode.window.showTextDocument(doc);

    const [diagnostic] = await waitFor(() => {
      const d = ourDiagnostics(doc.uri);
      return d.length ? d : undefined;
    }, 'the hard-coded secret warning');
    assert.strictEqual(ourDiagnostics(doc.uri).length, 1);
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(doc.getText(diagnostic.range), `"${FIXTURE_SECRET}"`);
    assert.match(diagnostic.message, /"clientSecret" holds a client secret as text\. .*Use the parameter ClientSecret/);
    assert.ok(!diagnostic.message.includes(FIXTURE_SECRET), 'the warning does not repeat the secret');
    assert.deepStrictEqual(ourDiagnostics(clean.uri), [], 'the clean file, opened first, has no warning');
    // What the user sees: M syntax colouring and the warning squiggle on the literal.
    if (controlUrl) await screenshot('pq-secret-warning', 800);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find(a => a.title === 'Replace with parameter ClientSecret');
    assert.ok(fix?.edit, `the quick fix is offered (got ${actions.map(a => a.title).join(', ')})`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));

    const text = doc.getText();
    assert.ok(!text.includes(FIXTURE_SECRET), 'the literal is gone');
    assert.match(text, /^ {12}clientSecret = ClientSecret,$/m);
    await waitFor(() => ourDiagnostics(doc.uri).length === 0, 'the warning to clear');
    assert.strictEqual(await parseError(text), undefined, 'the fixed document parses');
  });
});
