/**
 * Where a command writes. main() configures the root command's output (commander copies it to
 * every subcommand), so actions print through the same writers as help and errors — which lets
 * tests run the CLI in-process and capture everything.
 */
import type { Command } from 'commander';

export interface CliIo {
  /** Results: tables, sequences, JSON. */
  out(text: string): void;
  /** Notes for the person at the terminal (backend used, files written). */
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export function ioOf(cmd: Command): CliIo {
  const c = cmd.configureOutput();
  return { out: c.writeOut ?? processIo.out, err: c.writeErr ?? processIo.err };
}

/** Whether `io`'s notes go to a terminal (a live progress bar), not to a test's capture or a log. */
export function errIsTerminal(io: CliIo): boolean {
  return io.err === processIo.err && Boolean(process.stderr.isTTY);
}

/** Writes a line (adds the newline). */
export function println(write: (t: string) => void, line = ''): void {
  write(line.endsWith('\n') ? line : `${line}\n`);
}
