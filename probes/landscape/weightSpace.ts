/**
 * Models as points of one weight space: two models are in the same space when their configs
 * agree on every dimension the weights have (layers, heads and widths per layer, d_model,
 * vocabulary and context, output, normalisation) and on how the forward pass reads them
 * (activation, causal mask). The attention scale is not a dimension: a model's scale folds into
 * its W_Q and b_Q (scores are q·k / scale), so B is brought to A's scale exactly. Points on the
 * line between A and B are computed in float64 from integer weights, so that the path from A to
 * B is the path from B to A reversed, bit for bit, and the path from A to A is A at every point.
 */
import { UserError } from '../../src/rasp/errors.ts';
import { formatValue, valueKey, type Value } from '../../src/rasp/values.ts';
import type { ModelConfig, ModelData, WeightArray } from '../../src/model/types.ts';

const list = (values: readonly Value[]) => values.map(formatValue).join(' ');
const sameValues = (a: readonly Value[], b: readonly Value[]) => a.length === b.length && a.every((v, i) => valueKey(v) === valueKey(b[i]));

/** The first dimension on which two configs' weights differ, as text ("layer 1: d_mlp 78 vs 64"), or null when they have one shape. */
export function shapeDifference(a: ModelConfig, b: ModelConfig): string | null {
  if (a.layers.length !== b.layers.length) return `layers ${a.layers.length} vs ${b.layers.length}`;
  if (a.dModel !== b.dModel) return `d_model ${a.dModel} vs ${b.dModel}`;
  for (let l = 0; l < a.layers.length; l++) {
    const [x, y] = [a.layers[l], b.layers[l]];
    if (x.nHeads !== y.nHeads) return `layer ${l}: heads ${x.nHeads} vs ${y.nHeads}`;
    if (x.nHeads > 0 && x.dHead !== y.dHead) return `layer ${l}: d_head ${x.dHead} vs ${y.dHead}`;
    if (x.dMlp !== y.dMlp) return `layer ${l}: d_mlp ${x.dMlp} vs ${y.dMlp}`;
  }
  if (!sameValues(a.vocab, b.vocab)) return `vocabulary ${list(a.vocab)} vs ${list(b.vocab)}`;
  if (a.nCtx !== b.nCtx) return `n_ctx ${a.nCtx} vs ${b.nCtx}`;
  const [oa, ob] = [a.output, b.output];
  if (oa.encoding !== ob.encoding) return `output ${oa.encoding} vs ${ob.encoding}`;
  if (oa.encoding === 'categorical' && ob.encoding === 'categorical' && !sameValues(oa.values, ob.values))
    return `output values ${list(oa.values)} vs ${list(ob.values)}`;
  if (a.normalization !== b.normalization) return `normalization ${a.normalization} vs ${b.normalization}`;
  if (a.actFn !== b.actFn) return `activation ${a.actFn} vs ${b.actFn}`;
  if (a.causal !== b.causal) return `causal mask ${a.causal} vs ${b.causal}`;
  return null;
}

/** Refuses two models of different shapes, naming the dimension; `names` are how the user called them. */
export function checkSameShape(a: ModelData, b: ModelData, names: readonly [string, string]): void {
  const diff = shapeDifference(a.config, b.config);
  if (diff)
    throw new UserError(`${names[0]} and ${names[1]} differ in shape (${diff}): a path joins models of one shape; train one with --shape-of ${names[0]}`);
}

/** `b` computing the same function at `a`'s attention scale (its W_Q and b_Q rescaled); `b` itself when the scales agree. */
export function atScaleOf(a: ModelData, b: ModelData): ModelData {
  if (a.config.attnScale === b.config.attnScale) return b;
  const factor = a.config.attnScale / b.config.attnScale;
  const weights = new Map(b.weights);
  for (const [name, w] of b.weights)
    if (/\.attn\.(W_Q|b_Q)$/.test(name)) weights.set(name, { shape: w.shape, data: Float32Array.from(w.data, (x) => x * factor) });
  return { config: { ...b.config, attnScale: a.config.attnScale }, labels: b.labels, training: b.training, weights };
}

/**
 * The model at step `i` of `n` on the line from `a` (i = 0) to `b` (i = n): weights ((n−i)·a + i·b) / n
 * in float64, rounded once to float32, with `a`'s config and labels. `b` must have `a`'s shape and scale.
 */
export function pathPoint(a: ModelData, b: ModelData, i: number, n: number): ModelData {
  const weights = new Map<string, WeightArray>();
  for (const [name, wa] of a.weights) {
    const wb = b.weights.get(name);
    if (!wb || wb.data.length !== wa.data.length) throw new Error(`pathPoint: weight '${name}' differs in shape (check shapes first)`);
    const data = new Float32Array(wa.data.length);
    for (let k = 0; k < data.length; k++) data[k] = ((n - i) * wa.data[k] + i * wb.data[k]) / n;
    weights.set(name, { shape: wa.shape, data });
  }
  return { config: a.config, labels: a.labels, weights };
}
