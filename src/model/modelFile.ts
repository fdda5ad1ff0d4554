/**
 * Model files: safetensors with the config, labels and training record as JSON strings in the
 * header metadata. Loading checks the weights against the shapes the config implies, so a file
 * that loads is a file the forward pass can run.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { jsonProblem, UserError } from '../rasp/errors.ts';
import type { Value } from '../rasp/values.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { expectedShapes, sameShape } from './shapes.ts';
import {
  BOS,
  FORMAT_VERSION,
  type DirectionLabel,
  type DirectionRole,
  type LayerConfig,
  type ModelConfig,
  type ModelData,
  type ModelLabels,
  type OutputSpec,
  type TrainingInfo,
} from './types.ts';

export const META_FORMAT = 'rasplab.format';
export const META_CONFIG = 'rasplab.config';
export const META_LABELS = 'rasplab.labels';
export const META_TRAINING = 'rasplab.training';

export function serializeModel(m: ModelData): Uint8Array {
  checkWeights(m.config, m.weights, 'model');
  const metadata: Record<string, string> = {
    [META_FORMAT]: String(FORMAT_VERSION),
    [META_CONFIG]: JSON.stringify(m.config),
    [META_LABELS]: JSON.stringify(m.labels),
  };
  if (m.training) metadata[META_TRAINING] = JSON.stringify(m.training);
  // Write weights in the config's order so files are byte-for-byte reproducible.
  const ordered = new Map([...expectedShapes(m.config).keys()].map((k) => [k, m.weights.get(k)!]));
  return encodeSafetensors(ordered, metadata);
}

export function deserializeModel(bytes: Uint8Array, sourceName: string): ModelData {
  const { tensors, metadata } = decodeSafetensors(bytes, sourceName);
  const fail = (why: string): never => {
    throw new UserError(`${sourceName}: ${why}`);
  };
  const format = metadata[META_FORMAT];
  if (format === undefined) fail(`not a rasplab model: metadata '${META_FORMAT}' is missing`);
  if (format !== String(FORMAT_VERSION)) fail(`model format ${JSON.stringify(format)} is not supported (this version reads format ${FORMAT_VERSION})`);
  const parse = (key: string): unknown => {
    const text = metadata[key];
    if (text === undefined) fail(`metadata '${key}' is missing`);
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(`metadata '${key}' is not valid JSON (${jsonProblem(e)})`);
    }
  };
  const config = validateConfig(parse(META_CONFIG), (why) => fail(`metadata '${META_CONFIG}': ${why}`));
  const labels = validateLabels(parse(META_LABELS), (why) => fail(`metadata '${META_LABELS}': ${why}`));
  let training: TrainingInfo | undefined;
  if (metadata[META_TRAINING] !== undefined) {
    const t = parse(META_TRAINING);
    if (typeof t !== 'object' || t === null || Array.isArray(t)) fail(`metadata '${META_TRAINING}' is not a JSON object`);
    training = t as TrainingInfo;
  }
  checkWeights(config, tensors, sourceName);
  return training ? { config, labels, training, weights: tensors } : { config, labels, weights: tensors };
}

/** Every weight the config implies is present with its exact shape, and nothing else. */
function checkWeights(config: ModelConfig, weights: ReadonlyMap<string, { shape: readonly number[] }>, where: string): void {
  const expected = expectedShapes(config);
  for (const [name, shape] of expected) {
    const w = weights.get(name);
    if (!w) throw new UserError(`${where}: weight '${name}' is missing (the config needs shape [${shape.join(', ')}])`);
    if (!sameShape(w.shape, shape)) throw new UserError(`${where}: weight '${name}' has shape [${w.shape.join(', ')}], the config needs [${shape.join(', ')}]`);
  }
  for (const name of weights.keys()) if (!expected.has(name)) throw new UserError(`${where}: unknown weight '${name}' (not implied by the config)`);
}

/** Writes to a temporary file beside `path` and renames it, so a crash never leaves half a model. */
export function saveModel(path: string, m: ModelData): void {
  const bytes = serializeModel(m);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new UserError(`${path}: cannot write model (${err.code ?? err.message})`);
  }
}

export function loadModel(path: string): ModelData {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UserError(`${path}: cannot read model file (${err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message)})`);
  }
  // The likeliest mix-up: a program given where its compiled model belongs.
  if (/\.rasp$/i.test(path)) throw new UserError(`${path}: not a safetensors model file but a RASP program; compile it to a model first`);
  return deserializeModel(bytes, path);
}

// ---- metadata validation -------------------------------------------------------------------

type Fail = (why: string) => never;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isValue = (x: unknown): x is Value => typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean';
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

export function validateConfig(raw: unknown, fail: Fail): ModelConfig {
  if (!isObj(raw)) fail('not a JSON object');
  const c = raw as Record<string, unknown>;
  if (c.formatVersion !== FORMAT_VERSION) fail(`formatVersion ${JSON.stringify(c.formatVersion)} is not ${FORMAT_VERSION}`);
  if (!isCount(c.dModel) || c.dModel === 0) fail(`dModel ${JSON.stringify(c.dModel)} is not a positive integer`);
  if (!isCount(c.nCtx) || c.nCtx === 0) fail(`nCtx ${JSON.stringify(c.nCtx)} is not a positive integer`);
  if (!Array.isArray(c.vocab) || !c.vocab.every(isValue)) fail('vocab is not a list of numbers, strings and booleans');
  const vocab = c.vocab as Value[];
  if (vocab[0] !== BOS) fail(`vocab[0] must be '${BOS}', got ${JSON.stringify(vocab[0])}`);
  if (!Array.isArray(c.layers)) fail('layers is not a list');
  const layers: LayerConfig[] = (c.layers as unknown[]).map((L, i) => {
    if (!isObj(L) || !isCount(L.nHeads) || !isCount(L.dHead) || !isCount(L.dMlp)) fail(`layers[${i}] is not {nHeads, dHead, dMlp} with non-negative integers`);
    const l = L as Record<string, number>;
    if (l.nHeads > 0 && l.dHead === 0) fail(`layers[${i}] has ${l.nHeads} heads of width 0`);
    return { nHeads: l.nHeads, dHead: l.dHead, dMlp: l.dMlp };
  });
  const out = c.output;
  let output: OutputSpec;
  if (isObj(out) && out.encoding === 'numerical') output = { encoding: 'numerical' };
  else if (isObj(out) && out.encoding === 'categorical' && Array.isArray(out.values) && out.values.length > 0 && out.values.every(isValue))
    output = { encoding: 'categorical', values: out.values as Value[] };
  else return fail('output is neither {encoding: "numerical"} nor {encoding: "categorical", values: [...]}');
  if (c.normalization !== 'none' && c.normalization !== 'LN') fail(`normalization ${JSON.stringify(c.normalization)} is not 'none' or 'LN'`);
  if (typeof c.causal !== 'boolean') fail('causal is not true or false');
  if (c.actFn !== 'relu' && c.actFn !== 'gelu') fail(`actFn ${JSON.stringify(c.actFn)} is not 'relu' or 'gelu'`);
  if (typeof c.attnScale !== 'number' || !(c.attnScale > 0) || !Number.isFinite(c.attnScale))
    fail(`attnScale ${JSON.stringify(c.attnScale)} is not a positive number`);
  if (c.origin !== 'compiled' && c.origin !== 'learned') fail(`origin ${JSON.stringify(c.origin)} is not 'compiled' or 'learned'`);
  return {
    formatVersion: FORMAT_VERSION,
    dModel: c.dModel as number,
    nCtx: c.nCtx as number,
    vocab,
    layers,
    output,
    normalization: c.normalization as 'none' | 'LN',
    causal: c.causal as boolean,
    actFn: c.actFn as 'relu' | 'gelu',
    attnScale: c.attnScale as number,
    origin: c.origin as 'compiled' | 'learned',
  };
}

export function validateLabels(raw: unknown, fail: Fail): ModelLabels {
  if (!isObj(raw)) fail('not a JSON object');
  const l = raw as Record<string, unknown>;
  for (const key of ['residual', 'heads', 'mlps']) if (!Array.isArray(l[key]) || !(l[key] as unknown[]).every(isObj)) fail(`${key} is not a list of objects`);
  if (l.program !== undefined && !isObj(l.program)) fail('program is not an object');
  if (l.inherited !== undefined && !(isObj(l.inherited) && typeof l.inherited.file === 'string')) fail('inherited is not an object with a file');
  const labels = raw as unknown as ModelLabels;
  return { ...labels, residual: labels.residual.map(withRole) };
}

/**
 * Files written before directions carried a role still say what each is: the fixed and input
 * directions by their reserved names, temporaries by the colon in their name (`w:1/(w+1)`): the
 * compiler that wrote them replaced every colon in an s-op's name, so only temporaries have one.
 */
function withRole(d: DirectionLabel): DirectionLabel {
  if (d.role !== undefined) return d;
  const role: DirectionRole =
    d.sop === 'one' || d.sop === 'bos' ? 'fixed' : d.sop === 'tokens' || d.sop === 'indices' ? d.sop : d.sop.includes(':') ? 'temp' : 'sop';
  return { ...d, role };
}
