/**
 * Reading programs: `.rasp` text (or a file) → Program.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { elaborate } from './elaborate.ts';
import { RaspError } from './errors.ts';
import { readHeader } from './header.ts';
import type { Program } from './program.ts';

export interface ParseOptions {
  /** The file's path (messages, node locations, the program's name, and where `load` looks). */
  readonly file: string;
  /** The name of the s-op to output; default: the last s-op the file assigns. */
  readonly output?: string;
  /** Reads files named by `load` (default: from disk). */
  readonly readFile?: (path: string) => string;
}

/** Parses and elaborates program text. Throws RaspError (file:line:col) for any mistake in it. */
export function parseProgram(text: string, opts: ParseOptions): Program {
  const header = readHeader(text, opts.file);
  const { output, named } = elaborate(text, opts);
  return {
    name: programName(opts.file),
    output,
    named,
    ...(header.vocab ? { vocab: header.vocab } : {}),
    ...(header.maxLen !== undefined ? { maxLen: header.maxLen } : {}),
    source: text,
    file: opts.file,
  };
}

/** Reads and parses a `.rasp` file. */
export function loadProgram(path: string, opts: { output?: string } = {}): Program {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new RaspError(`cannot read program file '${path}': ${why}`);
  }
  return parseProgram(text, { file: path, output: opts.output });
}

/** The file's base name without `.rasp`. */
export function programName(file: string): string {
  return basename(file).replace(/\.rasp$/, '');
}
