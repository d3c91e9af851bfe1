// The error a promise rejected with, checked to be of the expected class (fails when it resolved).
import * as assert from 'node:assert/strict';

export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a ${type.name}, but the call succeeded`);
}
