/**
 * Errors a user can cause. Each carries where (file:line:col) and why; the CLI prints the
 * message alone (no stack) and exits with code 2.
 */
export interface SourceLoc {
  readonly file: string;
  readonly line: number; // 1-based
  readonly col: number; // 1-based
}

export function formatLoc(loc: SourceLoc | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}

/** A mistake in the user's input (program text, flags, tokens, model files). */
export class RaspError extends Error {
  readonly loc?: SourceLoc;
  readonly detail: string;
  constructor(detail: string, loc?: SourceLoc) {
    super(loc ? `${formatLoc(loc)}: ${detail}` : detail);
    this.name = 'RaspError';
    this.detail = detail;
    this.loc = loc;
  }
}

/**
 * Several mistakes in one program, each located: RASP's interpreter reads a file statement by
 * statement and reports every statement it has to skip, so rasplab does too. The message is one
 * line per mistake, in file order; `loc` and `detail` are the first one's.
 */
export class RaspErrors extends RaspError {
  readonly errors: readonly RaspError[];
  constructor(errors: readonly RaspError[], more = 0) {
    super(errors[0].detail, errors[0].loc);
    this.name = 'RaspErrors';
    this.errors = errors;
    const lines = errors.map((e) => e.message);
    if (more > 0) lines.push(`… and ${more} more mistake${more === 1 ? '' : 's'}`);
    this.message = lines.join('\n');
  }
}

/** The most mistakes one program reports; past it, a count (a file of noise should not print a million lines). */
export const MAX_REPORTED_ERRORS = 50;

/** One error for `errors` (at least one): itself when there is one, else a RaspErrors listing at most MAX_REPORTED_ERRORS. */
export function combineErrors(errors: readonly RaspError[]): RaspError {
  if (errors.length === 1) return errors[0];
  return new RaspErrors(errors.slice(0, MAX_REPORTED_ERRORS), Math.max(0, errors.length - MAX_REPORTED_ERRORS));
}

/** Any error meant for the user, whatever module raised it; the CLI turns these into exit code 2. */
export function isUserError(e: unknown): e is Error {
  return (e instanceof Error && (e as { userError?: boolean }).userError === true) || e instanceof RaspError;
}

/** Marks an error raised outside src/rasp (model files, flags) as the user's, not a bug. */
export class UserError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Text from a file, as a message quotes it: control and line-separator characters escaped
 * (`\u000a`), so that the message stays one line whatever the file holds, and cut at `max`
 * characters, so that a megabyte-long key does not make a megabyte-long message.
 */
export function oneLine(text: string, max = 60): string {
  const escaped = text.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** Why JSON.parse refused a text, on one line (its message quotes the text, which may hold anything). */
export const jsonProblem = (e: unknown): string => oneLine(e instanceof Error ? e.message : String(e), 200);
