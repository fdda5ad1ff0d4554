/** The message of the UserError `f` throws; fails the test when it throws none or another kind. */
import { expect } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';

export function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return (e as Error).message;
  }
  return expect.fail('expected an error');
}
