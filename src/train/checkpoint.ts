/**
 * Training checkpoints: weights, AdamW moments, the step reached and the run's fingerprint, in one
 * file written atomically (temporary file, then rename), so an interrupted write never leaves a
 * half checkpoint where a good one was. Data is a pure function of (seed, step), so (seed, step)
 * is the whole random state; nothing else needs saving to continue bit for bit.
 *
 * Layout: 8-byte magic, u32 LE header length, JSON header, zero padding to a multiple of 4, then
 * the float32 (LE) tensors the header lists.
 */
import * as fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { UserError } from '../rasp/errors.ts';
import { describeNonFinite, firstNonFinite } from '../model/finite.ts';
import { validateConfig, validateLabels } from '../model/modelFile.ts';
import { expectedShapes, sameShape } from '../model/shapes.ts';
import type { ModelConfig, ModelLabels, WeightArray } from '../model/types.ts';

const MAGIC = 'RLCKPT01';

export interface Checkpoint {
  /** JSON of everything that must match for a resume to continue the same run. */
  readonly fingerprint: string;
  /** Optimisation steps completed. */
  readonly step: number;
  readonly seed: number;
  readonly config: ModelConfig;
  readonly labels: ModelLabels;
  readonly names: readonly string[];
  readonly params: readonly WeightArray[];
  readonly m: readonly WeightArray[];
  readonly v: readonly WeightArray[];
  /** AdamW's update count (its bias correction depends on it). */
  readonly t: number;
  /** Wall time spent in earlier sessions of this run, seconds. */
  readonly wallTimeS: number;
  /** Best held-out exact match so far, and anything else worth carrying across sessions. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** learned.safetensors → learned.ckpt (beside the output). */
export function checkpointPathFor(outputPath: string): string {
  return outputPath.replace(/(\.safetensors)?$/, '.ckpt');
}

interface TensorEntry {
  readonly group: 'params' | 'm' | 'v';
  readonly index: number;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

export function serializeCheckpoint(c: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  const groups = { params: c.params, m: c.m, v: c.v } as const;
  for (const group of ['params', 'm', 'v'] as const)
    groups[group].forEach((w, index) => {
      entries.push({ group, index, shape: w.shape, offset, length: w.data.length });
      offset += w.data.length;
    });
  const { params: _p, m: _m, v: _v, ...meta } = c;
  const header = new TextEncoder().encode(JSON.stringify({ ...meta, tensors: entries }));
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  for (const e of entries) floats.set(groups[e.group][e.index].data, e.offset);
  return bytes;
}

const GROUPS = ['params', 'm', 'v'] as const;
type Group = (typeof GROUPS)[number];

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * Reads a checkpoint, checking every field before any is used: a checkpoint is a file on disk
 * that a crash, a full disk or a person may have edited, and resuming from a bad one would train
 * on garbage or write outside the arrays (a `group` of "__proto__" once reached Object.prototype).
 */
export function deserializeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const bad = (why: string) => new UserError(`${source}: not a usable rasplab checkpoint (${why})`);
  const fail = (why: string): never => {
    throw bad(why);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('wrong magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw bad('truncated header');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLen)));
  } catch {
    throw bad('corrupt header');
  }
  if (!isObject(raw)) return fail('header is not a JSON object');
  const h = raw;
  if (typeof h.fingerprint !== 'string') fail('fingerprint is not a string');
  if (!isCount(h.step)) fail(`step ${JSON.stringify(h.step)} is not a non-negative integer`);
  if (!Number.isSafeInteger(h.seed)) fail(`seed ${JSON.stringify(h.seed)} is not an integer`);
  if (!isCount(h.t)) fail(`t ${JSON.stringify(h.t)} is not a non-negative integer`);
  if (typeof h.wallTimeS !== 'number' || !(h.wallTimeS >= 0) || !Number.isFinite(h.wallTimeS)) fail(`wallTimeS ${JSON.stringify(h.wallTimeS)} is not a time`);
  if (!isObject(h.extra)) return fail('extra is not an object');
  // What a resume reads back from `extra`: the warm-up (it shapes the schedule) and the evaluations so far.
  if (h.extra.warmup !== undefined && !isCount(h.extra.warmup)) fail(`extra.warmup ${JSON.stringify(h.extra.warmup)} is not a non-negative integer`);
  const evals = h.extra.evals;
  if (evals !== undefined && !(Array.isArray(evals) && evals.every((e) => Array.isArray(e) && e.length === 2 && isCount(e[0]) && typeof e[1] === 'number')))
    fail('extra.evals is not a list of [step, accuracy] pairs');
  const config = validateConfig(h.config, (why) => fail(`config: ${why}`));
  const labels = validateLabels(h.labels, config, (why) => fail(`labels: ${why}`));
  const names = h.names;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return fail('names is not a list of strings');
  if (new Set(names).size !== names.length) fail('names lists a tensor twice');
  if (!Array.isArray(h.tensors)) return fail('tensors is not a list');

  const dataStart = Math.ceil((12 + headerLen) / 4) * 4;
  const floatsIn = Math.max(0, Math.floor((bytes.length - dataStart) / 4));
  const groups: Record<Group, (WeightArray | undefined)[]> = { params: [], m: [], v: [] };
  let total = 0;
  for (const [i, e] of (h.tensors as unknown[]).entries()) {
    if (!isObject(e)) return fail(`tensors[${i}] is not an object`);
    // Compared with each group's name, never looked up: the name comes from the file.
    const group = GROUPS.find((g) => g === e.group);
    if (group === undefined) return fail(`tensors[${i}].group ${JSON.stringify(e.group)} is not one of ${GROUPS.join(', ')}`);
    const index = e.index;
    if (!isCount(index) || index >= names.length) return fail(`tensors[${i}].index ${JSON.stringify(index)} is not below the ${names.length} names`);
    if (groups[group][index] !== undefined) fail(`tensors[${i}] repeats ${group}[${index}]`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`tensors[${i}].shape is not a list of non-negative integers`);
    const { offset, length } = e;
    if (!isCount(offset) || !isCount(length)) return fail(`tensors[${i}] has no valid offset and length`);
    if (length !== shape.reduce((a: number, b: number) => a * b, 1))
      fail(`tensors[${i}] holds ${length} values, its shape [${shape.join(', ')}] needs another count`);
    if (offset + length > floatsIn) throw bad('truncated data');
    total = Math.max(total, offset + length);
    groups[group][index] = { shape, data: new Float32Array(0) };
  }
  if (dataStart + total * 4 > bytes.length) throw bad('truncated data');
  // Copy: the file's buffer need not be 4-byte aligned where the data starts.
  // (Uint8Array's slice copies; a Node Buffer's own slice would only make a view.)
  const floats = new Float32Array(Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + total * 4).buffer);
  for (const e of h.tensors as { group: Group; index: number; offset: number; length: number }[]) {
    const w = groups[e.group][e.index]!;
    groups[e.group][e.index] = { shape: w.shape, data: floats.slice(e.offset, e.offset + e.length) };
  }
  const arrays = {} as Record<Group, WeightArray[]>;
  for (const g of GROUPS) {
    const ws = groups[g];
    for (let i = 0; i < names.length; i++) {
      const w = ws[i];
      if (w === undefined) return fail(`${g} has no tensor for '${names[i]}'`);
      if (g !== 'params' && !sameShape(w.shape, groups.params[i]!.shape))
        fail(`${g} of '${names[i]}' has shape [${w.shape.join(', ')}], its weight [${groups.params[i]!.shape.join(', ')}]`);
    }
    arrays[g] = ws as WeightArray[];
    const nonFinite = firstNonFinite(arrays[g].map((w, i) => [names[i], w] as const));
    if (nonFinite) fail(`${describeNonFinite(nonFinite, g === 'params' ? 'weight' : `AdamW's ${g} of`)}`);
  }
  return {
    fingerprint: h.fingerprint as string,
    step: h.step as number,
    seed: h.seed as number,
    config,
    labels,
    names: names as string[],
    params: arrays.params,
    m: arrays.m,
    v: arrays.v,
    t: h.t as number,
    wallTimeS: h.wallTimeS as number,
    extra: h.extra as Record<string, unknown>,
  };
}

/** Whether a checkpoint can continue training `config`: the same config, and exactly the weights it implies, each of its shape. */
export function checkResumable(c: Checkpoint, config: ModelConfig, source: string): void {
  const bad = (why: string): never => {
    throw new UserError(`${source}: not a usable rasplab checkpoint for this run (${why})`);
  };
  if (!isDeepStrictEqual(c.config, config)) bad("its model config differs from the run's");
  const expected = expectedShapes(config);
  c.params.forEach((w, i) => {
    const want = expected.get(c.names[i]);
    if (!want) bad(`weight '${c.names[i]}' is not one the model has`);
    if (!sameShape(w.shape, want!)) bad(`weight '${c.names[i]}' has shape [${w.shape.join(', ')}], the model needs [${want!.join(', ')}]`);
  });
  const missing = [...expected.keys()].find((n) => !c.names.includes(n));
  if (missing !== undefined) bad(`weight '${missing}' is missing`);
}

export function saveCheckpoint(file: string, c: Checkpoint): void {
  writeFileAtomic(file, serializeCheckpoint(c), { makeFolder: true });
}

export function loadCheckpoint(file: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UserError(`cannot read checkpoint ${file}`);
  }
  return deserializeCheckpoint(bytes, file);
}
