// Entry of the results webview bundle. Registers the elements it uses (one by one, to keep the bundle
// small), and tells the extension it is ready; the extension answers with results/show (the page persists only
// the id of its run; the extension keeps the run and sends the grid's rows as it asks for them).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { parseResultsHostMessage, persistedRunId, ResultsMessage } from '../src/protocol/results';
import { ResultsApp } from './app';
import { connectToHost } from './vscodeApi';

const host = connectToHost();
const root = document.getElementById('app');
if (!root) throw new Error('The results page has no #app element.');
const app = new ResultsApp(root, host);

window.addEventListener('message', event => {
  // Taken before reading event.data: deserialising a large model is part of what the user waits for.
  const receivedAt = performance.now();
  const message = parseResultsHostMessage(event.data);
  if (!message) return;
  switch (message.type) {
    case ResultsMessage.show: return app.show(message, message.run.runId === restoredRunId, receivedAt);
    case ResultsMessage.rowsPage: return app.receiveRows(message.runId, message.page);
    case ResultsMessage.reply: return host.settle(message);
    case ResultsMessage.notice: return app.setNotice({ level: message.level, text: message.text });
  }
});

// The run the page showed before it was discarded (panel hidden) or the window reloaded: the extension sends
// it again with the user's place on it.
const restoredRunId = persistedRunId(host.getState());
host.post({ type: ResultsMessage.ready, restoredRunId });
