/**
 * Weight matching before interpolation (Ainsworth et al., "Git Re-Basin", 2022): a model's function
 * does not change when its residual directions are permuted (every read and write of the stream,
 * embeddings, LayerNorm and unembedding alike), when a layer's heads trade places, or when a
 * layer's MLP neurons do. So two models that learned one mechanism may sit far apart in weight
 * space; here B is permuted to be as close as possible to A.
 *
 * A permutation P minimises ‖A − P·B‖² exactly when it maximises ⟨A, P·B⟩, the score. With the
 * residual permutation fixed, each layer's heads and each layer's neurons are one linear
 * assignment (probes/assignment.ts), solved exactly: the score of head i against head j sums the
 * inner products of their W_Q, W_K, W_V, b_Q, b_K, b_V and W_O slices; of neuron i against j, their
 * W_in columns, b_in entries and W_out rows. With those fixed, the residual permutation is one
 * assignment over every weight with a residual axis. The two steps alternate, each raising the
 * score or leaving it, until the residual permutation no longer changes (at most MAX_ROUNDS).
 * A head's own d_head basis is left as it is: a rotation, not a permutation.
 */
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import { maxAssignment } from '../assignment.ts';

/** Where each unit of the permuted model comes from: position i holds the original's unit heads[i] / neurons[i]. */
export interface LayerPermutation {
  readonly layer: number;
  readonly heads: readonly number[];
  readonly neurons: readonly number[];
}

export interface Permutation {
  /** Position i of the permuted residual stream holds the original's direction residual[i]. */
  readonly residual: readonly number[];
  readonly layers: readonly LayerPermutation[];
}

export interface Alignment extends Permutation {
  /** Residual directions, heads and neurons not at their own place. */
  readonly moved: { readonly residual: number; readonly heads: number; readonly neurons: number };
  /** Euclidean distance between A's and B's weights before and after B is permuted. */
  readonly distance: { readonly before: number; readonly after: number };
  /** Rounds of the alternation (see the file header). */
  readonly rounds: number;
}

export const MAX_ROUNDS = 30;

const HEAD_WEIGHTS = ['W_Q', 'W_K', 'W_V', 'b_Q', 'b_K', 'b_V', 'W_O'] as const;

/** The axis of a weight that indexes residual directions, or null (TransformerLens shapes, src/model/types.ts). */
export function residualAxis(name: string): number | null {
  if (name === 'embed.W_E' || name === 'pos_embed.W_pos') return 1;
  if (name === 'unembed.W_U') return 0;
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  if (/\.ln(1|2)\.|^ln_final\./.test(name)) return 0;
  if (/\.attn\./.test(name)) return leaf === 'W_O' ? 2 : leaf === 'b_O' ? 0 : leaf.startsWith('W_') ? 1 : null;
  if (/\.mlp\./.test(name)) return leaf === 'W_in' || leaf === 'b_out' ? 0 : leaf === 'W_out' ? 1 : null;
  return null;
}

/** [outer, n, inner] view of a weight along `axis`. */
function split(w: WeightArray, axis: number): [number, number, number] {
  const outer = w.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = w.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  return [outer, w.shape[axis], inner];
}

/** The weight with its entries along `axis` in a new order: index i of the result is index order[i]. */
export function permuteAxis(w: WeightArray, axis: number, order: readonly number[]): WeightArray {
  const [outer, n, inner] = split(w, axis);
  const data = new Float32Array(w.data.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++) data.set(w.data.subarray((o * n + order[i]) * inner, (o * n + order[i] + 1) * inner), (o * n + i) * inner);
  return { shape: w.shape, data };
}

/** Adds ⟨a at index i, b at index j⟩ along `axis` to table[i][j]. */
function addScores(table: number[][], a: WeightArray, b: WeightArray, axis: number): void {
  const [outer, n, inner] = split(a, axis);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let o = 0; o < outer; o++) {
        const x = (o * n + i) * inner;
        const y = (o * n + j) * inner;
        for (let r = 0; r < inner; r++) s += a.data[x + r] * b.data[y + r];
      }
      table[i][j] += s;
    }
}

const zeros = (n: number) => Array.from({ length: n }, () => new Array<number>(n).fill(0));
const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
const isIdentity = (p: readonly number[]) => p.every((x, i) => x === i);
const same = (p: readonly number[], q: readonly number[]) => p.every((x, i) => x === q[i]);
const inverse = (p: readonly number[]) => {
  const q = new Array<number>(p.length);
  p.forEach((from, to) => (q[from] = to));
  return q;
};

/** The units (heads, neurons) of layer l as (weight name, axis) pairs. */
function units(l: number): { heads: [string, number][]; neurons: [string, number][] } {
  const p = `blocks.${l}`;
  return {
    heads: HEAD_WEIGHTS.map((n) => [`${p}.attn.${n}`, 0]),
    neurons: [
      [`${p}.mlp.W_in`, 1],
      [`${p}.mlp.b_in`, 0],
      [`${p}.mlp.W_out`, 0],
    ],
  };
}

/**
 * The model with its residual directions, heads and neurons reordered as `perm` says: the same
 * function, up to the order of float32 sums. Labels follow what they label (residual directions,
 * heads); an MLP label whose neurons moved is dropped.
 */
export function permuteModel(m: ModelData, perm: Permutation): ModelData {
  const weights = new Map(m.weights);
  const apply = (name: string, axis: number, order: readonly number[]) => weights.set(name, permuteAxis(weights.get(name)!, axis, order));
  if (!isIdentity(perm.residual))
    for (const name of m.weights.keys()) {
      const axis = residualAxis(name);
      if (axis !== null) apply(name, axis, perm.residual);
    }
  let { heads, mlps, residual } = m.labels;
  if (!isIdentity(perm.residual)) {
    const to = inverse(perm.residual);
    residual = residual.map((d) => ({ ...d, index: to[d.index] }));
  }
  for (const { layer, heads: hp, neurons: np } of perm.layers) {
    const u = units(layer);
    if (hp.length && !isIdentity(hp)) {
      for (const [name, axis] of u.heads) apply(name, axis, hp);
      const to = inverse(hp);
      heads = heads.map((h) => (h.layer === layer ? { ...h, head: to[h.head] } : h));
    }
    if (np.length && !isIdentity(np)) {
      for (const [name, axis] of u.neurons) apply(name, axis, np);
      mlps = mlps.filter((l) => l.layer !== layer || np.slice(...l.neurons).every((x, k) => x === l.neurons[0] + k));
    }
  }
  // Fields by name: a LoadedModel's are getters, which a spread would not copy.
  return { config: m.config, labels: { ...m.labels, residual, heads, mlps }, training: m.training, weights };
}

function distance(a: ModelData, b: ModelData): number {
  let s = 0;
  for (const [name, w] of a.weights) {
    const v = b.weights.get(name)!.data;
    for (let k = 0; k < w.data.length; k++) s += (w.data[k] - v[k]) ** 2;
  }
  return Math.sqrt(s);
}

/** Each layer's best heads and neurons for `b` whose residual stream is already A's order. */
function matchUnits(a: ModelData, b: ModelData): LayerPermutation[] {
  return a.config.layers.map((L, l) => {
    const u = units(l);
    const match = (n: number, parts: [string, number][]) => {
      if (n === 0) return [];
      const table = zeros(n);
      for (const [name, axis] of parts) addScores(table, a.weights.get(name)!, b.weights.get(name)!, axis);
      return maxAssignment(table);
    };
    return { layer: l, heads: match(L.nHeads, u.heads), neurons: match(L.dMlp, u.neurons) };
  });
}

/** The best residual permutation for `b` whose units are already matched. */
function matchResidual(a: ModelData, b: ModelData): number[] {
  const table = zeros(a.config.dModel);
  for (const [name, w] of a.weights) {
    const axis = residualAxis(name);
    if (axis !== null) addScores(table, w, b.weights.get(name)!, axis);
  }
  return maxAssignment(table);
}

/** `b` permuted to match `a` (same shape: check first), and the permutation. */
export function alignTo(a: ModelData, b: ModelData): { model: ModelData; alignment: Alignment } {
  let residual = identity(a.config.dModel);
  let layers: LayerPermutation[] = [];
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    rounds++;
    layers = matchUnits(a, permuteModel(b, { residual, layers: [] }));
    const next = matchResidual(a, permuteModel(b, { residual: identity(a.config.dModel), layers }));
    if (same(next, residual)) break;
    residual = next;
  }
  if (rounds === MAX_ROUNDS) layers = matchUnits(a, permuteModel(b, { residual, layers: [] }));
  const perm = { residual, layers };
  const model = permuteModel(b, perm);
  const moved = (p: readonly number[]) => p.filter((x, i) => x !== i).length;
  const sum = (f: (p: LayerPermutation) => readonly number[]) => layers.reduce((s, p) => s + moved(f(p)), 0);
  return {
    model,
    alignment: {
      ...perm,
      moved: { residual: moved(residual), heads: sum((p) => p.heads), neurons: sum((p) => p.neurons) },
      distance: { before: distance(a, b), after: distance(a, model) },
      rounds,
    },
  };
}
