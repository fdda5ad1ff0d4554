/**
 * Export for TransformerLens (3.5, see tlFormat.ts): its parameter names and shapes, its buffers,
 * and a config holding only HookedTransformerConfig's fields, so `HookedTransformer(cfg)` then
 * `load_state_dict(sd, strict=True)` loads it. TransformerLens needs one n_heads / d_head / d_mlp
 * for every layer, so smaller layers are padded with zeros: a padded head has zero Q, K, V and O
 * weights (its output is exactly 0, and the extra d_head columns add 0 to every q·k), a padded
 * neuron has zero in/out weights and bias (relu(0) = gelu(0) = 0). The forward pass is unchanged.
 * attn_scale is given explicitly, so padding d_head does not change TransformerLens's default
 * sqrt(d_head) scaling. What TransformerLens has no field for (vocabulary, output, origin, true
 * layer sizes, labels, which heads and neurons are padding) goes into the safetensors metadata.
 */
import { formatValue } from '../rasp/values.ts';
import { LN_EPS } from './layerNorm.ts';
import { encodeSafetensors } from './safetensors.ts';
import { dVocabOut, expectedShapes, sameShape } from './shapes.ts';
import { TL_EXPORT_VERSION, TL_IGNORE, TL_MASK, TL_META, tlParameterShapes, type TLShape } from './tlFormat.ts';
import type { LayerConfig, ModelConfig, ModelData, WeightArray } from './types.ts';
import { zeros } from './weightArray.ts';

export interface TLExport {
  /** HookedTransformerConfig's fields only. */
  readonly config: Record<string, unknown>;
  /** The state dict, buffers included, in TransformerLens's module order. */
  readonly stateDict: Map<string, WeightArray>;
  /** Tensors that are not float32 (the bool masks). */
  readonly dtypes: Map<string, 'BOOL'>;
  readonly metadata: Record<string, string>;
}

/** Padding added for TransformerLens: heads and neurons that compute nothing, and each layer's true d_head. */
export interface InertParts {
  readonly heads: [number, number][];
  readonly neurons: [number, number, number][];
  readonly d_head: number[];
}

/** Copies `src` (shape srcShape) into the leading corner of a zero tensor of shape dstShape. */
function padInto(src: WeightArray, dstShape: readonly number[]): WeightArray {
  const n = dstShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const rank = dstShape.length;
  const srcShape = src.shape;
  const count = srcShape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < count; i++) {
    let rem = i;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % srcShape[d];
      rem = Math.floor(rem / srcShape[d]);
    }
    let at = 0;
    for (let d = 0; d < rank; d++) at = at * dstShape[d] + idx[d];
    data[at] = src.data[i];
  }
  return { shape: [...dstShape], data };
}

export function exportTransformerLens(m: ModelData): TLExport {
  const c = m.config;
  const D = c.dModel;
  // At least one head of width 1 and (unless no layer has an MLP) a common MLP width.
  const nHeads = Math.max(1, ...c.layers.map((L) => L.nHeads));
  const dHead = Math.max(1, ...c.layers.map((L) => (L.nHeads > 0 ? L.dHead : 0)));
  const dMlp = Math.max(0, ...c.layers.map((L) => L.dMlp));
  const attnOnly = dMlp === 0;
  const ln = c.normalization === 'LN';
  const w = (name: string) => m.weights.get(name)!;
  const sd = new Map<string, WeightArray>();
  const dtypes = new Map<string, 'BOOL'>();
  const inert: InertParts = { heads: [], neurons: [], d_head: [] };

  sd.set('embed.W_E', w('embed.W_E'));
  sd.set('pos_embed.W_pos', w('pos_embed.W_pos'));
  c.layers.forEach((L, l) => {
    const p = `blocks.${l}`;
    if (ln) for (const n of ['ln1.w', 'ln1.b', 'ln2.w', 'ln2.b']) if (!(attnOnly && n.startsWith('ln2'))) sd.set(`${p}.${n}`, w(`${p}.${n}`));
    const has = L.nHeads > 0;
    for (const x of ['Q', 'K', 'V']) {
      sd.set(`${p}.attn.W_${x}`, has ? padInto(w(`${p}.attn.W_${x}`), [nHeads, D, dHead]) : zeros([nHeads, D, dHead]));
      sd.set(`${p}.attn.b_${x}`, has ? padInto(w(`${p}.attn.b_${x}`), [nHeads, dHead]) : zeros([nHeads, dHead]));
    }
    sd.set(`${p}.attn.W_O`, has ? padInto(w(`${p}.attn.W_O`), [nHeads, dHead, D]) : zeros([nHeads, dHead, D]));
    sd.set(`${p}.attn.b_O`, has ? w(`${p}.attn.b_O`) : zeros([D]));
    // TransformerLens 3.5 keeps an empty mask (it builds the causal one at run time) and -inf as a masked score.
    sd.set(`${p}.${TL_MASK}`, zeros([0, 0]));
    dtypes.set(`${p}.${TL_MASK}`, 'BOOL');
    sd.set(`${p}.${TL_IGNORE}`, { shape: [], data: new Float32Array([-Infinity]) });
    if (!attnOnly) {
      const hasMlp = L.dMlp > 0;
      sd.set(`${p}.mlp.W_in`, hasMlp ? padInto(w(`${p}.mlp.W_in`), [D, dMlp]) : zeros([D, dMlp]));
      sd.set(`${p}.mlp.b_in`, hasMlp ? padInto(w(`${p}.mlp.b_in`), [dMlp]) : zeros([dMlp]));
      sd.set(`${p}.mlp.W_out`, hasMlp ? padInto(w(`${p}.mlp.W_out`), [dMlp, D]) : zeros([dMlp, D]));
      sd.set(`${p}.mlp.b_out`, hasMlp ? w(`${p}.mlp.b_out`) : zeros([D]));
      if (L.dMlp < dMlp) inert.neurons.push([l, L.dMlp, dMlp]);
    }
    for (let h = L.nHeads; h < nHeads; h++) inert.heads.push([l, h]);
    inert.d_head.push(has ? L.dHead : 0);
  });
  if (ln) {
    sd.set('ln_final.w', w('ln_final.w'));
    sd.set('ln_final.b', w('ln_final.b'));
  }
  sd.set('unembed.W_U', w('unembed.W_U'));
  sd.set('unembed.b_U', w('unembed.b_U'));

  const config: Record<string, unknown> = {
    model_name: m.labels.program?.name ?? 'rasplab-model',
    n_layers: c.layers.length,
    d_model: D,
    d_head: dHead,
    n_heads: nHeads,
    d_mlp: attnOnly ? null : dMlp,
    d_vocab: c.vocab.length,
    d_vocab_out: dVocabOut(c),
    n_ctx: c.nCtx,
    act_fn: c.actFn,
    normalization_type: ln ? 'LN' : null,
    eps: LN_EPS,
    attn_only: attnOnly,
    positional_embedding_type: 'standard',
    attn_scale: c.attnScale,
    use_attn_scale: c.attnScale !== 1,
    // Causal models mask future keys; bidirectional ones attend everywhere.
    attention_dir: c.causal ? 'causal' : 'bidirectional',
    default_prepend_bos: true,
  };
  const out = c.output;
  const metadata: Record<string, string> = {
    [TL_META.export]: TL_EXPORT_VERSION,
    [TL_META.config]: JSON.stringify(c),
    [TL_META.labels]: JSON.stringify(m.labels),
    ...(m.training ? { [TL_META.training]: JSON.stringify(m.training) } : {}),
    [TL_META.tokens]: JSON.stringify(c.vocab.map(formatValue)),
    [TL_META.output]: JSON.stringify(out.encoding === 'categorical' ? { encoding: 'categorical', values: out.values.map(formatValue) } : out),
    [TL_META.inert]: JSON.stringify(inert),
  };
  checkAgainstTable(sd, {
    nLayers: c.layers.length,
    dModel: D,
    nHeads,
    dHead,
    dMlp,
    attnOnly,
    dVocab: c.vocab.length,
    dVocabOut: dVocabOut(c),
    nCtx: c.nCtx,
    norm: ln ? 'LN' : null,
    causal: c.causal,
    actFn: c.actFn,
    attnScale: c.attnScale,
  });
  return { config, stateDict: sd, dtypes, metadata };
}

/** The parameters written are the ones TransformerLens's table (tlFormat.ts) lists, with its shapes; else a bug here. */
function checkAgainstTable(sd: ReadonlyMap<string, WeightArray>, s: TLShape): void {
  const table = tlParameterShapes(s);
  const written = [...sd.keys()].filter((k) => !k.endsWith(`.${TL_MASK}`) && !k.endsWith(`.${TL_IGNORE}`));
  const wrong = written.find((k) => !table.has(k) || !sameShape(sd.get(k)!.shape, table.get(k)!)) ?? [...table.keys()].find((k) => !sd.has(k));
  if (wrong !== undefined) throw new Error(`exportTransformerLens: '${wrong}' does not match TransformerLens's state dict`);
}

/** The two files of an export: the state dict as safetensors, and the config as JSON. */
export function encodeTransformerLens(m: ModelData): { safetensors: Uint8Array; config: string } {
  const e = exportTransformerLens(m);
  return { safetensors: encodeSafetensors(e.stateDict, e.metadata, e.dtypes), config: `${JSON.stringify(e.config, null, 2)}\n` };
}

/**
 * The model as TransformerLens runs its export: every layer at the common sizes, padded heads and
 * neurons included (they compute exactly 0 and change nothing downstream), so a cache of it has
 * TransformerLens's shapes. `attnOnly`: TransformerLens builds no MLP, so no hook_resid_mid or
 * hook_mlp_out either.
 */
export function asTransformerLensRuns(m: ModelData): { readonly model: ModelData; readonly attnOnly: boolean } {
  const e = exportTransformerLens(m);
  const attnOnly = e.config.attn_only === true;
  const common: LayerConfig = { nHeads: e.config.n_heads as number, dHead: e.config.d_head as number, dMlp: attnOnly ? 0 : (e.config.d_mlp as number) };
  const config: ModelConfig = { ...m.config, layers: m.config.layers.map(() => common) };
  const weights = new Map<string, WeightArray>();
  // ln2 of an attention-only model is not exported (TransformerLens has none) but rasplab's config still names it; it is never read.
  for (const name of expectedShapes(config).keys()) weights.set(name, e.stateDict.get(name) ?? m.weights.get(name)!);
  return { model: { config, labels: m.labels, weights }, attnOnly };
}
