// The one handle the webview has on VS Code: posting typed messages, requests that the extension answers
// (results/reply with the request's id, the request/response style of vscode-pull-request-github), and
// persisting state.
import type {
  ResultsPersistedState, ResultsReplyMessage, ResultsRerunRequest, ResultsWebviewMessage,
} from '../src/protocol/results';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** A request as the page writes it; the host adds the id. */
export type ResultsRequest = Omit<ResultsRerunRequest, 'requestId'>;

export interface ResultsHost {
  post(message: ResultsWebviewMessage): void;
  /** Posts `request` with a new id; resolves with the extension's reply to it. */
  request(request: ResultsRequest): Promise<ResultsReplyMessage>;
  /** Hands a results/reply to the request waiting for it; a reply to a request of an earlier page is dropped. */
  settle(reply: ResultsReplyMessage): void;
  /** Unvalidated: whatever was persisted, possibly by an older build. */
  getState(): unknown;
  setState(state: ResultsPersistedState): void;
}

export function connectToHost(): ResultsHost {
  // acquireVsCodeApi may be called only once per page load.
  const api = acquireVsCodeApi<ResultsPersistedState>();
  const waiting = new Map<number, (reply: ResultsReplyMessage) => void>();
  let lastId = 0;
  return {
    post: message => api.postMessage(message),
    request: request => new Promise(resolve => {
      const requestId = ++lastId;
      waiting.set(requestId, resolve);
      api.postMessage({ ...request, requestId } satisfies ResultsRerunRequest);
    }),
    settle: reply => {
      const resolve = waiting.get(reply.requestId);
      waiting.delete(reply.requestId);
      resolve?.(reply);
    },
    getState: () => api.getState(),
    setState: state => { api.setState(state); },
  };
}
