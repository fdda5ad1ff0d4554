/**
 * Import from TransformerLens: a HookedTransformer's state dict (safetensors) and its config become
 * a rasplab model. Only what rasplab's forward pass computes the same way is accepted: learned
 * absolute positions, pre-LN (or LNPre, or no normalisation) blocks with attention then MLP, relu
 * or exact gelu, one key/value head per query head, a constant attention scale. Anything else is
 * refused naming the config field and why. The state dict is checked as load_state_dict(strict=True)
 * would check it: every key the config implies, with its shape, and nothing else.
 *
 * A file rasplab exported (exportTL.ts) carries rasplab's own config and labels in its metadata:
 * they come back, and the padding added for TransformerLens is cut off again when it is still zero.
 * Any other model gets token ids as its vocabulary (BOS, 1, 2, …) and output classes 0, 1, …, or
 * the vocabulary and output of a program the caller names.
 */
import { UserError } from '../rasp/errors.ts';
import { valueKey, type Value } from '../rasp/values.ts';
import { LN_EPS } from './layerNorm.ts';
import { validateConfig, validateLabels, validateTraining } from './modelFile.ts';
import type { SafetensorsContents } from './safetensors.ts';
import { expectedShapes, sameShape } from './shapes.ts';
import { TL_CONFIG_FIELDS, TL_IGNORE, TL_MASK, TL_META, tlParameterShapes, type TLShape } from './tlFormat.ts';
import { BOS, FORMAT_VERSION, type LayerConfig, type ModelConfig, type ModelData, type ModelLabels, type OutputSpec, type WeightArray } from './types.ts';
import { zeros } from './weightArray.ts';

/** The task a program gives an imported model: its tokens (without BOS), output and label. */
export interface ImportTask {
  readonly vocab: readonly Value[];
  readonly output: OutputSpec;
  readonly program: NonNullable<ModelLabels['program']>;
}

export interface ImportInput {
  readonly stateDict: SafetensorsContents;
  readonly stateName: string;
  readonly config: unknown;
  readonly configName: string;
  readonly task?: ImportTask;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPositive = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;

/** Fields whose non-default values change what TransformerLens computes in ways rasplab's forward pass does not. */
const UNSUPPORTED: readonly { field: string; is: (v: unknown) => boolean; why: string }[] = [
  { field: 'gated_mlp', is: (v) => v === true, why: 'gated MLPs are not implemented (rasplab MLPs are W_in, activation, W_out)' },
  {
    field: 'n_key_value_heads',
    is: (v) => v !== null && v !== undefined,
    why: 'grouped-query attention is not implemented (every head has its own keys and values)',
  },
  { field: 'num_experts', is: (v) => v !== null && v !== undefined, why: 'mixture-of-experts MLPs are not implemented' },
  { field: 'use_qk_norm', is: (v) => v === true, why: 'query/key normalisation is not implemented' },
  { field: 'use_local_attn', is: (v) => v === true, why: 'local (windowed) attention is not implemented' },
  { field: 'parallel_attn_mlp', is: (v) => v === true, why: 'attention and MLP in parallel is not implemented (rasplab runs the MLP after attention)' },
  { field: 'post_embedding_ln', is: (v) => v === true, why: 'a layer norm after the embeddings is not implemented' },
  { field: 'use_normalization_before_and_after', is: (v) => v === true, why: 'normalisation after each sublayer is not implemented' },
  { field: 'scale_attn_by_inverse_layer_idx', is: (v) => v === true, why: 'a per-layer attention scale is not implemented (one attn_scale for every layer)' },
  { field: 'attn_scores_soft_cap', is: (v) => typeof v === 'number' && v > 0, why: 'soft-capped attention scores are not implemented' },
  { field: 'output_logits_soft_cap', is: (v) => typeof v === 'number' && v > 0, why: 'soft-capped logits are not implemented' },
  { field: 'final_rms', is: (v) => v === true, why: 'RMS normalisation is not implemented' },
  { field: 'uses_rms_norm', is: (v) => v === true, why: 'RMS normalisation is not implemented' },
  { field: 'load_in_4bit', is: (v) => v === true, why: '4-bit weights are not read' },
  {
    field: 'original_architecture',
    is: (v) => typeof v === 'string' && /^Olmo/.test(v),
    why: 'this architecture normalises queries and keys, which is not implemented',
  },
];

/** The architecture of a TransformerLens config, or a UserError naming the field rasplab cannot run. */
export function readTLConfig(raw: unknown, name: string): TLShape {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  if (!isObj(raw)) fail('not a JSON object (a HookedTransformerConfig as JSON)');
  const c = raw as Record<string, unknown>;
  const known = new Set(TL_CONFIG_FIELDS);
  for (const key of Object.keys(c)) if (!known.has(key)) fail(`'${key}' is not a HookedTransformerConfig field (TransformerLens would refuse it too)`);
  for (const u of UNSUPPORTED) if (u.is(c[u.field])) fail(`${u.field} ${JSON.stringify(c[u.field])}: ${u.why}`);
  const pos = c.positional_embedding_type ?? 'standard';
  if (pos !== 'standard')
    fail(`positional_embedding_type ${JSON.stringify(pos)} is not implemented: rasplab's forward pass has learned absolute positions only ('standard')`);
  for (const key of ['d_model', 'd_head', 'n_layers', 'n_ctx']) if (!isPositive(c[key])) fail(`${key} ${JSON.stringify(c[key])} is not a positive integer`);
  const dModel = c.d_model as number;
  const dHead = c.d_head as number;
  const nHeads = c.n_heads === undefined || c.n_heads === -1 ? Math.floor(dModel / dHead) : c.n_heads;
  if (!isPositive(nHeads)) fail(`n_heads ${JSON.stringify(c.n_heads)} is not a positive integer`);
  if (!isPositive(c.d_vocab)) fail(`d_vocab ${JSON.stringify(c.d_vocab)} is not a positive integer (a model without a tokenizer must state it)`);
  const dVocabOut = c.d_vocab_out === undefined || c.d_vocab_out === -1 ? c.d_vocab : c.d_vocab_out;
  if (!isPositive(dVocabOut)) fail(`d_vocab_out ${JSON.stringify(c.d_vocab_out)} is not a positive integer`);
  const attnOnly = c.attn_only === true;
  const dMlp = attnOnly ? 0 : c.d_mlp === undefined || c.d_mlp === null ? 4 * dModel : c.d_mlp;
  if (!attnOnly && !isPositive(dMlp)) fail(`d_mlp ${JSON.stringify(c.d_mlp)} is not a positive integer`);
  const actFn = c.act_fn ?? 'relu';
  if (!attnOnly && actFn !== 'relu' && actFn !== 'gelu')
    fail(`act_fn ${JSON.stringify(actFn)} is not implemented: rasplab's MLPs use 'relu' or 'gelu' (exact, with erf)`);
  const norm = c.normalization_type === undefined ? 'LN' : c.normalization_type;
  if (norm !== 'LN' && norm !== 'LNPre' && norm !== null)
    fail(`normalization_type ${JSON.stringify(norm)} is not implemented: rasplab has LayerNorm ('LN', 'LNPre') or none (null)`);
  const eps = c.eps ?? LN_EPS;
  if (norm !== null && eps !== LN_EPS) fail(`eps ${JSON.stringify(eps)}: rasplab's layer norm uses ${LN_EPS}`);
  const dir = c.attention_dir ?? 'causal';
  if (dir !== 'causal' && dir !== 'bidirectional') fail(`attention_dir ${JSON.stringify(dir)} is not 'causal' or 'bidirectional'`);
  let attnScale = 1;
  if (c.use_attn_scale !== false) {
    const s = c.attn_scale ?? -1;
    attnScale = s === -1 ? Math.sqrt(dHead) : (s as number);
    if (typeof attnScale !== 'number' || !(attnScale > 0) || !Number.isFinite(attnScale))
      fail(`attn_scale ${JSON.stringify(c.attn_scale)} is not a positive number (scores are divided by it)`);
  }
  return {
    nLayers: c.n_layers as number,
    dModel,
    nHeads: nHeads as number,
    dHead,
    dMlp: dMlp as number,
    attnOnly,
    dVocab: c.d_vocab as number,
    dVocabOut: dVocabOut as number,
    nCtx: c.n_ctx as number,
    norm: norm as TLShape['norm'],
    causal: dir === 'causal',
    // An attention-only model never applies its act_fn.
    actFn: actFn === 'gelu' ? 'gelu' : 'relu',
    attnScale,
  };
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Checks the state dict as load_state_dict(strict=True) would, buffers included; returns its parameters. */
function readStateDict(sd: SafetensorsContents, s: TLShape, name: string, configName: string): Map<string, WeightArray> {
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  const params = tlParameterShapes(s);
  for (const [key, shape] of params) {
    const w = sd.tensors.get(key);
    if (!w) fail(`missing key '${key}' (${configName} needs shape ${shapeText(shape)})`);
    if (!sameShape(w!.shape, shape)) fail(`'${key}' has shape ${shapeText(w!.shape)}, ${configName} needs ${shapeText(shape)}`);
    if (sd.dtypes.get(key) === 'BOOL') fail(`'${key}' is bool; a weight must be a float`);
  }
  for (let l = 0; l < s.nLayers; l++) {
    const mask = `blocks.${l}.${TL_MASK}`;
    const m = sd.tensors.get(mask);
    if (!m) fail(`missing key '${mask}' (the attention mask buffer every TransformerLens attention layer saves)`);
    // TransformerLens 3.5 saves an empty mask; earlier versions the lower-triangular [n_ctx, n_ctx] one.
    const empty = sameShape(m!.shape, [0, 0]);
    if (!empty && !sameShape(m!.shape, [s.nCtx, s.nCtx]))
      fail(`'${mask}' has shape ${shapeText(m!.shape)}, ${configName} needs [0, 0] (TransformerLens 3.5) or [${s.nCtx}, ${s.nCtx}]`);
    if (sd.dtypes.get(mask) !== 'BOOL') fail(`'${mask}' is ${sd.dtypes.get(mask)}, not bool`);
    if (!empty)
      for (let q = 0; q < s.nCtx; q++)
        for (let k = 0; k < s.nCtx; k++)
          if ((m!.data[q * s.nCtx + k] !== 0) !== k <= q) fail(`'${mask}' is not the lower-triangular causal mask (row ${q}, column ${k})`);
    const ignore = `blocks.${l}.${TL_IGNORE}`;
    const g = sd.tensors.get(ignore);
    if (!g) fail(`missing key '${ignore}' (the masked-score buffer every TransformerLens attention layer saves)`);
    if (g!.shape.length !== 0) fail(`'${ignore}' has shape ${shapeText(g!.shape)}, it must be a scalar []`);
    // rasplab masks with -inf; older TransformerLens used -1e5, which softmax turns into the same 0.
    if (!(g!.data[0] <= -1e4)) fail(`'${ignore}' is ${g!.data[0]}; rasplab masks keys with -inf (a value of -1e4 or below acts the same)`);
  }
  const isBuffer = (key: string) => /^blocks\.\d+\.attn\.(mask|IGNORE)$/.test(key) && Number(key.split('.')[1]) < s.nLayers;
  for (const key of sd.tensors.keys())
    if (!params.has(key) && !isBuffer(key)) fail(`unexpected key '${key}' (a HookedTransformer built from ${configName} has no such parameter)`);
  return new Map([...params.keys()].map((k) => [k, sd.tensors.get(k)!]));
}

/** Whether every value of `w` outside its leading corner `keep` is zero. */
function zeroOutside(w: WeightArray, keep: readonly number[]): boolean {
  const shape = w.shape;
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < w.data.length; i++) {
    let rem = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    if (w.data[i] !== 0 && idx.some((x, d) => x >= keep[d])) return false;
  }
  return true;
}

/** The leading corner `keep` of `w`. */
function corner(w: WeightArray, keep: readonly number[]): WeightArray {
  const n = keep.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const idx = new Array<number>(keep.length).fill(0);
  for (let i = 0; i < n; i++) {
    let rem = i;
    for (let d = keep.length - 1; d >= 0; d--) {
      idx[d] = rem % keep[d];
      rem = Math.floor(rem / keep[d]);
    }
    let at = 0;
    for (let d = 0; d < keep.length; d++) at = at * w.shape[d] + idx[d];
    data[i] = w.data[at];
  }
  return { shape: [...keep], data };
}

const ATTN = ['W_Q', 'W_K', 'W_V', 'b_Q', 'b_K', 'b_V', 'W_O'] as const;
const MLP = ['W_in', 'b_in', 'W_out'] as const;

/** The shape of one weight when a layer has `L`'s sizes. */
function trueShape(param: string, L: LayerConfig, d: number): number[] {
  if (param === 'W_O') return [L.nHeads, L.dHead, d];
  if (param.startsWith('W_')) return param === 'W_in' ? [d, L.dMlp] : param === 'W_out' ? [L.dMlp, d] : [L.nHeads, d, L.dHead];
  return param === 'b_in' ? [L.dMlp] : [L.nHeads, L.dHead];
}

/** rasplab's weights for the per-layer sizes `layers`, cut from TransformerLens's uniform ones; null when any cut-off part is not zero. */
function unpad(tl: Map<string, WeightArray>, layers: readonly LayerConfig[], s: TLShape): Map<string, WeightArray> | null {
  const out = new Map<string, WeightArray>();
  for (const [k, w] of tl) if (!/^blocks\.\d+\.(attn|mlp)\./.test(k)) out.set(k, w);
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l];
    const p = `blocks.${l}`;
    const parts: [string, readonly string[], boolean][] = [
      ['attn', ATTN, L.nHeads > 0],
      ['mlp', s.attnOnly ? [] : MLP, L.dMlp > 0],
    ];
    for (const [scope, names, present] of parts) {
      for (const n of names) {
        const w = tl.get(`${p}.${scope}.${n}`)!;
        const keep = present ? trueShape(n, L, s.dModel) : w.shape.map(() => 0);
        if (!zeroOutside(w, keep)) return null;
        if (present) out.set(`${p}.${scope}.${n}`, corner(w, keep));
      }
      const bias = scope === 'attn' ? `${p}.attn.b_O` : `${p}.mlp.b_out`;
      const b = tl.get(bias);
      if (b && !present && b.data.some((x) => x !== 0)) return null;
      if (b && present) out.set(bias, b);
    }
  }
  return out;
}

/** rasplab's LayerNorm parameters where TransformerLens has none: LNPre, and ln2 of attention-only models. */
function fillNorms(w: Map<string, WeightArray>, config: ModelConfig): void {
  for (const [name, shape] of expectedShapes(config)) {
    if (w.has(name) || !/(^|\.)ln(1|2|_final)\.[wb]$/.test(name)) continue;
    const t = zeros(shape);
    if (name.endsWith('.w')) t.data.fill(1);
    w.set(name, t);
  }
}

function parseMeta(sd: SafetensorsContents, key: string, name: string): unknown {
  const text = sd.metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${name}: metadata '${key}' is not valid JSON`);
  }
}

/** The model a TransformerLens state dict and config describe, as a rasplab model. */
export function importTransformerLens(input: ImportInput): ModelData {
  const { stateDict: sd, stateName: name, configName } = input;
  const s = readTLConfig(input.config, configName);
  const tl = readStateDict(sd, s, name, configName);
  const fail = (why: string): never => {
    throw new UserError(`${name}: ${why}`);
  };
  const uniform: LayerConfig[] = Array.from({ length: s.nLayers }, () => ({ nHeads: s.nHeads, dHead: s.dHead, dMlp: s.dMlp }));
  const normalization = s.norm === null ? 'none' : 'LN';

  let config: ModelConfig;
  let labels: ModelLabels;
  let training: ModelData['training'];
  let weights: Map<string, WeightArray>;
  const exported = sd.metadata[TL_META.export] !== undefined;
  if (exported) {
    const metaFail = (key: string) => (why: string) => fail(`metadata '${key}': ${why}`);
    const own = validateConfig(parseMeta(sd, TL_META.config, name), metaFail(TL_META.config));
    labels = validateLabels(parseMeta(sd, TL_META.labels, name) ?? { residual: [], heads: [], mlps: [] }, own, metaFail(TL_META.labels));
    const t = parseMeta(sd, TL_META.training, name);
    training = t === undefined ? undefined : validateTraining(t, own, metaFail(TL_META.training));
    const agree: [string, unknown, unknown][] = [
      ['d_model', s.dModel, own.dModel],
      ['n_layers', s.nLayers, own.layers.length],
      ['n_ctx', s.nCtx, own.nCtx],
      ['d_vocab', s.dVocab, own.vocab.length],
      ['d_vocab_out', s.dVocabOut, own.output.encoding === 'categorical' ? own.output.values.length : 1],
      ['attention_dir', s.causal, own.causal],
      ['normalization_type', normalization, own.normalization],
      ['attn_scale', s.attnScale, own.attnScale],
    ];
    if (!s.attnOnly) agree.push(['act_fn', s.actFn, own.actFn]);
    for (const [field, a, b] of agree)
      if (a !== b) fail(`${configName} says ${field} ${JSON.stringify(a)} where the metadata's rasplab config says ${JSON.stringify(b)}`);
    const cut = unpad(tl, own.layers, s);
    config = cut ? own : { ...own, layers: uniform };
    weights = cut ?? tl;
  } else {
    const vocab: Value[] = input.task ? [BOS, ...input.task.vocab] : [BOS, ...Array.from({ length: s.dVocab - 1 }, (_, i) => i + 1)];
    const output: OutputSpec =
      input.task?.output ??
      (s.dVocabOut === 1 ? { encoding: 'numerical' } : { encoding: 'categorical', values: Array.from({ length: s.dVocabOut }, (_, i) => i) });
    config = {
      formatVersion: FORMAT_VERSION,
      dModel: s.dModel,
      nCtx: s.nCtx,
      vocab,
      layers: uniform,
      output,
      normalization,
      causal: s.causal,
      actFn: s.actFn,
      attnScale: s.attnScale,
      origin: 'learned',
    };
    config = validateConfig(config, (why) => fail(`the model it describes cannot be a rasplab model: ${why}`));
    labels = { residual: [], heads: [], mlps: [] };
    weights = tl;
  }
  if (input.task) {
    const task = input.task;
    const vocab = [BOS, ...task.vocab];
    if (vocab.length !== s.dVocab)
      fail(`d_vocab is ${s.dVocab}, but BOS and the program's ${task.vocab.length} tokens make ${vocab.length} (token 0 is BOS, then the vocabulary in order)`);
    const width = task.output.encoding === 'categorical' ? task.output.values.length : 1;
    const per = task.output.encoding === 'categorical' ? 'one logit per output value' : 'one number';
    if (width !== s.dVocabOut) fail(`d_vocab_out is ${s.dVocabOut}, but program '${task.program.name}' needs ${width} (${per})`);
    if (exported && config.vocab.some((v, i) => valueKey(v) !== valueKey(vocab[i])))
      fail(`the exported model's vocabulary differs from the one given for program '${task.program.name}'`);
    config = { ...config, vocab, output: task.output };
    labels = { ...labels, program: task.program };
  }
  fillNorms(weights, config);
  return training ? { config, labels, training, weights } : { config, labels, weights };
}
