/**
 * Flags shared by several commands, and the parsing of what people type into Values:
 * vocabularies (`--vocab a,b,c`), input sequences (`--input "a b c"`), lengths and seeds.
 * Every bad value becomes a UserError naming the flag and the value.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Option } from 'commander';
import { DEFAULT_PROBE_SAMPLES } from '../probes/probeSamples.ts';
import { NUMERIC_TOLERANCE } from '../src/model/scoring.ts';
import { UserError } from '../src/rasp/errors.ts';
import { checkCeiling, type LimitName } from '../src/rasp/limits.ts';
import { parseThreads } from '../src/threads/count.ts';
import { formatValue, parseToken, valueKey, type Value } from '../src/rasp/values.ts';

function looksNumeric(text: string): boolean {
  return text.trim() !== '' && !Number.isNaN(Number(text));
}

/**
 * The items of a --vocab: separated by commas or spaces; an item in quotes ('…' or "…") is taken as
 * it is, so a token may be a comma (`--vocab 'a,b,","'`) or a digit kept as a string (`"0"`).
 */
function vocabItems(text: string): { readonly text: string; readonly quoted: boolean }[] {
  const items: { text: string; quoted: boolean }[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|([^,\s'"]+))\s*(,|\s|$)/y;
  let at = 0;
  while (at < text.length) {
    if (/^[,\s]+$/.test(text.slice(at))) break;
    const sep = /^[,\s]*/.exec(text.slice(at))![0].length;
    re.lastIndex = at + sep;
    const m = re.exec(text);
    if (!m) throw new UserError(`--vocab: cannot read '${text.slice(at + sep)}' (quote a token that holds a comma, a space or a quote: 'a,","')`);
    const quoted = m[3] === undefined;
    const item = m[1] ?? m[2] ?? m[3];
    if (quoted && item === '') throw new UserError(`--vocab: an empty token ('' or "") cannot be typed in an input`);
    if (quoted && /\s/.test(item)) throw new UserError(`--vocab: the token '${item}' holds a space, which --input cannot type`);
    items.push({ text: item, quoted });
    at = re.lastIndex;
  }
  return items;
}

/** "a,b,c" or "a b c" (or both) → values; all numbers when every item reads as a number and none is quoted. */
export function parseVocab(text: string): Value[] {
  const items = vocabItems(text);
  if (items.length === 0) throw new UserError(`--vocab is empty; list the tokens, e.g. --vocab a,b,c`);
  checkCeiling('vocab', items.length, `--vocab of ${items.length} tokens`);
  const numeric = items.every((i) => !i.quoted && looksNumeric(i.text));
  const values = items.map((i) => (i.quoted ? i.text : parseToken(i.text, numeric)));
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(valueKey(v))) throw new UserError(`--vocab lists '${formatValue(v)}' twice`);
    seen.add(valueKey(v));
  }
  return values;
}

/** A flag's positive integer, at most the ceiling `limit` names (limits.ts) when there is one. */
export function parsePositiveInt(flag: string, limit?: LimitName): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n <= 0) throw new UserError(`${flag} must be a positive integer, got '${text}'`);
    if (limit) checkCeiling(limit, n, `${flag} ${n}`);
    return n;
  };
}

/** A flag's positive finite number. */
export function parsePositiveNumber(flag: string): (text: string) => number {
  return (text) => {
    const x = Number(text);
    if (text.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new UserError(`${flag} must be a positive number, got '${text}'`);
    return x;
  };
}

export function parseNonNegativeInt(flag: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new UserError(`${flag} must be a non-negative integer, got '${text}'`);
    return n;
  };
}

export function vocabText(vocab: readonly Value[]): string {
  return `{${vocab.map(formatValue).join(', ')}}`;
}

/** The one value of `vocab` a token's text stands for, if any (text may name a number or a string). */
function matchToken(text: string, vocab: readonly Value[]): Value | undefined {
  for (const v of vocab) if (typeof v === 'string' && v === text) return v;
  if (looksNumeric(text)) for (const v of vocab) if (typeof v === 'number' && v === Number(text)) return v;
  for (const v of vocab) if (typeof v === 'boolean' && formatValue(v) === text) return v;
  return undefined;
}

/**
 * Splits `--input` on whitespace and reads each token as a value of the vocabulary. Without a
 * vocabulary, tokens are numbers when every one of them reads as a number, else strings.
 */
export function parseInput(text: string, vocab?: readonly Value[]): Value[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new UserError(`--input is empty; give space-separated tokens, e.g. --input "a b c"`);
  checkCeiling('maxLen', words.length, `--input of ${words.length} tokens`);
  if (!vocab) {
    const numeric = words.every(looksNumeric);
    return words.map((w) => parseToken(w, numeric));
  }
  const values = words.map((w) => matchToken(w, vocab));
  // Every bad token at once, so one correction fixes them all.
  const bad = words.flatMap((w, i) => (values[i] === undefined ? [`${i} '${w}'`] : []));
  if (bad.length === 1) throw new UserError(`input token ${bad[0]} is not in the vocabulary ${vocabText(vocab)}`);
  if (bad.length > 1) throw new UserError(`input tokens ${bad.slice(0, -1).join(', ')} and ${bad.at(-1)} are not in the vocabulary ${vocabText(vocab)}`);
  return values as Value[];
}

export function checkLength(input: readonly Value[], maxLen: number | undefined, what = 'max-len'): void {
  if (maxLen !== undefined && input.length > maxLen) throw new UserError(`input has ${input.length} tokens but ${what} is ${maxLen}`);
}

// ---------------------------------------------------------------------------------------------
// Option factories (fresh objects: commander options must not be shared between commands)
// ---------------------------------------------------------------------------------------------

export const vocabOption = (): Option =>
  new Option(
    '--vocab <tokens>',
    'input vocabulary, comma- or space-separated (e.g. a,b,c or 1,2,3); numbers when every item is one ' +
      "(a program's tokens holds them as strings, as in RASP; tokens_int as numbers); " +
      'quote a token to take it as it is (a,b,"," has a comma); ' +
      "overrides the program's '# vocab:' header",
  ).argParser(parseVocab);

export const maxLenOption = (): Option =>
  new Option('--max-len <n>', "longest input in tokens; overrides the program's '# max-len:' header").argParser(parsePositiveInt('--max-len', 'maxLen'));

export const programOption = (): Option =>
  new Option('--program <program>', 'RASP program: a .rasp file or a library name such as reverse (see `npx rasplab --help`)');

export const jsonOption = (): Option => new Option('--json', 'print one JSON object instead of text');

/** How a command opens model files: every command that reads one takes these flags. */
export interface ModelFileFlags {
  readonly allowNonfinite?: boolean;
}

export const allowNonFiniteOption = (): Option =>
  new Option('--allow-nonfinite', 'open model files whose weights hold NaN or ±Infinity (refused by default: answers computed from them are noise)');

/**
 * An option given once per value, each one of `choices`: commander's .choices() checks a value
 * only while it is the option's parser, and collecting the values needs a parser of its own.
 */
export function repeatableChoiceOption(flags: string, description: string, choices: readonly string[]): Option {
  const option = new Option(flags, description).choices(choices);
  const check = option.parseArg!;
  return option.argParser((value: string, previous: string[] = []) => [...previous, check<string>(value, '')]);
}

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'wasm-threads', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const backendOption = (): Option =>
  new Option(
    '--backend <name>',
    'tfjs backend: tensorflow (tfjs-node), wasm, wasm-threads (its threaded build, a thread per core up to 4) or cpu; auto takes the fastest available',
  )
    .choices(BACKENDS)
    .default('auto');

/** `--threads`: how many threads share the work (`what`), each with its own backend; 'auto' as src/threads/count.ts decides. */
export const threadsOption = (what: string, auto: string): Option =>
  new Option('--threads <n>', `threads that share ${what}, each with its own backend: 'auto' (${auto}) or a count from 1 to 64`)
    .argParser(parseThreads)
    .default('auto');

export const seedOption = (): Option =>
  new Option('--seed <n>', 'random seed: the same seed gives the same inputs and numbers').argParser(parseNonNegativeInt('--seed')).default(0);

export const samplesOption = (): Option =>
  new Option('--samples <n>', 'probe inputs: all of them when there are at most this many, else this many random ones')
    .argParser(parsePositiveInt('--samples', 'samples'))
    .default(DEFAULT_PROBE_SAMPLES);

function parseTolerance(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !(x >= 0) || !Number.isFinite(x)) throw new UserError(`--tolerance must be a number ≥ 0, got '${text}'`);
  return x;
}

/** What every scoring command takes: how far a numerical output may be from the program's (src/model/scoring.ts). */
export const toleranceOption = (): Option =>
  new Option('--tolerance <x>', "a numerical output counts as right within x of the program's (categorical outputs: the argmax class)")
    .argParser(parseTolerance)
    .default(NUMERIC_TOLERANCE);

export const outputNameOption = (): Option => new Option('--output <name>', 'the s-op to use as the output (default: the last assignment in the file)');

/** The absolute path of an existing model file; a UserError naming it otherwise. */
export function existingModelPath(spec: string, cwd: string = process.cwd()): string {
  const path = resolvePath(cwd, spec);
  if (!existsSync(path)) throw new UserError(`no such model file: ${spec}`);
  if (!statSync(path).isFile()) throw new UserError(`not a model file (a directory): ${spec}`);
  return path;
}
