/**
 * Every count a user or a file can set, with its ceiling: each is checked before any work or
 * allocation, so an extreme value (a flag, a header, a model file's metadata) is refused at once
 * instead of after minutes and gigabytes. Each ceiling can be raised with its environment variable
 * by someone who means it; the README's "Limits" table lists them.
 *
 * This lives in src/rasp because every folder may import src/rasp and src/rasp imports nothing else.
 */
import { RaspError, type SourceLoc } from './errors.ts';

export interface Limit {
  /** The default ceiling. */
  readonly value: number;
  /** The environment variable that raises (or lowers) it. */
  readonly env: string;
  /** Why there is a ceiling at all. */
  readonly why: string;
}

export const LIMITS = {
  programBytes: {
    value: 1 << 20,
    env: 'RASPLAB_MAX_PROGRAM_BYTES',
    why: 'a program file, and each file it loads, is read whole into memory',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The ceiling in force: the environment variable's value when set, else the default. */
export function ceilingOf(name: LimitName): number {
  const { value, env } = LIMITS[name];
  const text = process.env[env];
  if (text === undefined || text.trim() === '') return value;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n <= 0) throw new RaspError(`${env} must be a positive integer, got '${text}'`);
  return n;
}

/** The message for `subject` (e.g. `--max-len 100000000`) above the ceiling. */
export function aboveCeiling(name: LimitName, subject: string): string {
  return `${subject} is above the ceiling of ${ceilingOf(name)}; raise it with ${LIMITS[name].env} if you mean it`;
}

/** Refuses `value` above the ceiling with a RaspError saying so (at `loc` when a file set it). */
export function checkCeiling(name: LimitName, value: number, subject: string, loc?: SourceLoc): void {
  if (value > ceilingOf(name)) throw new RaspError(aboveCeiling(name, subject), loc);
}
