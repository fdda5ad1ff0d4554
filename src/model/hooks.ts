/**
 * The one table of hook points: every activation the forward pass names, in the order they fire,
 * with the axes of the tensor each one carries. The `HookName` type, `hookNames`, the parser of
 * hook names people type, and the position / head / neuron axes that interventions slice along
 * are all read from here, so a name or an axis cannot drift between the forward pass and a probe.
 * Names and shapes are TransformerLens's.
 */
import type * as tf from '@tensorflow/tfjs';
import { dVocabOut } from './shapes.ts';
import type { ModelConfig } from './types.ts';

/**
 * What one axis of a hooked activation indexes. `pos` is the (query) position; `keyPos` the key
 * position; `one` an axis of length 1 (a layer norm's scale per position); `logit` the unembedding's outputs.
 */
export type HookAxis = 'batch' | 'pos' | 'keyPos' | 'head' | 'dHead' | 'dModel' | 'neuron' | 'one' | 'logit';

/**
 * Where a hook point lives, and so whether a model or layer has it: `ln` points exist only in models
 * with LayerNorm, `ln1` / `ln2` where the layer also has the sublayer that norm feeds.
 */
type Scope = 'model' | 'ln' | 'layer' | 'ln1' | 'attn' | 'ln2' | 'mlp';

interface HookPointSpec {
  readonly scope: Scope;
  readonly axes: readonly HookAxis[];
}

const RESID: readonly HookAxis[] = ['batch', 'pos', 'dModel'];
const PER_HEAD: readonly HookAxis[] = ['batch', 'pos', 'head', 'dHead'];
const SCORES: readonly HookAxis[] = ['batch', 'head', 'pos', 'keyPos'];
const NEURONS: readonly HookAxis[] = ['batch', 'pos', 'neuron'];
const SCALE: readonly HookAxis[] = ['batch', 'pos', 'one'];

/**
 * Hook points outside the blocks, by full name, in firing order. As in TransformerLens, a layer
 * norm's `hook_normalized` is the centred stream divided by `hook_scale`, before its weight and
 * bias; `unembed.hook_in` is what the unembedding reads, `unembed.hook_out` the logits.
 */
const MODEL_POINTS = {
  hook_embed: { scope: 'model', axes: RESID },
  hook_pos_embed: { scope: 'model', axes: RESID },
  'ln_final.hook_scale': { scope: 'ln', axes: SCALE },
  'ln_final.hook_normalized': { scope: 'ln', axes: RESID },
  'unembed.hook_in': { scope: 'model', axes: RESID },
  'unembed.hook_out': { scope: 'model', axes: ['batch', 'pos', 'logit'] },
} as const satisfies Record<string, HookPointSpec>;

/** Hook points of block l, by their name after `blocks.{l}.`, in firing order. */
const LAYER_POINTS = {
  hook_resid_pre: { scope: 'layer', axes: RESID },
  'ln1.hook_scale': { scope: 'ln1', axes: SCALE },
  'ln1.hook_normalized': { scope: 'ln1', axes: RESID },
  'attn.hook_q': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_k': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_v': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_attn_scores': { scope: 'attn', axes: SCORES },
  'attn.hook_pattern': { scope: 'attn', axes: SCORES },
  'attn.hook_z': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_result': { scope: 'attn', axes: ['batch', 'pos', 'head', 'dModel'] },
  hook_attn_out: { scope: 'layer', axes: RESID },
  hook_resid_mid: { scope: 'layer', axes: RESID },
  'ln2.hook_scale': { scope: 'ln2', axes: SCALE },
  'ln2.hook_normalized': { scope: 'ln2', axes: RESID },
  'mlp.hook_pre': { scope: 'mlp', axes: NEURONS },
  'mlp.hook_post': { scope: 'mlp', axes: NEURONS },
  hook_mlp_out: { scope: 'layer', axes: RESID },
  hook_resid_post: { scope: 'layer', axes: RESID },
} as const satisfies Record<string, HookPointSpec>;

export type ModelHookPoint = keyof typeof MODEL_POINTS;
/** A hook point of a block, without its `blocks.{l}.` prefix: `attn.hook_z`, `hook_resid_pre`. */
export type LayerHookPoint = keyof typeof LAYER_POINTS;

/** The hook points of the forward pass, TransformerLens's names. */
export type HookName = ModelHookPoint | `blocks.${number}.${LayerHookPoint}`;

/** A hook name taken apart: the block it belongs to (absent outside the blocks) and its point. */
export interface ParsedHook {
  readonly layer?: number;
  readonly point: ModelHookPoint | LayerHookPoint;
}

const isModelPoint = (s: string): s is ModelHookPoint => Object.hasOwn(MODEL_POINTS, s);
const isLayerPoint = (s: string): s is LayerHookPoint => Object.hasOwn(LAYER_POINTS, s);
const BLOCK = /^blocks\.(\d+)\.(.+)$/;

/** The hook a name denotes, or null when it names none. */
export function parseHookName(text: string): ParsedHook | null {
  if (isModelPoint(text)) return { point: text };
  const m = BLOCK.exec(text);
  return m && isLayerPoint(m[2]) ? { layer: Number(m[1]), point: m[2] } : null;
}

export const layerHook = (layer: number, point: LayerHookPoint): HookName => `blocks.${layer}.${point}`;

function specOf(name: HookName): HookPointSpec {
  const parsed = parseHookName(name);
  if (!parsed) throw new Error(`'${name}' is not a hook point`);
  return parsed.layer === undefined ? MODEL_POINTS[parsed.point as ModelHookPoint] : LAYER_POINTS[parsed.point as LayerHookPoint];
}

/** What each axis of the hook's activation indexes. */
export const hookAxes = (name: HookName): readonly HookAxis[] => specOf(name).axes;

/** The index of `axis` in the hook's activation, or -1 when it has none. */
export const axisOf = (name: HookName, axis: HookAxis): number => specOf(name).axes.indexOf(axis);

/** Whether the hook carries a vector in the residual stream's basis at each position ([batch, pos, d_model]). */
export const isResidualHook = (name: HookName): boolean => specOf(name).axes === RESID;

/** Which axis of a hook's activation is the (query) position. */
export const positionAxis = (name: HookName): number => axisOf(name, 'pos');

/** The length of each axis of the hook's activation for a batch of `batch` rows of `nPos` positions. */
export function hookShape(config: ModelConfig, name: HookName, batch: number, nPos: number): number[] {
  const layer = parseHookName(name)?.layer;
  const L = layer === undefined ? undefined : config.layers[layer];
  const size: Record<HookAxis, number> = {
    batch,
    pos: nPos,
    keyPos: nPos,
    head: L?.nHeads ?? 0,
    dHead: L?.dHead ?? 0,
    dModel: config.dModel,
    neuron: L?.dMlp ?? 0,
    one: 1,
    logit: dVocabOut(config),
  };
  return specOf(name).axes.map((a) => size[a]);
}

function present(scope: Scope, config: ModelConfig, L?: ModelConfig['layers'][number]): boolean {
  const ln = config.normalization === 'LN';
  if (scope === 'ln') return ln;
  if (scope === 'model' || scope === 'layer' || !L) return true;
  const sublayer = scope === 'attn' || scope === 'ln1' ? L.nHeads > 0 : L.dMlp > 0;
  return sublayer && (scope === 'attn' || scope === 'mlp' || ln);
}

/** Whether a forward pass of this config offers the hook (the layer exists and has the sublayer). */
export function hasHook(config: ModelConfig, name: HookName): boolean {
  const parsed = parseHookName(name);
  if (!parsed) return false;
  if (parsed.layer === undefined) return present(MODEL_POINTS[parsed.point as ModelHookPoint].scope, config);
  const L = config.layers[parsed.layer];
  return L !== undefined && present(LAYER_POINTS[parsed.point as LayerHookPoint].scope, config, L);
}

/** Every hook point a forward pass of this config offers, in the order they fire. */
export function hookNames(config: ModelConfig): HookName[] {
  const names: HookName[] = ['hook_embed', 'hook_pos_embed'];
  const points = Object.entries(LAYER_POINTS) as [LayerHookPoint, HookPointSpec][];
  config.layers.forEach((L, l) => {
    for (const [point, spec] of points) if (present(spec.scope, config, L)) names.push(layerHook(l, point));
  });
  for (const name of AFTER_BLOCKS) if (hasHook(config, name)) names.push(name);
  return names;
}

/**
 * Replaces an activation during a forward pass: its return value (same shape) flows on. A hook
 * marked `ignoresInput` returns the same whatever it is given (a whole activation zeroed or
 * replaced), so the pass may skip computing a sublayer output it would only throw away.
 */
export type HookFn = ((activation: tf.Tensor, hook: HookName) => tf.Tensor) & { readonly ignoresInput?: true };

/** The hooks of one forward pass, by hook point. */
export type Hooks = Partial<Record<HookName, HookFn>>;

/** The hook points inside block `layer`'s attention or MLP, its layer norm's included (not its residual-stream points). */
export const sublayerHooks = (layer: number, scope: 'attn' | 'mlp'): HookName[] =>
  (Object.keys(LAYER_POINTS) as LayerHookPoint[])
    .filter((p) => LAYER_POINTS[p].scope === scope || LAYER_POINTS[p].scope === (scope === 'attn' ? 'ln1' : 'ln2'))
    .map((p) => layerHook(layer, p));

/** The hook points after the last block: the final layer norm's and the unembedding's. */
const AFTER_BLOCKS: readonly ModelHookPoint[] = ['ln_final.hook_scale', 'ln_final.hook_normalized', 'unembed.hook_in', 'unembed.hook_out'];

/**
 * The latest layer a forward pass may start at (ForwardInput.from) and still fire every hook in
 * `names`: the earliest block among them, n_layers when only points after the blocks are named, -1 when an
 * embedding is (the pass must then start at the tokens).
 */
export function latestStart(names: Iterable<HookName>, nLayers: number): number {
  let start = nLayers;
  for (const name of names) {
    const parsed = parseHookName(name);
    if (!parsed) throw new Error(`'${name}' is not a hook point`);
    if (parsed.layer !== undefined) start = Math.min(start, parsed.layer);
    else if (!AFTER_BLOCKS.includes(parsed.point as ModelHookPoint)) return -1;
  }
  return start;
}

const LAYER_ORDER = Object.keys(LAYER_POINTS) as LayerHookPoint[];

/**
 * Whether every one of `names` in block `layer` fires at `point` or after it (the block's points in
 * firing order): a pass may then start inside that block, at `point`, from what an unmodified run
 * computed there (ForwardInput.from).
 */
export function firesFrom(names: Iterable<HookName>, layer: number, point: LayerHookPoint): boolean {
  const first = LAYER_ORDER.indexOf(point);
  for (const name of names) {
    const parsed = parseHookName(name);
    if (parsed?.layer === layer && LAYER_ORDER.indexOf(parsed.point as LayerHookPoint) < first) return false;
  }
  return true;
}

/**
 * Whether every one of `names` in block `layer` comes after its attention sublayer (resid_mid and
 * on): a pass may then start there from the stream at hook_resid_mid (ForwardInput.from.mid).
 */
export const afterAttention = (names: Iterable<HookName>, layer: number): boolean => firesFrom(names, layer, 'hook_resid_mid');
