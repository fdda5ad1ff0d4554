/**
 * Head-by-head similarity between two models over a shared probe set: for each pair of heads, the
 * mean over inputs and real-token query positions of 1 − JSD (Jensen–Shannon divergence, base 2,
 * so in [0, 1]) between their attention distributions over keys (BOS included: compiled heads park
 * attention there when their selector selects nothing). Then, for each head of the first model
 * (typically compiled, so labelled), the best-matching head of the second and whether it is close
 * enough to say the second model has a head doing that job.
 */
import type { Value } from '../src/rasp/values.ts';
import { DEFAULT_BATCH_SIZE } from '../src/model/batch.ts';
import { allHeads } from '../src/model/components.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import type { HeadRef, ModelData } from '../src/model/types.ts';
import { forEachPatternBatch } from './attention.ts';

export interface HeadSimilarity {
  readonly headsA: HeadRef[];
  readonly headsB: HeadRef[];
  /** [index into headsA][index into headsB], mean 1 − JSD. */
  readonly similarity: number[][];
}

export interface HeadMatch {
  readonly head: HeadRef;
  /** What the head implements (compiled models): its RASP expression and selector. */
  readonly expr?: string;
  readonly selector?: string;
  readonly best: HeadRef | null;
  readonly similarity: number;
  /** similarity ≥ the threshold: the other model has a head doing this one's job. */
  readonly matched: boolean;
  /** Where the other model's labels carry an alignment (an SIIT model's): its heads aligned with this head's variable, and their similarity to it. */
  readonly aligned?: readonly { readonly head: HeadRef; readonly similarity: number }[];
}

export const DEFAULT_MATCH_THRESHOLD = 0.9;

const heads = (m: ModelData): HeadRef[] => allHeads(m.config);

/** 1 − JSD(p, q) in bits for two distributions given as slices of equal length. */
export function jsSimilarity(p: Float32Array, pOff: number, q: Float32Array, qOff: number, n: number): number {
  let js = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, p[pOff + i]);
    const b = Math.max(0, q[qOff + i]);
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  return 1 - Math.min(1, Math.max(0, js));
}

type Patterns = { patterns: Map<number, Float32Array>; nPos: number };

async function collect(m: LoadedModel, inputs: readonly Value[][], batchSize?: number): Promise<Patterns[]> {
  const out: Patterns[] = [];
  await forEachPatternBatch(m, inputs, (patterns, _rows, nPos) => out.push({ patterns, nPos }), { batchSize });
  return out;
}

/** Mean 1 − JSD between every head of A and every head of B on `inputs` (which both models must accept). */
export async function headSimilarity(a: LoadedModel, b: LoadedModel, inputs: readonly Value[][], opts: { batchSize?: number } = {}): Promise<HeadSimilarity> {
  const bs = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const pa = await collect(a, inputs, bs);
  const pb = await collect(b, inputs, bs);
  const ha = heads(a);
  const hb = heads(b);
  const sum = ha.map(() => hb.map(() => 0));
  let count = 0;
  pa.forEach((batchA, bi) => {
    const batchB = pb[bi];
    const rows = inputs.slice(bi * bs, (bi + 1) * bs);
    rows.forEach((input, r) => {
      const n = input.length + 1;
      for (let q = 1; q < n; q++) {
        count++;
        ha.forEach((x, i) => {
          const HA = a.config.layers[x.layer].nHeads;
          const PA = batchA.nPos;
          const offA = ((r * HA + x.head) * PA + q) * PA;
          const dataA = batchA.patterns.get(x.layer)!;
          hb.forEach((y, j) => {
            const HB = b.config.layers[y.layer].nHeads;
            const PB = batchB.nPos;
            const offB = ((r * HB + y.head) * PB + q) * PB;
            sum[i][j] += jsSimilarity(dataA, offA, batchB.patterns.get(y.layer)!, offB, n);
          });
        });
      }
    });
  });
  return { headsA: ha, headsB: hb, similarity: sum.map((row) => row.map((s) => (count ? s / count : Number.NaN))) };
}

/** For each head of A, its most similar head of B, and whether the similarity reaches `threshold`. */
export function matchHeads(sim: HeadSimilarity, labelled: ModelData, threshold = DEFAULT_MATCH_THRESHOLD): HeadMatch[] {
  return sim.headsA.map((h, i) => {
    const row = sim.similarity[i];
    let best = -1;
    row.forEach((s, j) => {
      if (best < 0 || s > row[best]) best = j;
    });
    const label = labelled.labels.heads.find((l) => l.layer === h.layer && l.head === h.head);
    const similarity = best < 0 ? 0 : row[best];
    return {
      head: h,
      expr: label?.expr,
      selector: label?.selector,
      best: best < 0 ? null : sim.headsB[best],
      similarity,
      matched: best >= 0 && similarity >= threshold,
    };
  });
}

/** The heads of A whose match (from matchHeads) is `head` of B: the jobs B's head does. */
export function matchedBy(matches: readonly HeadMatch[], head: HeadRef): HeadMatch[] {
  return matches.filter((m) => m.matched && m.best?.layer === head.layer && m.best.head === head.head);
}
