/**
 * Pruning: zero the smallest weights and watch accuracy fall. Unstructured magnitude pruning ranks
 * single weights of the attention and MLP matrices, either across all of them at once (global) or
 * within each matrix (per matrix); structured pruning removes whole heads (ranked by ‖W_V‖·‖W_O‖)
 * or neurons (ranked by ‖W_in[:, n]‖·‖W_out[n, :]‖). Each curve pairs a sparsity with a score.
 */
import { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData, WeightArray } from '../src/model/types.ts';
import type { ProbeSet } from './probeSet.ts';
import { scoreModel } from './scoreRuns.ts';

export type PruneMethod = 'global' | 'per-matrix' | 'heads' | 'neurons';
export const PRUNE_METHODS: readonly PruneMethod[] = ['global', 'per-matrix', 'heads', 'neurons'];
export const DEFAULT_SPARSITIES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

export interface PrunePoint {
  /** Share of the prunable weights (or heads, or neurons) asked to be removed. */
  readonly sparsity: number;
  /** Share of the prunable matrices' weights that are zero after pruning. */
  readonly zeros: number;
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  readonly loss: number;
}

export interface PruneCurve {
  readonly method: PruneMethod;
  readonly points: PrunePoint[];
}

const PRUNABLE = /^blocks\.\d+\.(attn\.W_[QKVO]|mlp\.W_(in|out))$/;

/** A copy of the model with the given entries of the given weights zeroed. */
function zeroed(model: ModelData, drop: Map<string, (i: number) => boolean>): ModelData {
  const weights = new Map<string, WeightArray>(model.weights);
  for (const [name, f] of drop) {
    const w = model.weights.get(name)!;
    weights.set(name, { shape: w.shape, data: w.data.map((v, i) => (f(i) ? 0 : v)) });
  }
  return { config: model.config, labels: model.labels, training: model.training, weights };
}

/** The |w| below which a share `s` of `values` lies (every weight at or under it is dropped). */
function cutoff(values: Float32Array, s: number): number {
  if (s <= 0 || values.length === 0) return -1;
  const sorted = Float32Array.from(values, Math.abs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(s * sorted.length) - 1)];
}

/** The model pruned to sparsity `s` by `method`. */
export function pruneModel(model: ModelData, method: PruneMethod, s: number): ModelData {
  const names = [...model.weights.keys()].filter((n) => PRUNABLE.test(n));
  const drop = new Map<string, (i: number) => boolean>();
  if (method === 'global' || method === 'per-matrix') {
    const all = method === 'global' ? cutoff(Float32Array.from(names.flatMap((n) => [...model.weights.get(n)!.data])), s) : 0;
    for (const n of names) {
      const w = model.weights.get(n)!.data;
      const c = method === 'global' ? all : cutoff(w, s);
      // Everything at or under the cut-off goes, so a larger s always drops a superset (compiled
      // models, full of exact zeros, may thus drop more than s; `zeros` reports what was reached).
      drop.set(n, (i) => Math.abs(w[i]) <= c && c >= 0);
    }
    return zeroed(model, drop);
  }
  const units = structuredUnits(model, method);
  const k = Math.round(s * units.length);
  const gone = [...units].sort((a, b) => a.score - b.score).slice(0, k);
  for (const u of gone)
    for (const [name, f] of u.entries) {
      const prev = drop.get(name);
      drop.set(name, prev ? (i) => prev(i) || f(i) : f);
    }
  return zeroed(model, drop);
}

interface Unit {
  readonly score: number;
  readonly entries: [string, (i: number) => boolean][];
}

const norm = (w: Float32Array, idx: (j: number) => number, n: number) => {
  let s = 0;
  for (let j = 0; j < n; j++) s += w[idx(j)] ** 2;
  return Math.sqrt(s);
};

function structuredUnits(model: ModelData, method: 'heads' | 'neurons'): Unit[] {
  const D = model.config.dModel;
  const out: Unit[] = [];
  model.config.layers.forEach((L, l) => {
    if (method === 'heads') {
      const per = D * L.dHead;
      for (let h = 0; h < L.nHeads; h++) {
        const V = model.weights.get(`blocks.${l}.attn.W_V`)!.data;
        const O = model.weights.get(`blocks.${l}.attn.W_O`)!.data;
        const inHead = (i: number) => Math.floor(i / per) === h;
        out.push({
          score: norm(V, (j) => h * per + j, per) * norm(O, (j) => h * per + j, per),
          entries: [`blocks.${l}.attn.W_V`, `blocks.${l}.attn.W_O`, `blocks.${l}.attn.b_V`].map((n) =>
            n.endsWith('b_V') ? [n, (i: number) => Math.floor(i / L.dHead) === h] : [n, inHead],
          ),
        });
      }
    } else {
      const M = L.dMlp;
      const Win = model.weights.get(`blocks.${l}.mlp.W_in`)?.data;
      const Wout = model.weights.get(`blocks.${l}.mlp.W_out`)?.data;
      for (let n = 0; n < M && Win && Wout; n++)
        out.push({
          score: norm(Win, (j) => j * M + n, D) * norm(Wout, (j) => n * D + j, D),
          entries: [
            [`blocks.${l}.mlp.W_in`, (i) => i % M === n],
            [`blocks.${l}.mlp.b_in`, (i) => i === n],
            [`blocks.${l}.mlp.W_out`, (i) => Math.floor(i / D) === n],
          ],
        });
    }
  });
  return out;
}

/** Accuracy against sparsity for one method. */
export async function pruningCurve(
  model: LoadedModel,
  set: ProbeSet,
  method: PruneMethod,
  opts: { sparsities?: readonly number[]; batchSize?: number; tolerance?: number } = {},
): Promise<PruneCurve> {
  const points: PrunePoint[] = [];
  for (const sparsity of opts.sparsities ?? DEFAULT_SPARSITIES) {
    const pruned = pruneModel(model, method, sparsity);
    // A pruned copy has weights of its own: loaded for its score, freed right after.
    const s = await LoadedModel.use(pruned, (m) => scoreModel(m, set, opts));
    points.push({ sparsity, zeros: zeroShare(pruned), exactMatch: s.exactMatch, tokenAccuracy: s.tokenAccuracy, loss: s.loss });
  }
  return { method, points };
}

/** Share of the attention and MLP matrices' weights that are exactly zero. */
export function zeroShare(model: ModelData): number {
  let zero = 0;
  let total = 0;
  for (const [n, w] of model.weights) {
    if (!PRUNABLE.test(n)) continue;
    total += w.data.length;
    for (const v of w.data) if (v === 0) zero++;
  }
  return total ? zero / total : 0;
}
