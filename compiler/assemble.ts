/**
 * Pass 6: weights in the model format (src/model/types.ts). Sparse blocks over named directions
 * become dense TransformerLens-shaped arrays over the kept basis: each head's bilinear QK form is
 * factored through the smaller of its two sides (likewise OV), heads of a layer are padded to the
 * widest, MLP blocks of a layer are concatenated as neuron ranges. All biases are zero (constants
 * come from `one`).
 */
import type { Program } from '../src/rasp/program.ts';
import type { Value } from '../src/rasp/values.ts';
import { castToken, type TokenCast } from '../src/rasp/tokenCasts.ts';
import {
  BOS,
  FORMAT_VERSION,
  type DirectionLabel,
  type HeadLabel,
  type LayerConfig,
  type MlpLabel,
  type ModelConfig,
  type ModelData,
  type OutputSpec,
  type WeightArray,
  programLabel,
} from '../src/model/types.ts';
import { checkModelSize } from '../src/model/shapes.ts';
import { zeros } from '../src/model/weightArray.ts';
import type { LayerPlan } from './layout.ts';
import { matCols, matRows, type Dir, type LinComb, type SparseMat } from './linalg.ts';
import { temporaryName } from './spaces.ts';
import type { DirInfo } from './types.ts';

export interface AssembleInput {
  readonly program: Program;
  readonly outputName: string;
  readonly vocab: readonly Value[];
  /** How the program reads each input token: the embedding writes the token's direction as read. */
  readonly tokensCast: TokenCast;
  readonly maxLen: number;
  readonly causal: boolean;
  readonly basis: readonly DirInfo[];
  readonly layers: readonly LayerPlan[];
  readonly unembed: readonly LinComb[];
  readonly output: OutputSpec;
}

/** One side of a factor, entry by entry: row `at[k]` of the basis, column `j[k]` of the factor, coefficient `x[k]`. */
interface Entries {
  readonly at: number[];
  readonly j: number[];
  readonly x: number[];
}

/**
 * A factorisation of a bilinear form: left · rightᵀ = m, through min(rows, cols) dimensions, its
 * sides over the basis (`at`: a direction's index; one outside the basis is left out). Each side is
 * listed straight off m, as flat entries: a score over two large value sets has value-set² of them,
 * and a closure or a collection per direction costs more than the entry it writes.
 */
interface Factor {
  readonly width: number;
  readonly left: Entries;
  readonly right: Entries;
}

function factor(m: SparseMat, index: ReadonlyMap<Dir, number>): Factor {
  const rows = [...matRows(m)];
  const cols = [...matCols(m)];
  const left: Entries = { at: [], j: [], x: [] };
  const right: Entries = { at: [], j: [], x: [] };
  if (rows.length <= cols.length) {
    rows.forEach((r, j) => {
      push(left, index.get(r), j, 1);
      m.get(r)!.forEach((x, c) => x && push(right, index.get(c), j, x));
    });
    return { width: rows.length, left, right };
  }
  const pos = new Map(cols.map((c, j) => [c, j]));
  for (const r of rows) m.get(r)!.forEach((x, c) => x && push(left, index.get(r), pos.get(c)!, x));
  cols.forEach((c, j) => push(right, index.get(c), j, 1));
  return { width: cols.length, left, right };
}

/**
 * Adds an entry at basis row `r` (none: a direction outside the basis, left out). A top-level
 * function: under tsx a closure per factor costs a defineProperty (types.ts's leafId).
 */
function push(e: Entries, r: number | undefined, j: number, x: number): void {
  if (r === undefined) return;
  e.at.push(r);
  e.j.push(j);
  e.x.push(x);
}

/** Writes a factor's side into head `head` of a [heads, D, width] weight (W_Q, W_K, W_V), or of a [heads, width, D] one (`transposed`: W_O). */
function writeSide(w: WeightArray, e: Entries, head: number, D: number, width: number, transposed: boolean): void {
  for (let k = 0; k < e.at.length; k++) {
    const i = transposed ? (head * width + e.j[k]) * D + e.at[k] : (head * D + e.at[k]) * width + e.j[k];
    w.data[i] = e.x[k];
  }
}

export function assemble(inp: AssembleInput): ModelData {
  const dirs = inp.basis.map((b) => b.dir);
  const index = new Map(dirs.map((d, i) => [d, i]));
  const D = dirs.length;
  const vocab: Value[] = [BOS, ...inp.vocab];
  const nCtx = inp.maxLen + 1;
  const weights = new Map<string, WeightArray>();

  // Every layer's widths first, so that a model too large to hold is refused before a weight is allocated.
  const shaped = inp.layers.map((layer) => {
    const qks = layer.heads.map((h) => factor(h.qk, index));
    const ovs = layer.heads.map((h) => factor(h.ov, index));
    const dHead = Math.max(0, ...qks.map((f) => f.width), ...ovs.map((f) => f.width));
    const dMlp = layer.mlps.reduce((s, m) => s + m.neurons.length, 0);
    const config: LayerConfig = { nHeads: layer.heads.length, dHead, dMlp };
    return { qks, ovs, config };
  });
  const config: ModelConfig = {
    formatVersion: FORMAT_VERSION,
    dModel: D,
    nCtx,
    vocab,
    layers: shaped.map((s) => s.config),
    output: inp.output,
    normalization: 'none',
    causal: inp.causal,
    actFn: 'relu',
    attnScale: 1,
    origin: 'compiled',
  };
  checkModelSize(config, 'the compiled model');

  // The embeddings' directions by value, off the basis (as Map keys, values compare as the basis's keys do).
  const inputAt = { tokens: new Map<Value, number>(), indices: new Map<Value, number>() };
  inp.basis.forEach((b, i) => {
    if ((b.role === 'tokens' || b.role === 'indices') && b.value !== undefined) inputAt[b.role].set(b.value, i);
  });
  const WE = zeros([vocab.length, D]);
  const bosI = index.get('bos')!;
  const oneI = index.get('one')!;
  WE.data[0 * D + bosI] = 1;
  inp.vocab.forEach((v, k) => {
    const row = k + 1;
    WE.data[row * D + oneI] = 1;
    const read = castToken(inp.tokensCast, v);
    const t = 'value' in read ? inputAt.tokens.get(read.value) : undefined;
    if (t !== undefined) WE.data[row * D + t] = 1;
  });
  weights.set('embed.W_E', WE);
  const WP = zeros([nCtx, D]);
  for (let p = 1; p < nCtx; p++) {
    const t = inputAt.indices.get(p - 1);
    if (t !== undefined) WP.data[p * D + t] = 1;
  }
  weights.set('pos_embed.W_pos', WP);

  const headLabels: HeadLabel[] = [];
  const mlpLabels: MlpLabel[] = [];
  inp.layers.forEach((layer, l) => {
    const { qks, ovs } = shaped[l];
    const { nHeads: nH, dHead, dMlp } = shaped[l].config;
    const p = `blocks.${l}`;
    if (nH > 0) {
      const WQ = zeros([nH, D, dHead]);
      const WK = zeros([nH, D, dHead]);
      const WV = zeros([nH, D, dHead]);
      const WO = zeros([nH, dHead, D]);
      layer.heads.forEach((h, hi) => {
        writeSide(WQ, qks[hi].left, hi, D, dHead, false);
        writeSide(WK, qks[hi].right, hi, D, dHead, false);
        writeSide(WV, ovs[hi].left, hi, D, dHead, false);
        writeSide(WO, ovs[hi].right, hi, D, dHead, true);
        headLabels.push({ layer: l, head: hi, ...h.label });
      });
      weights.set(`${p}.attn.W_Q`, WQ);
      weights.set(`${p}.attn.W_K`, WK);
      weights.set(`${p}.attn.W_V`, WV);
      weights.set(`${p}.attn.W_O`, WO);
      weights.set(`${p}.attn.b_Q`, zeros([nH, dHead]));
      weights.set(`${p}.attn.b_K`, zeros([nH, dHead]));
      weights.set(`${p}.attn.b_V`, zeros([nH, dHead]));
      weights.set(`${p}.attn.b_O`, zeros([D]));
    }
    if (dMlp > 0) {
      const Win = zeros([D, dMlp]);
      const Wout = zeros([dMlp, D]);
      let k = 0;
      for (const m of layer.mlps) {
        const start = k;
        for (const n of m.neurons) {
          for (const [d, c] of n.in) {
            const r = index.get(d);
            if (r !== undefined) Win.data[r * dMlp + k] = c;
          }
          for (const [d, c] of n.out) {
            const r = index.get(d);
            if (r !== undefined) Wout.data[k * D + r] = c;
          }
          k++;
        }
        mlpLabels.push({ layer: l, neurons: [start, k], ...m.label });
      }
      weights.set(`${p}.mlp.W_in`, Win);
      weights.set(`${p}.mlp.b_in`, zeros([dMlp]));
      weights.set(`${p}.mlp.W_out`, Wout);
      weights.set(`${p}.mlp.b_out`, zeros([D]));
    }
  });

  const nOut = inp.unembed.length;
  const WU = zeros([D, nOut]);
  inp.unembed.forEach((col, j) => {
    for (const [d, c] of col) {
      const r = index.get(d);
      if (r !== undefined) WU.data[r * nOut + j] = c;
    }
  });
  weights.set('unembed.W_U', WU);
  weights.set('unembed.b_U', zeros([nOut]));

  // Two literals rather than a spread of an optional value: a spread per direction cost an eighth of assembly.
  const residual: DirectionLabel[] = inp.basis.map((b, i) => {
    const sop = b.temporary !== undefined ? temporaryName(b.sop, b.temporary) : b.sop;
    const { value, encoding, role } = b;
    return value !== undefined ? { index: i, sop, value, encoding, role } : { index: i, sop, encoding, role };
  });
  return {
    config,
    labels: {
      program: programLabel(inp.program, inp.outputName),
      residual,
      heads: headLabels,
      mlps: mlpLabels,
    },
    weights,
  };
}
