/**
 * How the CLI turns a failure into one stderr text and an exit code:
 *   0  success                     (also --help and --version)
 *   1  a check failed (verify) or an unexpected error (message + stack: that is a bug to report)
 *   2  the user's mistake: a RaspError/UserError or a usage error from commander — one line, no stack
 */
import { CommanderError, type Command } from 'commander';
import { isUserError } from '../src/rasp/errors.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface ErrorReport {
  readonly exitCode: number;
  /** What to write on stderr ('' when commander has already written it, e.g. help). */
  readonly text: string;
}

/** Commander's messages read "error: unknown option '--x'\n(Did you mean --y?)"; we want one line. */
function commanderLine(message: string): string {
  return message
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

export function reportError(e: unknown): ErrorReport {
  if (e instanceof CommanderError) {
    // --help and --version end through the same path as usage errors, with exit code 0.
    if (e.exitCode === 0) return { exitCode: EXIT_OK, text: '' };
    // `rasplab` with no command: commander has printed the help on stderr already.
    if (e.code === 'commander.help') return { exitCode: EXIT_USAGE, text: '' };
    return { exitCode: EXIT_USAGE, text: `rasplab: ${commanderLine(e.message)}\n` };
  }
  // Several located mistakes (a program with more than one) are one line each.
  if (isUserError(e))
    return {
      exitCode: EXIT_USAGE,
      text: e.message
        .split('\n')
        .map((line) => `rasplab: ${line}\n`)
        .join(''),
    };
  const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  return { exitCode: EXIT_FAILED, text: `rasplab: unexpected error (a bug; please report it)\n${detail}\n` };
}

// A command that finishes normally but wants a non-zero exit (verify on disagreement) records it
// on the root command, so that main() can return it without process-global state.
const exitCodes = new WeakMap<Command, number>();

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

export function setExitCode(cmd: Command, code: number): void {
  exitCodes.set(rootOf(cmd), code);
}

export function exitCodeOf(root: Command): number {
  return exitCodes.get(root) ?? EXIT_OK;
}
