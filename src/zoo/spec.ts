/**
 * A sweep spec: the YAML file `rasplab sweep` reads. Programs × sizes × training options × seeds,
 * and the analyses each model gets. Every key is checked against the names below, which are the
 * names of src/train's `ArchFlags` and `TrainFlags`, so a spec says `dModel` and `lr` as the
 * trainer does; an unknown key or a list with nothing in it is refused in one line that names
 * file:line:col (from the yaml package's node ranges).
 *
 * A value given as a list is a set of alternatives (the sweep takes their product), except where
 * the value is a list itself (`vocab`, `testLengths`): there a list of lists gives alternatives.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../rasp/errors.ts';
import type { Value } from '../rasp/values.ts';

/** One value or a set of alternatives, as the spec gives it (alternatives always a list here). */
export type Choices<T> = readonly T[];

export interface ProgramEntry {
  /** A library name or a .rasp path, relative to the spec's folder. */
  readonly program: string;
  readonly output?: string;
  /** Where the entry is, for messages about it. */
  readonly at: string;
}

export type SizeKey = 'layers' | 'heads' | 'dModel' | 'dHead' | 'dMlp' | 'attnOnly' | 'layernorm' | 'causal' | 'actFn';
export type TrainKey =
  | 'vocab'
  | 'minLen'
  | 'maxLen'
  | 'testLengths'
  | 'steps'
  | 'batch'
  | 'lr'
  | 'weightDecay'
  | 'warmup'
  | 'decay'
  | 'clipNorm'
  | 'andMask'
  | 'dataFraction'
  | 'initFrom'
  | 'targetAcc'
  | 'tolerance'
  | 'testSize'
  | 'evalEvery';

export interface VerifySpec {
  /** Also verify on this many lengths past the training maximum (the models' context is made long enough). */
  readonly beyond: number;
  /** Random inputs per check when the input space is larger than verify's exhaustive limit. */
  readonly samples: number;
}

export interface CompareSpec {
  /** Probe inputs the comparison with the compiled model runs on. */
  readonly samples: number;
}

export interface VolumeSpec {
  /** Random directions (filter-normalised) along which the radius is measured. */
  readonly directions: number;
  /** The cutoff: the model's own loss plus this. */
  readonly rise: number;
  /** Probe inputs of the training lengths the loss is measured on. */
  readonly samples: number;
}

export interface ConnectSpec<R = string> {
  /** The model to connect each model to: a path relative to the spec (in a job: the file and its hash). */
  readonly reference: R;
  /** Points on the straight line between the two, ends included. */
  readonly points: number;
  readonly samples: number;
}

export interface DiscoverySpec {
  /** ACDC's threshold (the rise in KL an edge must cause to stay). */
  readonly threshold: number;
  readonly samples: number;
}

export interface AnalysesSpec<R = string> {
  readonly verify?: VerifySpec;
  readonly compare?: CompareSpec;
  readonly volume?: VolumeSpec;
  readonly connect?: ConnectSpec<R>;
  readonly discovery?: DiscoverySpec;
}

export interface SweepSpec {
  readonly file: string;
  readonly programs: readonly ProgramEntry[];
  /** Each size: its keys' alternatives. Empty when `training.initFrom` gives the models (their architecture is the initial model's). */
  readonly sizes: readonly Readonly<Partial<Record<SizeKey, Choices<number | boolean | string>>>>[];
  readonly training: Readonly<Partial<Record<TrainKey, Choices<number | string | readonly Value[]>>>>;
  readonly seeds: readonly number[];
  readonly analyses: AnalysesSpec;
}

const TOP_KEYS = ['programs', 'sizes', 'training', 'seeds', 'analyses'] as const;
const PROGRAM_KEYS = ['program', 'output'] as const;
export const SIZE_KEYS: readonly SizeKey[] = ['layers', 'heads', 'dModel', 'dHead', 'dMlp', 'attnOnly', 'layernorm', 'causal', 'actFn'];
export const TRAIN_KEYS: readonly TrainKey[] = [
  'vocab',
  'minLen',
  'maxLen',
  'testLengths',
  'steps',
  'batch',
  'lr',
  'weightDecay',
  'warmup',
  'decay',
  'clipNorm',
  'andMask',
  'dataFraction',
  'initFrom',
  'targetAcc',
  'tolerance',
  'testSize',
  'evalEvery',
];
const BOOLEAN_SIZE_KEYS = new Set<SizeKey>(['attnOnly', 'layernorm', 'causal']);
const STRING_KEYS = new Set<string>(['actFn', 'decay', 'initFrom']);
/** Values that are lists themselves. */
const LIST_KEYS = new Set<string>(['vocab', 'testLengths']);
const ANALYSIS_KEYS = ['verify', 'compare', 'volume', 'connect', 'discovery'] as const;
export const DEFAULT_VERIFY: VerifySpec = { beyond: 0, samples: 2000 };
export const DEFAULT_COMPARE: CompareSpec = { samples: 128 };
/** Small on purpose: a sweep measures every model, and the figures compare models with each other. */
export const DEFAULT_VOLUME: VolumeSpec = { directions: 4, rise: 0.1, samples: 64 };
export const DEFAULT_CONNECT: Omit<ConnectSpec, 'reference'> = { points: 5, samples: 64 };
export const DEFAULT_DISCOVERY: DiscoverySpec = { threshold: 0.01, samples: 32 };

class Locator {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}
  at(node: Node | null | undefined): string {
    const offset = node?.range?.[0];
    if (offset === undefined) return this.file;
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }
  fail(node: Node | null | undefined, msg: string): never {
    throw new UserError(`${this.at(node)}: ${msg}`);
  }
}

/** The map's entries as [key, value node], refusing keys not in `allowed` (with their location). */
function entries(loc: Locator, node: Node | null, allowed: readonly string[], what: string): Map<string, { key: Node; value: Node | null }> {
  if (!isMap(node)) loc.fail(node, `${what} must be a mapping of ${allowed.join(', ')}`);
  const out = new Map<string, { key: Node; value: Node | null }>();
  for (const pair of (node as YAMLMap).items) {
    const key = pair.key as Node;
    const name = isScalar(key) ? String(key.value) : '?';
    if (!allowed.includes(name)) loc.fail(key, `unknown key '${name}' in ${what} (known: ${allowed.join(', ')})`);
    if (out.has(name)) loc.fail(key, `'${name}' is given twice in ${what}`);
    out.set(name, { key, value: pair.value as Node | null });
  }
  return out;
}

function scalarOf(loc: Locator, node: Node | null, name: string, kind: 'number' | 'boolean' | 'string' | 'token'): number | boolean | string {
  if (!isScalar(node)) loc.fail(node, `'${name}' must be a ${kind === 'token' ? 'token' : kind}`);
  const v = node.value;
  if (kind === 'token' ? typeof v !== 'string' && typeof v !== 'number' : typeof v !== kind)
    loc.fail(node, `'${name}' must be a ${kind}, got ${JSON.stringify(v)}`);
  return v as number | boolean | string;
}

/** A list that must hold something: an empty one leaves the sweep with no jobs. */
function nonEmptySeq(loc: Locator, node: Node | null, name: string): Node[] {
  if (!isSeq(node)) loc.fail(node, `'${name}' must be a list`);
  if (node.items.length === 0) loc.fail(node, `'${name}' is an empty list: the sweep would have no jobs`);
  return node.items as Node[];
}

/** A key's alternatives: a list of them, or one value. */
function choices(loc: Locator, node: Node | null, name: string, kind: 'number' | 'boolean' | 'string'): (number | boolean | string | Value[])[] {
  const one = (n: Node | null) =>
    LIST_KEYS.has(name)
      ? nonEmptySeq(loc, n, name).map((t) => scalarOf(loc, t, `${name}' entries`, name === 'vocab' ? 'token' : 'number') as Value)
      : scalarOf(loc, n, name, kind);
  if (!isSeq(node)) return [one(node)];
  const items = nonEmptySeq(loc, node, name);
  if (LIST_KEYS.has(name) && !items.some((i) => isSeq(i))) return [one(node)];
  return items.map(one);
}

function kindOf(name: string): 'number' | 'boolean' | 'string' {
  return BOOLEAN_SIZE_KEYS.has(name as SizeKey) ? 'boolean' : STRING_KEYS.has(name) ? 'string' : 'number';
}

function positiveIntOf(loc: Locator, node: Node | null, name: string, zeroOk = false): number {
  const v = scalarOf(loc, node, name, 'number') as number;
  if (!Number.isInteger(v) || v < (zeroOk ? 0 : 1)) loc.fail(node, `'${name}' must be a ${zeroOk ? 'non-negative' : 'positive'} integer, got ${v}`);
  return v;
}

function positiveNumberOf(loc: Locator, node: Node | null, name: string): number {
  const v = scalarOf(loc, node, name, 'number') as number;
  if (!(v > 0) || !Number.isFinite(v)) loc.fail(node, `'${name}' must be a positive number, got ${v}`);
  return v;
}

function readAnalyses(loc: Locator, node: Node | null): AnalysesSpec {
  const keys = entries(loc, node, ANALYSIS_KEYS, 'analyses');
  const out: { -readonly [K in keyof AnalysesSpec]: AnalysesSpec[K] } = {};
  const options = (n: Node | null, allowed: readonly string[], what: string) =>
    n === null || (isScalar(n) && n.value === null) ? new Map() : entries(loc, n, allowed, what);
  if (keys.has('verify')) {
    const v = options(keys.get('verify')!.value, ['beyond', 'samples'], 'analyses.verify');
    out.verify = {
      beyond: v.has('beyond') ? positiveIntOf(loc, v.get('beyond')!.value, 'beyond', true) : DEFAULT_VERIFY.beyond,
      samples: v.has('samples') ? positiveIntOf(loc, v.get('samples')!.value, 'samples') : DEFAULT_VERIFY.samples,
    };
  }
  if (keys.has('compare')) {
    const c = options(keys.get('compare')!.value, ['samples'], 'analyses.compare');
    out.compare = { samples: c.has('samples') ? positiveIntOf(loc, c.get('samples')!.value, 'samples') : DEFAULT_COMPARE.samples };
  }
  const int = (m: Map<string, { value: Node | null }>, name: string, dflt: number) => (m.has(name) ? positiveIntOf(loc, m.get(name)!.value, name) : dflt);
  if (keys.has('volume')) {
    const v = options(keys.get('volume')!.value, ['directions', 'rise', 'samples'], 'analyses.volume');
    out.volume = {
      directions: int(v, 'directions', DEFAULT_VOLUME.directions),
      rise: v.has('rise') ? positiveNumberOf(loc, v.get('rise')!.value, 'rise') : DEFAULT_VOLUME.rise,
      samples: int(v, 'samples', DEFAULT_VOLUME.samples),
    };
  }
  if (keys.has('connect')) {
    const at = keys.get('connect')!;
    const c = options(at.value, ['reference', 'points', 'samples'], 'analyses.connect');
    if (!c.has('reference')) loc.fail(at.key, "analyses.connect needs 'reference' (a model file, relative to the spec)");
    const points = int(c, 'points', DEFAULT_CONNECT.points);
    if (points < 2) loc.fail(c.get('points')!.value, `'points' must be at least 2 (the two ends), got ${points}`);
    out.connect = {
      reference: String(scalarOf(loc, c.get('reference')!.value, 'reference', 'string')),
      points,
      samples: int(c, 'samples', DEFAULT_CONNECT.samples),
    };
  }
  if (keys.has('discovery')) {
    const d = options(keys.get('discovery')!.value, ['threshold', 'samples'], 'analyses.discovery');
    const threshold = d.has('threshold') ? (scalarOf(loc, d.get('threshold')!.value, 'threshold', 'number') as number) : DEFAULT_DISCOVERY.threshold;
    if (!(threshold >= 0) || !Number.isFinite(threshold)) loc.fail(d.get('threshold')!.value, `'threshold' must be a number ≥ 0, got ${threshold}`);
    out.discovery = { threshold, samples: int(d, 'samples', DEFAULT_DISCOVERY.samples) };
  }
  return out;
}

/** Parses and checks a spec's text; `file` names it in messages. */
export function parseSweepSpec(text: string, file: string): SweepSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const loc = new Locator(file, lines);
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new UserError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${err.message.split('\n')[0]}`);
  }
  const top = entries(loc, doc.contents as Node | null, TOP_KEYS, 'the sweep spec');
  if (!top.has('programs')) loc.fail(doc.contents as Node, "the sweep spec has no 'programs'");

  const programs = nonEmptySeq(loc, top.get('programs')!.value, 'programs').map((n): ProgramEntry => {
    if (isScalar(n)) return { program: String(scalarOf(loc, n, 'programs entries', 'string')), at: loc.at(n) };
    const p = entries(loc, n, PROGRAM_KEYS, 'a programs entry');
    if (!p.has('program')) loc.fail(n, "a programs entry needs 'program' (a library name or a .rasp file)");
    const output = p.get('output');
    return {
      program: String(scalarOf(loc, p.get('program')!.value, 'program', 'string')),
      ...(output ? { output: String(scalarOf(loc, output.value, 'output', 'string')) } : {}),
      at: loc.at(n),
    };
  });

  const training: Partial<Record<TrainKey, (number | string | Value[])[]>> = {};
  const trainingNode = top.get('training')?.value ?? null;
  if (top.has('training'))
    for (const [name, { value }] of entries(loc, trainingNode, TRAIN_KEYS, 'training'))
      training[name as TrainKey] = choices(loc, value, name, kindOf(name)) as (number | string | Value[])[];
  // A fine-tuned model has its initial model's architecture: sizes go with fresh models only.
  if (training.initFrom && top.has('sizes'))
    loc.fail(top.get('sizes')!.key, "'sizes' and training.initFrom exclude each other: a model trained from another has that model's architecture");
  if (!training.initFrom && !top.has('sizes')) loc.fail(doc.contents as Node, "the sweep spec has no 'sizes' (nor training.initFrom)");

  const sizes = (top.has('sizes') ? nonEmptySeq(loc, top.get('sizes')!.value, 'sizes') : []).map((n) => {
    const size: Partial<Record<SizeKey, (number | boolean | string)[]>> = {};
    for (const [name, { value }] of entries(loc, n, SIZE_KEYS, 'a sizes entry'))
      size[name as SizeKey] = choices(loc, value, name, kindOf(name)) as (number | boolean | string)[];
    for (const need of ['layers', 'heads', 'dModel'] as const) if (!size[need]) loc.fail(n, `a sizes entry needs '${need}'`);
    return size;
  });

  const seedsNode = top.get('seeds')?.value ?? null;
  const seeds =
    seedsNode === null
      ? [0]
      : isSeq(seedsNode)
        ? nonEmptySeq(loc, seedsNode, 'seeds').map((s) => intOf(loc, s, 'seeds entries'))
        : [intOf(loc, seedsNode, 'seeds')];
  const analyses = top.has('analyses') ? readAnalyses(loc, top.get('analyses')!.value) : { verify: DEFAULT_VERIFY };
  return { file, programs, sizes, training, seeds, analyses };
}

function intOf(loc: Locator, node: Node | null, name: string): number {
  const v = scalarOf(loc, node, name, 'number') as number;
  if (!Number.isInteger(v)) loc.fail(node, `'${name}' must be an integer, got ${v}`);
  return v;
}
