/**
 * The one table of hook points: every activation the forward pass names, in the order they fire,
 * with the axes of the tensor each one carries. The `HookName` type, `hookNames`, the parser of
 * hook names people type, and the position / head / neuron axes that interventions slice along
 * are all read from here, so a name or an axis cannot drift between the forward pass and a probe.
 * Names and shapes are TransformerLens's.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './types.ts';

/** What one axis of a hooked activation indexes. `pos` is the (query) position; `keyPos` the key position. */
export type HookAxis = 'batch' | 'pos' | 'keyPos' | 'head' | 'dHead' | 'dModel' | 'neuron';

/** Where a hook point lives, and so whether a layer has it. */
type Scope = 'model' | 'layer' | 'attn' | 'mlp';

interface HookPointSpec {
  readonly scope: Scope;
  readonly axes: readonly HookAxis[];
}

const RESID: readonly HookAxis[] = ['batch', 'pos', 'dModel'];
const PER_HEAD: readonly HookAxis[] = ['batch', 'pos', 'head', 'dHead'];
const SCORES: readonly HookAxis[] = ['batch', 'head', 'pos', 'keyPos'];
const NEURONS: readonly HookAxis[] = ['batch', 'pos', 'neuron'];

/** Hook points outside the blocks, by full name. */
const MODEL_POINTS = {
  hook_embed: { scope: 'model', axes: RESID },
  hook_pos_embed: { scope: 'model', axes: RESID },
  'ln_final.hook_normalized': { scope: 'model', axes: RESID },
} as const satisfies Record<string, HookPointSpec>;

/** Hook points of block l, by their name after `blocks.{l}.`, in firing order. */
const LAYER_POINTS = {
  hook_resid_pre: { scope: 'layer', axes: RESID },
  'attn.hook_q': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_k': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_v': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_attn_scores': { scope: 'attn', axes: SCORES },
  'attn.hook_pattern': { scope: 'attn', axes: SCORES },
  'attn.hook_z': { scope: 'attn', axes: PER_HEAD },
  'attn.hook_result': { scope: 'attn', axes: ['batch', 'pos', 'head', 'dModel'] },
  hook_attn_out: { scope: 'layer', axes: RESID },
  hook_resid_mid: { scope: 'layer', axes: RESID },
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
  };
  return specOf(name).axes.map((a) => size[a]);
}

function present(scope: Scope, L: ModelConfig['layers'][number]): boolean {
  return scope === 'attn' ? L.nHeads > 0 : scope === 'mlp' ? L.dMlp > 0 : true;
}

/** Whether a forward pass of this config offers the hook (the layer exists and has the sublayer). */
export function hasHook(config: ModelConfig, name: HookName): boolean {
  const parsed = parseHookName(name);
  if (!parsed) return false;
  if (parsed.layer === undefined) return true;
  const L = config.layers[parsed.layer];
  return L !== undefined && present(LAYER_POINTS[parsed.point as LayerHookPoint].scope, L);
}

/** Every hook point a forward pass of this config offers, in the order they fire. */
export function hookNames(config: ModelConfig): HookName[] {
  const names: HookName[] = ['hook_embed', 'hook_pos_embed'];
  const points = Object.entries(LAYER_POINTS) as [LayerHookPoint, HookPointSpec][];
  config.layers.forEach((L, l) => {
    for (const [point, spec] of points) if (present(spec.scope, L)) names.push(layerHook(l, point));
  });
  names.push('ln_final.hook_normalized');
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

/** The hook points inside block `layer`'s attention or MLP (not its residual-stream points). */
export const sublayerHooks = (layer: number, scope: 'attn' | 'mlp'): HookName[] =>
  (Object.keys(LAYER_POINTS) as LayerHookPoint[]).filter((p) => LAYER_POINTS[p].scope === scope).map((p) => layerHook(layer, p));

/**
 * The latest layer a forward pass may start at (ForwardInput.from) and still fire every hook in
 * `names`: the earliest block among them, n_layers when only ln_final's point is named, -1 when an
 * embedding is (the pass must then start at the tokens).
 */
export function latestStart(names: Iterable<HookName>, nLayers: number): number {
  let start = nLayers;
  for (const name of names) {
    const parsed = parseHookName(name);
    if (!parsed) throw new Error(`'${name}' is not a hook point`);
    if (parsed.layer !== undefined) start = Math.min(start, parsed.layer);
    else if (parsed.point !== 'ln_final.hook_normalized') return -1;
  }
  return start;
}
