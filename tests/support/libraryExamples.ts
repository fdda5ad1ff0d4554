/**
 * Reads the header comment block of the program library's `.rasp` files (fixtures/programs):
 *
 *   # NAME: what it computes (continued on further `#` lines)
 *   # vocab: a b c
 *   # max-len: 8
 *   # example: a b c -> c b a
 *
 * Examples are written as a person types them: input tokens and outputs separated by spaces,
 * outputs as RASP prints them (formatValue), `-` for undefined. Tests read the examples from
 * here so the files stay the one place they are written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue, parseToken, type MaybeValue, type Value } from '../../src/rasp/values.ts';

export const PROGRAM_LIBRARY_DIR = fileURLToPath(new URL('../../fixtures/programs/', import.meta.url));

export interface LibraryExample {
  /** 1-based line of the `# example:` comment, for failure messages. */
  readonly line: number;
  readonly input: readonly string[];
  readonly output: readonly string[];
}

export interface LibraryHeader {
  readonly name: string;
  readonly file: string;
  /** The text after `# NAME:`, continuation lines joined. Empty when the first line is not `# NAME:`. */
  readonly description: string;
  readonly vocabWords: readonly string[];
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  readonly examples: readonly LibraryExample[];
}

/** The library's program names (file base names), sorted. */
export function libraryNames(dir: string = PROGRAM_LIBRARY_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rasp'))
    .map((f) => basename(f, '.rasp'))
    .sort();
}

export function libraryPath(name: string, dir: string = PROGRAM_LIBRARY_DIR): string {
  return join(dir, `${name}.rasp`);
}

/** A vocabulary is numeric when every word reads as a number; its tokens are then numbers. */
export function vocabValues(words: readonly string[]): Value[] {
  const numeric = words.length > 0 && words.every((w) => w.trim() !== '' && !Number.isNaN(Number(w)));
  return words.map((w) => parseToken(w, numeric));
}

/** Input words as the vocabulary's values; a word outside the vocabulary throws, naming it. */
export function parseTokens(words: readonly string[], vocabWords: readonly string[]): Value[] {
  const values = vocabValues(vocabWords);
  return words.map((w) => {
    const i = vocabWords.indexOf(w);
    if (i < 0) throw new Error(`token '${w}' is not in the vocabulary {${vocabWords.join(', ')}}`);
    return values[i];
  });
}

/** Outputs as the examples write them. */
export function formatOutput(values: readonly MaybeValue[]): string[] {
  return values.map(formatValue);
}

/** Splits `a b c -> c b a` into input and output words. */
export function parseExample(text: string): { input: string[]; output: string[] } {
  const parts = text.split(' -> ');
  if (parts.length !== 2) throw new Error(`an example is 'INPUT -> OUTPUT', got '${text}'`);
  const words = (s: string) =>
    s
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
  return { input: words(parts[0]), output: words(parts[1]) };
}

/** The header of one library file (only the leading block of `#` lines is read). */
export function readHeader(name: string, dir: string = PROGRAM_LIBRARY_DIR): LibraryHeader {
  const file = libraryPath(name, dir);
  const lines = readFileSync(file, 'utf8').split('\n');
  let description = '';
  let inDescription = false;
  let vocabWords: string[] | undefined;
  let maxLen: number | undefined;
  const examples: LibraryExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line.startsWith('#')) break;
    const body = line.slice(1).trim();
    const field = /^([a-z-]+):\s*(.*)$/.exec(body);
    if (i === 0 && body.startsWith(`${name}:`)) {
      description = body.slice(name.length + 1).trim();
      inDescription = true;
    } else if (field && field[1] === 'vocab') {
      vocabWords = field[2].split(/\s+/).filter((w) => w !== '');
      inDescription = false;
    } else if (field && field[1] === 'max-len') {
      maxLen = Number(field[2]);
      inDescription = false;
    } else if (field && field[1] === 'example') {
      examples.push({ line: i + 1, ...parseExample(field[2]) });
      inDescription = false;
    } else if (inDescription) {
      description += ` ${body}`;
    }
  }
  if (!vocabWords) throw new Error(`${file}: no '# vocab:' line in the header`);
  if (maxLen === undefined || !Number.isInteger(maxLen)) throw new Error(`${file}: no integer '# max-len:' in the header`);
  return { name, file, description, vocabWords, vocab: vocabValues(vocabWords), maxLen, examples };
}
