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

/**
 * A factorisation of a bilinear form m: left · rightᵀ = m, through min(rows, cols) dimensions.
 * Through its rows (`throughRows`), left is the identity on them and right holds row j's entries in
 * column j; else right is the identity on the columns and left holds each entry in its column's.
 * Each side is written straight off m (writeSide): a score over two large value sets has
 * value-set² entries, and collecting them first costs more than writing them.
 */
interface Factor {
  readonly m: SparseMat;
  readonly rows: readonly Dir[];
  readonly cols: readonly Dir[];
  readonly throughRows: boolean;
  readonly width: number;
}

function factor(m: SparseMat): Factor {
  const rows = [...matRows(m)];
  const cols = [...matCols(m)];
  const throughRows = rows.length <= cols.length;
  return { m, rows, cols, throughRows, width: throughRows ? rows.length : cols.length };
}

/**
 * Where basis row r, column j of a head's side sits in its weight (a closure made by a top-level
 * function: under tsx a named one costs a defineProperty, types.ts's leafId).
 */
function cellOf(head: number, D: number, width: number, transposed: boolean): (r: number, j: number) => number {
  return transposed ? (r, j) => (head * width + j) * D + r : (r, j) => (head * D + r) * width + j;
}

/**
 * Writes one side of a factor into head `head` of a [heads, D, width] weight (W_Q, W_K, W_V), or
 * of a [heads, width, D] one (`transposed`: W_O), `width` the layer's head width; a direction
 * outside the basis is left out.
 */
function writeSide(
  w: WeightArray,
  f: Factor,
  side: 'left' | 'right',
  index: ReadonlyMap<Dir, number>,
  head: number,
  D: number,
  width: number,
  transposed: boolean,
): void {
  const { m, rows, cols } = f;
  const at = cellOf(head, D, width, transposed);
  if (f.throughRows === (side === 'left')) {
    const dirs = side === 'left' ? rows : cols;
    for (let j = 0; j < dirs.length; j++) {
      const r = index.get(dirs[j]);
      if (r !== undefined) w.data[at(r, j)] = 1;
    }
    return;
  }
  if (f.throughRows) {
    for (let j = 0; j < rows.length; j++)
      for (const [c, x] of m.get(rows[j])!) {
        const r = x ? index.get(c) : undefined;
        if (r !== undefined) w.data[at(r, j)] = x;
      }
    return;
  }
  const pos = new Map(cols.map((c, j) => [c, j]));
  for (const d of rows) {
    const r = index.get(d);
    if (r === undefined) continue;
    for (const [c, x] of m.get(d)!) if (x) w.data[at(r, pos.get(c)!)] = x;
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
    const qks = layer.heads.map((h) => factor(h.qk));
    const ovs = layer.heads.map((h) => factor(h.ov));
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
        writeSide(WQ, qks[hi], 'left', index, hi, D, dHead, false);
        writeSide(WK, qks[hi], 'right', index, hi, D, dHead, false);
        writeSide(WV, ovs[hi], 'left', index, hi, D, dHead, false);
        writeSide(WO, ovs[hi], 'right', index, hi, D, dHead, true);
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
