/** The ConnectionError a promise rejects with (the test fails when it resolves or throws anything else). */
import { expect } from 'vitest';
import { ConnectionError } from '../../src/resp/index.js';

export async function failure(p: Promise<unknown>): Promise<ConnectionError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectionError);
  return e as ConnectionError;
}
