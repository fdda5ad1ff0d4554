/**
 * Where an interchange intervention writes the source run's value into the base run:
 *   - an activation: whole hook points, or a head's / neuron's slice of one (probes/intervene.ts);
 *   - a subspace of a residual-stream hook: the span of k orthonormal directions [d_model, k]
 *     (a compiled model's labelled directions, or a rotation found by alignment search), where
 *     base + (source − base)·B·Bᵀ replaces the stream; optionally at one position only.
 * The default site of a variable in a compiled model is the span of the directions its labels give it,
 * right after the last block that writes them.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { layerHook, positionAxis, type HookName, type Hooks } from '../../src/model/hooks.ts';
import { formatComponent, type ComponentRef } from '../../src/model/components.ts';
import type { ModelConfig, ModelData, WeightArray } from '../../src/model/types.ts';
import { UserError } from '../../src/rasp/errors.ts';
import { hookSites } from '../hookSites.ts';
import type { Site } from '../intervene.ts';

/** A span of k orthonormal residual directions [d_model, k] at one residual-stream hook (optionally one position). */
export interface SubspacePart {
  readonly hook: HookName;
  readonly basis: WeightArray;
  readonly position?: number;
}

export type InterchangeSite =
  | { readonly kind: 'activation'; readonly name: string; readonly sites: readonly Site[] }
  | { readonly kind: 'subspace'; readonly name: string; readonly parts: readonly SubspacePart[] };

/** The outputs of components (a head at hook_z), together one site named `0.0+mlp1`. */
export const componentSite = (config: ModelConfig, comps: readonly ComponentRef[]): InterchangeSite & { kind: 'activation' } => ({
  kind: 'activation',
  name: comps.map(formatComponent).join('+'),
  sites: comps.flatMap((c) => hookSites(c, config)),
});

/** The hook points a site reads from the source run. */
export const siteHooks = (s: InterchangeSite): HookName[] => [...new Set(s.kind === 'activation' ? s.sites.map((x) => x.hook) : s.parts.map((p) => p.hook))];

/** The width of a subspace site (k, summed over its parts), or null for an activation. */
export const siteRank = (s: InterchangeSite): number | null => (s.kind === 'subspace' ? s.parts.reduce((k, p) => k + p.basis.shape[1], 0) : null);

/** One-hot columns for residual directions `indices` of a d_model-wide stream: [d_model, k]. */
export function directionBasis(dModel: number, indices: readonly number[]): WeightArray {
  const data = new Float32Array(dModel * indices.length);
  indices.forEach((d, j) => (data[d * indices.length + j] = 1));
  return { shape: [dModel, indices.length], data };
}

/**
 * The residual directions a model's labels give `name`: its values (or its one numerical
 * direction), and the compiler temporaries that carry part of it (a selector width's 1/(w+1), an
 * aggregate's none-selected line: `name:…`).
 */
export function labelledDirections(model: ModelData, name: string): number[] {
  return model.labels.residual.filter((d) => d.role !== 'fixed' && (d.sop === name || d.sop.startsWith(`${name}:`))).map((d) => d.index);
}

/** Whether column `d` of a row-major [rows, cols] weight has a non-zero entry. */
function columnUsed(w: WeightArray | undefined, d: number): boolean {
  if (!w) return false;
  const cols = w.shape[w.shape.length - 1];
  for (let i = d; i < w.data.length; i += cols) if (w.data[i] !== 0) return true;
  return false;
}

/**
 * The hook right after the last block that writes residual direction `d` (a head: that layer's
 * resid_mid; an MLP: its resid_post; only the embeddings, as for tokens and indices:
 * blocks.0.hook_resid_pre), read off the weights' non-zero columns.
 */
export function hookAfterWriter(model: ModelData, d: number): HookName {
  let hook: HookName = layerHook(0, 'hook_resid_pre');
  model.config.layers.forEach((_, l) => {
    if (columnUsed(model.weights.get(`blocks.${l}.attn.W_O`), d)) hook = layerHook(l, 'hook_resid_mid');
    if (columnUsed(model.weights.get(`blocks.${l}.mlp.W_out`), d)) hook = layerHook(l, 'hook_resid_post');
  });
  return hook;
}

/**
 * The site of a compiled model's variable: its labelled directions, each right after the block that
 * writes it (a variable written as a number by a head and as one-hot values by the MLP after it
 * is patched in both places, before either is read). A UserError when no direction stands for it.
 */
export function labelledSite(model: ModelData, name: string): InterchangeSite & { kind: 'subspace' } {
  const dirs = labelledDirections(model, name);
  if (dirs.length === 0) {
    const why =
      model.labels.residual.length === 0
        ? 'the model has no residual labels (a learned model: name a --site)'
        : 'the compiler fused it into the block that reads it';
    throw new UserError(`no residual direction of the model stands for '${name}': ${why}`);
  }
  const byHook = new Map<HookName, number[]>();
  for (const d of dirs) {
    const h = hookAfterWriter(model, d);
    byHook.set(h, [...(byHook.get(h) ?? []), d]);
  }
  const parts = [...byHook].map(([hook, ds]) => ({ hook, basis: directionBasis(model.config.dModel, ds) }));
  return { kind: 'subspace', name: parts.map((p) => `${p.hook}[${name}]`).join('+'), parts };
}

/** A site's one position (BOS = 0), or undefined for every position. */
export function sitePosition(s: InterchangeSite): number | undefined {
  return s.kind === 'activation' ? s.sites[0]?.position : s.parts[0]?.position;
}

/** 1 at each row's intervened position (BOS = 0), [batch, pos, 1]; null when every row is intervened everywhere. */
export function rowPositionMask(positions: readonly (number | null)[], nPos: number): tf.Tensor3D | null {
  if (positions.every((p) => p === null)) return null;
  const m = new Float32Array(positions.length * nPos);
  positions.forEach((p, r) => {
    if (p === null) m.fill(1, r * nPos, (r + 1) * nPos);
    else m[r * nPos + p] = 1;
  });
  return tf.tensor3d(m, [positions.length, nPos, 1]);
}

/**
 * Hooks that write each part's projection of the source stream into the base stream at its hook:
 * act + (source − act)·B·Bᵀ, where `rows` is 1 (at every position, or a [batch, pos, 1] mask of
 * the positions intervened on). Differentiable in the bases.
 */
export function subspaceHooks(parts: readonly { hook: HookName; basis: tf.Tensor2D }[], source: (h: HookName) => tf.Tensor, rows: tf.Tensor | null): Hooks {
  const hooks: Hooks = {};
  for (const part of parts) {
    const prev = hooks[part.hook];
    hooks[part.hook] = (input: tf.Tensor, name: HookName) => {
      const act = prev ? prev(input, name) : input;
      const [B, P, D] = act.shape;
      const diff = tf.reshape(tf.sub(source(part.hook), act), [B * P, D]) as tf.Tensor2D;
      const delta = tf.reshape(tf.matMul(tf.matMul(diff, part.basis), part.basis, false, true), [B, P, D]);
      return tf.add(act, rows ? tf.mul(delta, rows) : delta);
    };
  }
  return hooks;
}

/**
 * Hooks that write the source's activation into the base's at activation sites (whole hook points,
 * or a head's / neuron's slice) at one position per row: act + (source − act)·mask, the mask 1 on
 * the site's slice at the row's position. Differentiable, like the replacement it generalises.
 */
export function rowActivationHooks(sites: readonly Site[], source: (h: HookName) => tf.Tensor, positions: readonly (number | null)[], nPos: number): Hooks {
  const byHook = new Map<HookName, Site[]>();
  for (const s of sites) byHook.set(s.hook, [...(byHook.get(s.hook) ?? []), s]);
  const hooks: Hooks = {};
  for (const [hook, group] of byHook) {
    hooks[hook] = (act: tf.Tensor) => {
      const shape = act.shape;
      const posAxis = positionAxis(hook);
      const rowShape = shape.map((d, i) => (i === 0 || i === posAxis ? d : 1));
      const rows = tf.reshape(rowPositionMask(positions, nPos)!, rowShape);
      // The union of the group's slices along their axes (a whole activation when one has none).
      let slice: tf.Tensor | null = null;
      if (group.every((s) => s.slice)) {
        const axis = group[0].slice!.axis;
        const m = new Float32Array(shape[axis]);
        for (const s of group) m[s.slice!.index] = 1;
        slice = tf.tensor(
          m,
          shape.map((d, i) => (i === axis ? d : 1)),
        );
      }
      const mask = slice ? tf.mul(rows, slice) : rows;
      return tf.add(act, tf.mul(tf.sub(source(hook), act), mask));
    };
  }
  return hooks;
}
