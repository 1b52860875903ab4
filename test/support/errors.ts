/**
 * How tests look at failures: the VigilError a call throws (any other exception fails the test,
 * since bad input must only ever produce a VigilError), or the error a promise rejects with.
 */
import { type ErrorCode, isVigilError, type VigilError } from '../../src/shared/errors.js';

/** The VigilError `run` throws, or undefined when it returns; any other error fails the test. */
export function errorOf(run: () => unknown): VigilError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
}

/** The code of the VigilError `run` throws, or undefined when it returns. */
export const codeOf = (run: () => unknown): ErrorCode | undefined => errorOf(run)?.code;

/** What a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
