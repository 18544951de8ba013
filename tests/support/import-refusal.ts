import { expect } from 'vitest';
import { ImportFileError } from '../../geo/import/types.js';

/** The ImportFileError that `fn` throws (fails the test if it throws nothing or something else). */
export function refusal(fn: () => unknown): ImportFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return error as ImportFileError;
  }
  throw new Error('expected an ImportFileError, the call succeeded');
}

/** The ImportFileError that `promise` rejects with (fails the test otherwise). */
export async function asyncRefusal(promise: Promise<unknown>): Promise<ImportFileError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return error as ImportFileError;
  }
  throw new Error('expected an ImportFileError, the call succeeded');
}
