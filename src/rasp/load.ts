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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new RaspError(`cannot read program file '${path}': ${why}`);
  }
  const notText = binaryKind(bytes);
  if (notText) throw new RaspError(`${path}: not a RASP program (${notText})`);
  return parseProgram(bytes.toString('utf8'), { file: path, output: opts.output });
}

/**
 * Why bytes cannot be program text, or null when they can: a program is UTF-8 without control
 * bytes. Said before parsing, since the parser would only see an "unexpected character" at 1:1.
 */
function binaryKind(bytes: Uint8Array): string | null {
  // A safetensors file: an 8-byte header length, then its JSON header.
  if (bytes.length > 8 && bytes[8] === 0x7b && bytes.subarray(0, 8).some((b) => b < 0x09)) return 'it is a safetensors model file';
  const controls = bytes.some((b) => b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f);
  if (controls) return 'it is a binary file, not text';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'it is not UTF-8 text';
  }
  return null;
}

/** The file's base name without `.rasp`. */
export function programName(file: string): string {
  return basename(file).replace(/\.rasp$/, '');
}
