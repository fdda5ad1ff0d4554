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
