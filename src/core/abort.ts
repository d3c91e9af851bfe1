// Waiting on a shared promise while letting one caller give up: the caller's promise rejects as soon as
// its signal aborts, and the shared work keeps going for the other callers.

export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, toError: (reason: unknown) => unknown = reason => reason ?? new Error('Cancelled.')): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(toError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(toError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
