/**
 * Every count a user or a file can set, with its ceiling: each is checked before any work or
 * allocation, so an extreme value (a flag, a header, a model file's metadata) is refused at once
 * instead of after minutes and gigabytes. Each ceiling can be raised with its environment variable
 * by someone who means it; the README's "Limits" table lists them.
 *
 * This lives in src/rasp because every folder may import src/rasp and src/rasp imports nothing else.
 */
import { RaspError, type SourceLoc } from './errors.ts';

export interface Limit {
  /** The default ceiling. */
  readonly value: number;
  /** The environment variable that raises (or lowers) it. */
  readonly env: string;
  /** Why there is a ceiling at all. */
  readonly why: string;
}

export const LIMITS = {
  programBytes: { value: 1 << 20, env: 'RASPLAB_MAX_PROGRAM_BYTES', why: 'a program file, and each file it loads, is read whole into memory' },
  elaborationSteps: {
    value: 50_000,
    env: 'RASPLAB_MAX_ELABORATION_STEPS',
    why: 'def calls and loop iterations while a program is read: nested defs and loops multiply',
  },
  listItems: { value: 100_000, env: 'RASPLAB_MAX_LIST_ITEMS', why: 'a constant list (range, a comprehension) is built whole' },
  maxLen: {
    value: 1024,
    env: 'RASPLAB_MAX_LEN',
    why: 'the longest input: value sets grow with it, and every attention pattern with its square',
  },
  vocab: { value: 1000, env: 'RASPLAB_MAX_VOCAB', why: 'value sets, embeddings and compiled residual widths grow with it' },
  valueSet: {
    value: 10_000,
    env: 'RASPLAB_MAX_VALUE_SET',
    why: 'the values one s-op can take (and the input combinations a map is tried on); each is a compiled direction',
  },
  samples: { value: 100_000, env: 'RASPLAB_MAX_SAMPLES', why: "probe and verification inputs (and a claim's fit inputs) are held in memory" },
  runs: { value: 100_000, env: 'RASPLAB_MAX_RUNS', why: 'generated inputs per claim, each a forward pass' },
  claims: { value: 10_000, env: 'RASPLAB_MAX_CLAIMS', why: 'claims in one hypothesis file, each checked on every run' },
  testSize: { value: 100_000, env: 'RASPLAB_MAX_TEST_SIZE', why: 'held-out sequences are held in memory and evaluated in full' },
  batch: { value: 4096, env: 'RASPLAB_MAX_BATCH', why: 'sequences per training step: activations grow with it' },
  layers: { value: 64, env: 'RASPLAB_MAX_LAYERS', why: 'layers of a learned model' },
  heads: { value: 64, env: 'RASPLAB_MAX_HEADS', why: 'attention heads per layer: each holds a length² pattern' },
  dModel: {
    value: 4096,
    env: 'RASPLAB_MAX_D_MODEL',
    why: 'residual width of a learned model, and the most residual directions a claim can name',
  },
  dHead: { value: 4096, env: 'RASPLAB_MAX_D_HEAD', why: 'width per attention head' },
  dMlp: { value: 16_384, env: 'RASPLAB_MAX_D_MLP', why: 'MLP hidden width' },
  params: {
    value: 100_000_000,
    env: 'RASPLAB_MAX_PARAMS',
    why: 'weights of one compiled or learned model (float32: 400 MB), held and written whole',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The ceiling in force: the environment variable's value when set, else the default. */
export function ceilingOf(name: LimitName): number {
  const { value, env } = LIMITS[name];
  const text = process.env[env];
  if (text === undefined || text.trim() === '') return value;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n <= 0) throw new RaspError(`${env} must be a positive integer, got '${text}'`);
  return n;
}

/** How to raise a ceiling, as every refusal ends. */
export function raiseHint(name: LimitName): string {
  return `raise it with ${LIMITS[name].env} if you mean it`;
}

/** The message for `subject` (e.g. `--max-len 100000000`) above the ceiling. */
export function aboveCeiling(name: LimitName, subject: string): string {
  return `${subject} is above the ceiling of ${ceilingOf(name)}; ${raiseHint(name)}`;
}

/** Refuses `value` above the ceiling with a RaspError saying so (at `loc` when a file set it). */
export function checkCeiling(name: LimitName, value: number, subject: string, loc?: SourceLoc): void {
  if (value > ceilingOf(name)) throw new RaspError(aboveCeiling(name, subject), loc);
}
