// Entry of the results webview bundle. Registers the elements it uses (one by one, to keep the bundle
// small), and tells the extension it is ready; the extension answers with results/show (the page persists only
// the id of its run). State saved by an older build may still hold a whole run: that run is painted at once.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { parseResultsHostMessage, parseResultsWebviewState, ResultsMessage } from '../src/protocol/results';
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
    case ResultsMessage.show: return app.show({ model: message.model, summaries: message.summaries }, message.place, false, receivedAt);
    case ResultsMessage.place: return app.applyPlace(message.runId, message.place);
    case ResultsMessage.reply: return host.settle(message);
    case ResultsMessage.notice: return app.setNotice({ level: message.level, text: message.text });
  }
});

const restoreStarted = performance.now();
const saved = host.getState();
// The run and the user's place on it, when the page was discarded (panel hidden) or the window reloaded.
const restored = parseResultsWebviewState(saved);
if (restored) app.restore(restored, restoreStarted);
host.post({ type: ResultsMessage.ready, restoredRunId: restored?.model.runId });
