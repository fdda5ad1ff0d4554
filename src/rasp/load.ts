/**
 * Reading programs: `.rasp` text (or a file) → Program.
 */
import { basename } from 'node:path';
import { elaborate, type ElaborateOptions } from './elaborate.ts';
import { RaspError } from './errors.ts';
import { readHeader } from './header.ts';
import { binaryKind, readRegularFile } from './programFile.ts';
import type { Program } from './program.ts';

/** The file's path (messages, node locations, the program's name, and where `load` looks), and how `load` may read. */
export type ParseOptions = ElaborateOptions;

/** Parses and elaborates program text. Throws RaspError (file:line:col) for any mistake in it. */
export function parseProgram(text: string, opts: ParseOptions): Program {
  const header = readHeader(text, opts.file);
  // Each statement is tried on an example as RASP's interpreter tries it on its running example
  // ("hello"): here the file's vocabulary (its first 5 tokens) where it names one; without one, the
  // tokens' kind is not known until a command gives a vocabulary, and no statement is tried.
  const example = opts.example ?? header.vocab?.slice(0, 5);
  const { output, named, notes, loaded } = elaborate(text, { ...opts, example });
  return {
    name: programName(opts.file),
    output,
    named,
    ...(header.vocab ? { vocab: header.vocab } : {}),
    ...(header.maxLen !== undefined ? { maxLen: header.maxLen } : {}),
    source: text,
    file: opts.file,
    ...(notes.length ? { notes: notes.map((n) => n.message) } : {}),
    ...(loaded.length ? { loaded } : {}),
  };
}

/** Reads and parses a `.rasp` file (a regular file of at most the `programBytes` ceiling). */
export function loadProgram(path: string, opts: { output?: string } = {}): Program {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path);
  } catch (e) {
    if (e instanceof RaspError) throw new RaspError(`cannot read program file '${path}': ${e.detail}`);
    throw e;
  }
  const notText = binaryKind(bytes);
  if (notText) throw new RaspError(`${path}: not a RASP program (${notText})`);
  return parseProgram(bytes.toString('utf8'), { file: path, output: opts.output });
}

/** The file's base name without `.rasp`. */
export function programName(file: string): string {
  return basename(file).replace(/\.rasp$/, '');
}
