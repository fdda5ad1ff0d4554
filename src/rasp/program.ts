/**
 * A program: an output s-op plus what the file said about it (names, defaults, source).
 */
import type { RaspNode, SOp } from './ast.ts';
import type { Value } from './values.ts';

export interface Program {
  /** A short name (the file's base name, or what the builder was given). */
  readonly name: string;
  /** The s-op whose values are the program's output. */
  readonly output: SOp;
  /** Every named node in the order the program assigned it (for traces and labels). */
  readonly named: ReadonlyMap<string, RaspNode>;
  /** Defaults from `# vocab:` / `# max-len:` header comments; flags override them. */
  readonly vocab?: readonly Value[];
  readonly maxLen?: number;
  /** The `.rasp` text and path when the program came from a file (kept in model files). */
  readonly source?: string;
  readonly file?: string;
  /** What reading the file skipped, one located line each (REPL commands: not supported in files). */
  readonly notes?: readonly string[];
  /** The files its `load`s read, with their text, so that the program can be read again without them (model files keep it). */
  readonly loaded?: readonly LoadedFile[];
}

/**
 * One `load` a program ran: the loading file and the loaded one, each named relative to the
 * program's folder (`/` between folders), the path as the load wrote it, and the text it read.
 */
export interface LoadedFile {
  readonly from: string;
  readonly path: string;
  readonly file: string;
  readonly text: string;
}

/** The vocabulary and maximum length a program runs over: what value sets, datasets and models need. */
export interface TaskSpec {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  /** Shortest input considered (datasets and verification); default 1. */
  readonly minLen?: number;
}
