// The one handle the webview has on VS Code: posting typed messages and persisting state.
import type { ResultsWebviewMessage, ResultsWebviewState } from '../src/protocol/results';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface ResultsHost {
  post(message: ResultsWebviewMessage): void;
  /** Unvalidated: whatever was persisted, possibly by an older build. */
  getState(): unknown;
  setState(state: ResultsWebviewState): void;
}

export function connectToHost(): ResultsHost {
  // acquireVsCodeApi may be called only once per page load.
  const api = acquireVsCodeApi<ResultsWebviewState>();
  return {
    post: message => api.postMessage(message),
    getState: () => api.getState(),
    setState: state => { api.setState(state); },
  };
}
