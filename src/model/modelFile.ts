/**
 * Model files: safetensors with the config, labels and training record as JSON strings in the
 * header metadata. Loading checks the weights against the shapes the config implies, so a file
 * that loads is a file the forward pass can run.
 */
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { jsonProblem, RaspError, UserError } from '../rasp/errors.ts';
import { readRegularFile, type SizeLimit } from '../rasp/programFile.ts';
import { aboveCeiling, ceilingOf, raiseHint } from '../rasp/limits.ts';
import { valueKey, type Value } from '../rasp/values.ts';
import { describeNonFinite, firstNonFinite } from './finite.ts';
import { circuitGraph, edgeName, nodeName } from './circuitGraph.ts';
import { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES } from './safetensors.ts';
import { expectedShapes, sameShape } from './shapes.ts';
import { TL_META } from './tlFormat.ts';
import {
  BOS,
  FORMAT_VERSION,
  type DirectionLabel,
  type DirectionRole,
  type HeadLabel,
  type LayerConfig,
  type ModelConfig,
  type ModelData,
  type MlpLabel,
  type ModelLabels,
  type OutputSpec,
  type TrainingInfo,
} from './types.ts';

export const META_FORMAT = 'rasplab.format';
export const META_CONFIG = 'rasplab.config';
export const META_LABELS = 'rasplab.labels';
export const META_TRAINING = 'rasplab.training';

export interface LoadOptions {
  /** Load weights that hold NaN or ±Infinity (refused by default: every output would be computed from them). */
  readonly allowNonFinite?: boolean;
}

/** A model file holds numbers only: one that would hold NaN or ±Infinity is never written. */
export function serializeModel(m: ModelData): Uint8Array {
  checkWeights(m.config, m.weights, 'model');
  const bad = firstNonFinite(m.weights);
  if (bad) throw new UserError(`refusing to write a model whose ${describeNonFinite(bad)}`);
  const text = (key: string, value: unknown): string => {
    try {
      return JSON.stringify(value);
    } catch (e) {
      // V8 cannot build a string that long: far past what a header may hold anyway.
      if (e instanceof RangeError) throw new UserError(`refusing to write a model whose metadata '${key}' is too large for a model file`);
      throw e;
    }
  };
  const metadata: Record<string, string> = {
    [META_FORMAT]: String(FORMAT_VERSION),
    [META_CONFIG]: text(META_CONFIG, m.config),
    [META_LABELS]: text(META_LABELS, m.labels),
  };
  if (m.training) metadata[META_TRAINING] = text(META_TRAINING, m.training);
  // What is written is checked as it will be read, so no command writes a file that no command reads.
  const refuse =
    (key: string): Fail =>
    (why) => {
      throw new UserError(`refusing to write a model whose metadata '${key}' is wrong: ${why}`);
    };
  const config = validateConfig(JSON.parse(metadata[META_CONFIG]), refuse(META_CONFIG));
  validateLabels(JSON.parse(metadata[META_LABELS]), config, refuse(META_LABELS));
  if (m.training) validateTraining(JSON.parse(metadata[META_TRAINING]), config, refuse(META_TRAINING));
  // Write weights in the config's order so files are byte-for-byte reproducible.
  const ordered = new Map([...expectedShapes(m.config).keys()].map((k) => [k, m.weights.get(k)!]));
  return encodeSafetensors(ordered, metadata);
}

export function deserializeModel(bytes: Uint8Array, sourceName: string, opts: LoadOptions = {}): ModelData {
  const fail = (why: string): never => {
    throw new UserError(`${sourceName}: ${why}`);
  };
  const notExported = (meta: Record<string, string>) => {
    if (meta[META_FORMAT] === undefined && meta[TL_META.export] !== undefined)
      fail(`a TransformerLens state dict (written by export --tl), not a rasplab model; make one with: rasplab import --tl ${sourceName} -o MODEL.safetensors`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, sourceName, { checkMetadata: notExported });
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
  const labels = validateLabels(parse(META_LABELS), config, (why) => fail(`metadata '${META_LABELS}': ${why}`));
  const training =
    metadata[META_TRAINING] !== undefined ? validateTraining(parse(META_TRAINING), config, (why) => fail(`metadata '${META_TRAINING}': ${why}`)) : undefined;
  checkWeights(config, tensors, sourceName);
  if (!opts.allowNonFinite) {
    const bad = firstNonFinite(tensors);
    if (bad) fail(`${describeNonFinite(bad)}; the file is damaged or comes from a run that diverged (--allow-nonfinite loads it anyway)`);
  }
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

/**
 * The most bytes a file holding `copies` float32 values per weight of the largest model allowed
 * (the params ceiling) can take, header included: a larger one is refused before it is read.
 */
export function modelFileSize(copies: number): SizeLimit {
  const bytes = 8 + MAX_HEADER_BYTES + copies * 4 * ceilingOf('params');
  const refuse = (size: number) =>
    `its size of ${size} bytes is more than a model at the ceiling of ${ceilingOf('params')} weights takes (${bytes} bytes); ${raiseHint('params')}`;
  return { bytes, refuse };
}

/**
 * Where a model file records the file it came from (its program, the model it was fine-tuned
 * from): an absolute path (as commands resolve them) becomes relative to the model file's folder
 * when it is near (that folder, below it, or one folder up), else undefined, so a file records
 * nothing of the machine it was made on; the program's name and source are what commands read.
 */
export function nearPath(file: string, modelPath: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  const rel = relative(dirname(resolve(modelPath)), file);
  const parts = rel.split(sep);
  if (rel === '' || isAbsolute(rel) || parts.slice(1).includes('..')) return undefined;
  return parts.join('/');
}

/**
 * The labels with recorded paths made portable: an absolute program file near the model becomes
 * relative to it, any other is dropped (a relative one was relative to some earlier file's folder);
 * the model a run was fine-tuned from keeps a relative path as typed, an absolute one near or by name.
 */
function portableLabels(labels: ModelLabels, modelPath: string): ModelLabels {
  let out = labels;
  const p = labels.program;
  if (p?.file !== undefined) {
    const { file, ...rest } = p;
    const near = nearPath(file, modelPath);
    out = { ...out, program: near !== undefined ? { ...rest, file: near } : rest };
  }
  const inh = labels.inherited;
  if (inh && isAbsolute(inh.file)) out = { ...out, inherited: { ...inh, file: nearPath(inh.file, modelPath) ?? basename(inh.file) } };
  return out;
}

/** A crash or a full disk never leaves half a model where a whole one was (see atomicWrite.ts). */
export function saveModel(path: string, m: ModelData): void {
  writeFileAtomic(path, serializeModel({ ...m, labels: portableLabels(m.labels, path) }));
}

export function loadModel(path: string, opts: LoadOptions = {}): ModelData {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, modelFileSize(1));
  } catch (e) {
    if (e instanceof RaspError) throw new UserError(`${path}: cannot read model file (${e.message})`);
    throw e;
  }
  // The likeliest mix-up: a program given where its compiled model belongs.
  if (/\.rasp$/i.test(path)) throw new UserError(`${path}: not a safetensors model file but a RASP program; compile it to a model first`);
  return deserializeModel(bytes, path, opts);
}

// ---- metadata validation -------------------------------------------------------------------

type Fail = (why: string) => never;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isValue = (x: unknown): x is Value => typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean';
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** The first value listed a second time (one embedding row or output class per value). */
function repeated(values: readonly Value[]): Value | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(valueKey(v))) return v;
    seen.add(valueKey(v));
  }
  return undefined;
}

export function validateConfig(raw: unknown, fail: Fail): ModelConfig {
  if (!isObj(raw)) fail('not a JSON object');
  const c = raw as Record<string, unknown>;
  if (c.formatVersion !== FORMAT_VERSION) fail(`formatVersion ${JSON.stringify(c.formatVersion)} is not ${FORMAT_VERSION}`);
  if (!isCount(c.dModel) || c.dModel === 0) fail(`dModel ${JSON.stringify(c.dModel)} is not a positive integer`);
  if (!isCount(c.nCtx) || c.nCtx === 0) fail(`nCtx ${JSON.stringify(c.nCtx)} is not a positive integer`);
  if (!Array.isArray(c.vocab) || !c.vocab.every(isValue)) fail('vocab is not a list of numbers, strings and booleans');
  const vocab = c.vocab as Value[];
  if (vocab[0] !== BOS) fail(`vocab[0] must be '${BOS}', got ${JSON.stringify(vocab[0])}`);
  // What later work is sized by (inputs generated up to nCtx - 1 tokens, one class per token) stops at the flags' ceilings.
  const nCtx = c.nCtx as number;
  if (nCtx - 1 > ceilingOf('maxLen')) fail(aboveCeiling('maxLen', `an input length of ${nCtx - 1} tokens (nCtx ${nCtx})`));
  if (vocab.length - 1 > ceilingOf('vocab')) fail(aboveCeiling('vocab', `a vocabulary of ${vocab.length - 1} tokens`));
  const twice = repeated(vocab);
  if (twice !== undefined) fail(`vocab lists ${JSON.stringify(twice)} twice`);
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
  if (output.encoding === 'categorical') {
    const again = repeated(output.values);
    if (again !== undefined) fail(`output.values lists ${JSON.stringify(again)} twice`);
  }
  if (c.normalization !== 'none' && c.normalization !== 'LN') fail(`normalization ${JSON.stringify(c.normalization)} is not 'none' or 'LN'`);
  if (typeof c.causal !== 'boolean') fail('causal is not true or false');
  if (c.actFn !== 'relu' && c.actFn !== 'gelu') fail(`actFn ${JSON.stringify(c.actFn)} is not 'relu' or 'gelu'`);
  if (typeof c.attnScale !== 'number' || !(c.attnScale > 0) || !Number.isFinite(c.attnScale))
    fail(`attnScale ${JSON.stringify(c.attnScale)} is not a positive number`);
  // The forward pass divides float32 scores by it: one that rounds to 0 or ∞ in float32 makes every pattern NaN.
  const scale32 = Math.fround(c.attnScale as number);
  if (!Number.isFinite(scale32)) fail(`attnScale ${c.attnScale} is too large for float32 (it rounds to Infinity)`);
  if (!Number.isFinite(Math.fround(1 / scale32))) fail(`attnScale ${c.attnScale} is too small for float32 (attention scores divided by it overflow)`);
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

const ENCODINGS = ['categorical', 'numerical'];
const ROLES: readonly DirectionRole[] = ['fixed', 'tokens', 'indices', 'sop', 'temp'];
const HEAD_KINDS: readonly HeadLabel['kind'][] = ['categorical-aggregate', 'numerical-aggregate', 'selector-width'];
const MLP_KINDS: readonly MlpLabel['kind'][] = ['categorical-map', 'numerical-map', 'selector-width-readout'];

/** Labels name components of `config`'s model: each entry's fields have their types, and every index is one the model has. */
export function validateLabels(raw: unknown, config: ModelConfig, fail: Fail): ModelLabels {
  if (!isObj(raw)) fail('not a JSON object');
  const l = raw as Record<string, unknown>;
  for (const key of ['residual', 'heads', 'mlps']) if (!Array.isArray(l[key]) || !(l[key] as unknown[]).every(isObj)) fail(`${key} is not a list of objects`);
  const text = (at: string, x: unknown): void => {
    if (typeof x !== 'string') fail(`${at} ${shortJson(x)} is not text`);
  };
  const oneOf = (at: string, x: unknown, allowed: readonly string[]): void => {
    if (!allowed.includes(x as string)) fail(`${at} ${shortJson(x)} is not one of ${allowed.join(', ')}`);
  };
  const below = (at: string, x: unknown, n: number, what: string): void => {
    if (!isCount(x) || x >= n) fail(`${at} ${shortJson(x)} is not ${what} of the model (it has ${n})`);
  };
  (l.residual as Record<string, unknown>[]).forEach((d, i) => {
    below(`residual[${i}].index`, d.index, config.dModel, 'a residual direction');
    text(`residual[${i}].sop`, d.sop);
    oneOf(`residual[${i}].encoding`, d.encoding, ENCODINGS);
    if (d.value !== undefined && !isValue(d.value)) fail(`residual[${i}].value ${shortJson(d.value)} is not a number, string or boolean`);
    if (d.role !== undefined) oneOf(`residual[${i}].role`, d.role, ROLES);
    if (d.idle !== undefined && typeof d.idle !== 'boolean') fail(`residual[${i}].idle ${shortJson(d.idle)} is not true or false`);
  });
  (l.heads as Record<string, unknown>[]).forEach((h, i) => {
    below(`heads[${i}].layer`, h.layer, config.layers.length, 'a layer');
    below(`heads[${i}].head`, h.head, config.layers[h.layer as number].nHeads, `a head of layer ${h.layer}`);
    for (const key of ['expr', 'selector', 'writes']) text(`heads[${i}].${key}`, h[key]);
    oneOf(`heads[${i}].kind`, h.kind, HEAD_KINDS);
  });
  (l.mlps as Record<string, unknown>[]).forEach((m, i) => {
    below(`mlps[${i}].layer`, m.layer, config.layers.length, 'a layer');
    const width = config.layers[m.layer as number].dMlp;
    const n = m.neurons;
    if (!Array.isArray(n) || n.length !== 2 || !isCount(n[0]) || !isCount(n[1]) || n[0] > n[1] || n[1] > width)
      fail(`mlps[${i}].neurons ${shortJson(n)} is not a range [start, end) of layer ${m.layer}'s ${width} neurons`);
    for (const key of ['expr', 'writes']) text(`mlps[${i}].${key}`, m[key]);
    if (!Array.isArray(m.reads) || !m.reads.every((r) => typeof r === 'string')) fail(`mlps[${i}].reads is not a list of names`);
    oneOf(`mlps[${i}].kind`, m.kind, MLP_KINDS);
  });
  if (l.program !== undefined) {
    const p = l.program;
    if (!isObj(p)) return fail('program is not an object');
    for (const key of ['name', 'output']) text(`program.${key}`, p[key]);
    for (const key of ['source', 'file']) if (p[key] !== undefined) text(`program.${key}`, p[key]);
    if (p.loaded !== undefined) {
      if (!Array.isArray(p.loaded)) fail('program.loaded is not a list');
      (p.loaded as unknown[]).forEach((l, i) => {
        if (!isObj(l)) return fail(`program.loaded[${i}] is not an object`);
        for (const key of ['from', 'path', 'file', 'text']) text(`program.loaded[${i}].${key}`, l[key]);
      });
    }
  }
  if (l.circuit !== undefined) validateCircuit(l.circuit, config, fail);
  if (l.inherited !== undefined && !(isObj(l.inherited) && typeof l.inherited.file === 'string')) fail('inherited is not an object with a file');
  const labels = raw as unknown as ModelLabels;
  return { ...labels, residual: labels.residual.map(withRole) };
}

/** A circuit label names nodes and edges of the model's own graph, each edge with the s-ops it carries. */
function validateCircuit(c: unknown, config: ModelConfig, fail: Fail): void {
  if (!isObj(c) || !Array.isArray(c.nodes) || !Array.isArray(c.edges)) return fail('circuit is not an object with lists of nodes and edges');
  const g = circuitGraph(config);
  const nodes = new Set(g.nodes.map(nodeName));
  const edges = new Set(g.edges.map((e) => edgeName(g, e)));
  c.nodes.forEach((n, i) => {
    if (typeof n !== 'string' || !nodes.has(n)) fail(`circuit.nodes[${i}] ${shortJson(n)} is not a node of the model`);
  });
  c.edges.forEach((e: unknown, i) => {
    if (!isObj(e) || typeof e.edge !== 'string' || !edges.has(e.edge)) return fail(`circuit.edges[${i}] ${shortJson(e)} is not an edge of the model`);
    if (!Array.isArray(e.via) || !e.via.every((v) => typeof v === 'string')) fail(`circuit.edges[${i}].via is not a list of names`);
  });
}

/** A value as JSON, cut short: a message quotes what it refuses without printing a whole file. */
function shortJson(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * The training record: what the run trained on. Commands read the lengths from it (verify checks
 * those lengths, probes sample them), so lengths that are not a range of real inputs the model's
 * context holds are refused; the rest of the record is informational.
 */
export function validateTraining(raw: unknown, config: ModelConfig, fail: Fail): TrainingInfo {
  if (!isObj(raw)) return fail('not a JSON object');
  const t = raw as Record<string, unknown>;
  if (typeof t.program !== 'string') fail(`program ${shortJson(t.program)} is not text`);
  if (!Array.isArray(t.vocab) || !t.vocab.every(isValue)) fail('vocab is not a list of numbers, strings and booleans');
  for (const key of ['minLen', 'maxLen'])
    if (!isCount(t[key]) || t[key] === 0) fail(`${key} ${shortJson(t[key])} is not a positive integer (an input length, in tokens)`);
  const minLen = t.minLen as number;
  const maxLen = t.maxLen as number;
  if (minLen > maxLen) fail(`minLen ${minLen} is above maxLen ${maxLen}`);
  if (maxLen > config.nCtx - 1) fail(`maxLen ${maxLen} is beyond the model's context (n_ctx ${config.nCtx} holds ${config.nCtx - 1} tokens after BOS)`);
  if (!Number.isSafeInteger(t.seed)) fail(`seed ${shortJson(t.seed)} is not an integer`);
  if (!isCount(t.steps)) fail(`steps ${shortJson(t.steps)} is not a non-negative integer`);
  if (typeof t.backend !== 'string') fail(`backend ${shortJson(t.backend)} is not text`);
  return t as TrainingInfo;
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
