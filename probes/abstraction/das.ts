/**
 * Distributed alignment search (DAS; Geiger, Wu et al. 2023): a rank-k subspace of a residual-stream
 * hook, trained so that interchanging it between base and source runs makes the model output the
 * program's counterfactual. The subspace is the span of the first k columns of a rotation; here
 * the k columns are kept orthonormal directly, as the Gram–Schmidt orthonormalisation of a free
 * [d_model, k] matrix (differentiable, and a rotation's first k columns are exactly such a frame).
 * Loss: cross-entropy of the intervened logits against the counterfactual output (squared error for
 * a numerical output), over the positions the counterfactual defines. The model's weights are not trained.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import type { HookName } from '../../src/model/hooks.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { WeightArray } from '../../src/model/types.ts';
import { batchTargets, disposeTargets, maskedLoss } from '../../src/train/loss.ts';
import type { InterchangePairs } from './pairs.ts';
import { pairBatches } from './interchange.ts';
import { rowPositionMask, subspaceHooks } from './sites.ts';

export interface DasOptions {
  readonly rank: number;
  readonly steps: number;
  readonly lr?: number;
  readonly batchSize?: number;
  readonly seed: number;
}

/** An orthonormal frame [d, k] spanning the columns of `w` [d, k]: Gram–Schmidt in plain ops (tf.linalg.gramSchmidt's gradient fails in tfjs). */
export function orthonormalColumns(w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [d, k] = w.shape;
    const cols: tf.Tensor[] = [];
    for (let j = 0; j < k; j++) {
      let v: tf.Tensor = tf.slice(w, [0, j], [d, 1]);
      for (const q of cols) v = tf.sub(v, tf.mul(q, tf.sum(tf.mul(q, v))));
      cols.push(tf.div(v, tf.add(tf.norm(v), 1e-12)));
    }
    return (k === 1 ? cols[0] : tf.concat(cols, 1)) as tf.Tensor2D;
  });
}

/** The trained subspace: an orthonormal basis [d_model, rank], and the loss at the last step. */
export async function trainSubspace(
  model: LoadedModel,
  pairs: InterchangePairs,
  hook: HookName,
  opts: DasOptions,
): Promise<{ basis: WeightArray; loss: number }> {
  const D = model.config.dModel;
  const batches = pairBatches(model, pairs, opts.batchSize ?? 64);
  const prepared = batches.map((b) => {
    const src = model.runWithCache(b.source, { names: [hook] });
    src.logits.dispose();
    return { b, source: src.cache.get(hook)!, rows: rowPositionMask(b.positions, b.base.nPos), targets: batchTargets(model.config.output, b.base) };
  });
  const init = tf.randomNormal([D, opts.rank], 0, 1, 'float32', opts.seed + 1);
  const w = tf.variable(init) as tf.Variable<tf.Rank.R2>;
  init.dispose();
  const optimizer = tf.train.adam(opts.lr ?? 0.05);
  let loss = Number.NaN;
  try {
    for (let step = 0; step < opts.steps && prepared.length; step++) {
      const p = prepared[step % prepared.length];
      const cost = optimizer.minimize(
        () => {
          const basis = orthonormalColumns(w);
          const logits = model.run(p.b.base, { hooks: subspaceHooks([{ hook, basis }], () => p.source, p.rows) });
          return maskedLoss(model.config.output, logits, p.targets);
        },
        true,
        [w],
      );
      if (step === opts.steps - 1 && cost) loss = (await cost.data())[0];
      cost?.dispose();
    }
    const basis = orthonormalColumns(w);
    const data = (await basis.data()) as Float32Array;
    basis.dispose();
    return { basis: { shape: [D, opts.rank], data }, loss };
  } finally {
    w.dispose();
    optimizer.dispose();
    for (const p of prepared) {
      p.source.dispose();
      p.rows?.dispose();
      disposeTargets(p.targets);
    }
  }
}
