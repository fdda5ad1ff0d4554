/**
 * One optimisation step: gradients of the masked loss (plain, AND-masked across length
 * environments, or with connectivity-based fine-tuning's barrier term) on the backend, then AdamW
 * with clipping by global norm in JavaScript. Pure in its inputs: the batch comes from (seed,
 * step), so the same state and step give the same result.
 */
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';
import { forward } from '../model/forward.ts';
import type { ModelConfig } from '../model/types.ts';
import { andMaskGradients } from './andMask.ts';
import { batchTokens, encodeBatch } from '../model/batch.ts';
import type { Example } from '../rasp/examples.ts';
import { splitByLength } from './dataset.ts';
import { installFastGradients } from './fastGrads.ts';
import { batchTargets, disposeTargets, maskedLoss, type Targets } from './loss.ts';
import { adamWUpdate, decays, initAdamW, type AdamWConfig, type AdamWState } from './optimizer.ts';

export interface StepContext {
  readonly config: ModelConfig;
  /** Parameter names, in the order of `TrainState.values`. */
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly adamw: AdamWConfig;
  readonly decayMask: readonly boolean[];
  /** Clip gradients to this global norm (≤ 0: no clipping). */
  readonly clipNorm: number;
  /** AND-mask threshold τ; undefined: the ordinary mean gradient. */
  readonly andMask?: number;
  /** Connectivity-based fine-tuning's barrier term (src/train/cbft.ts); undefined: none. */
  readonly barrier?: BarrierTerm;
}

/**
 * The term CBFT subtracts from the task loss: λ · min(L(θ_α), cap), θ_α = (1 − α)·θ_from + α·θ
 * with α drawn per step, so that minimising the objective raises the loss on the straight path
 * back to the model fine-tuning started from (src/train/cbft.ts says why it is capped).
 */
export interface BarrierTerm {
  /** The weights the path starts from, in `names` order. */
  readonly from: readonly tf.Tensor[];
  readonly lambda: number;
  readonly cap: number;
}

/**
 * The weights as the optimiser owns them (Float32Arrays, updated in place) and as the backend sees
 * them (tensors made from copies, replaced after every update).
 */
export interface TrainState {
  readonly values: Float32Array[];
  params: tf.Tensor[];
  readonly opt: AdamWState;
}

export function makeState(ctx: Pick<StepContext, 'shapes'>, values: Float32Array[], opt: AdamWState): TrainState {
  return { values, params: uploadParams(ctx, values), opt };
}

function uploadParams(ctx: Pick<StepContext, 'shapes'>, values: readonly Float32Array[]): tf.Tensor[] {
  // Copies: a backend may keep the array it is given, and the optimiser mutates these in place.
  return values.map((v, i) => tf.tensor(v.slice(), [...ctx.shapes[i]], 'float32'));
}

export interface StepOptions {
  readonly adamw: AdamWConfig;
  readonly clipNorm: number;
  readonly andMask?: number;
  readonly barrier?: BarrierTerm;
}

export function stepContext(config: ModelConfig, names: readonly string[], shapes: readonly (readonly number[])[], opts: StepOptions): StepContext {
  return { config, names, shapes, decayMask: names.map((n, i) => decays(n, shapes[i])), ...opts };
}

/** Context and fresh state (zero moments) for training `params`, which are read and disposed. */
export function prepareTraining(config: ModelConfig, params: ReadonlyMap<string, tf.Tensor>, opts: StepOptions): { ctx: StepContext; state: TrainState } {
  const names = [...params.keys()];
  const ctx = stepContext(
    config,
    names,
    names.map((n) => params.get(n)!.shape),
    opts,
  );
  const values = names.map((n) => Float32Array.from(params.get(n)!.dataSync()));
  tf.dispose([...params.values()]);
  return { ctx, state: makeState(ctx, values, initAdamW(values.map((v) => v.length))) };
}

export function disposeState(state: TrainState): void {
  tf.dispose(state.params);
}

/** The parameters as the forward pass takes them. */
export function paramMap(ctx: Pick<StepContext, 'names'>, state: TrainState): Map<string, tf.Tensor> {
  return new Map(ctx.names.map((n, i) => [n, state.params[i]]));
}

/** Where CBFT's path loss is taken this step: the point α of the line, and the examples (of the task the model started from). */
export interface PathStep {
  readonly alpha: number;
  readonly examples: readonly Example[];
}

/**
 * Loss and gradients on one group of examples (the loss summed when `summed`, else its mean). With
 * `ctx.barrier` and `path`, the gradients are the CBFT objective's and `value` is still the task loss.
 */
function lossAndGrads(
  ctx: Pick<StepContext, 'config' | 'names' | 'barrier'>,
  params: readonly tf.Tensor[],
  examples: readonly Example[],
  summed = false,
  path?: PathStep,
): { value: tf.Scalar; grads: tf.Tensor[]; scored: number } {
  const b = encodeBatch(ctx.config, examples);
  const targets = batchTargets(ctx.config.output, b);
  const barrier = path && path.examples.length ? ctx.barrier : undefined;
  const pb = barrier ? encodeBatch(ctx.config, path!.examples) : undefined;
  const pathTargets = pb ? batchTargets(ctx.config.output, pb) : undefined;
  try {
    const r = tf.tidy(() => {
      const lossAt = (ts: readonly tf.Tensor[], batch: typeof b, t: Targets) => {
        const p = new Map(ctx.names.map((n, i) => [n, ts[i]]));
        const { logits } = forward(ctx.config, p, { tokens: batchTokens(batch), lengths: batch.lengths }, { cache: false });
        return maskedLoss(ctx.config.output, logits, t, summed ? 1 : undefined);
      };
      if (!barrier) return tf.valueAndGrads((...ts: tf.Tensor[]) => lossAt(ts, b, targets))(params as tf.Tensor[]);
      const alpha = path!.alpha;
      let task: tf.Scalar | undefined;
      const objective = (...ts: tf.Tensor[]) => {
        const loss = lossAt(ts, b, targets);
        task = tf.keep(loss.clone());
        const onPath = ts.map((t, i) => tf.add(tf.mul(barrier.from[i], 1 - alpha), tf.mul(t, alpha)));
        return tf.sub(loss, tf.mul(tf.minimum(lossAt(onPath, pb!, pathTargets!), barrier.cap), barrier.lambda)) as tf.Scalar;
      };
      const { value, grads } = tf.valueAndGrads(objective)(params as tf.Tensor[]);
      value.dispose();
      return { value: task!, grads };
    });
    return { ...r, scored: targets.scored };
  } finally {
    disposeTargets(targets);
    if (pathTargets) disposeTargets(pathTargets);
  }
}

/** One shard's part of a step: the summed loss, its gradients read back, and how many positions it scored. */
export interface ShardGradients {
  readonly loss: number;
  readonly grads: Float32Array[];
  readonly scored: number;
}

/** Summed loss and gradients of a shard, on this thread's backend. */
export function shardGradients(ctx: Pick<StepContext, 'config' | 'names'>, params: readonly tf.Tensor[], examples: readonly Example[]): ShardGradients {
  installFastGradients();
  const { value, grads, scored } = lossAndGrads(ctx, params, examples, true);
  const out = { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array), scored };
  tf.dispose([value, ...grads]);
  return out;
}

export interface StepResult {
  /** Mean loss of the step. */
  readonly loss: number;
  /** Gradient norm before clipping. */
  readonly gradNorm: number;
}

/** Runs one step, updating `state` (its arrays in place, its tensors replaced); `path`: where CBFT's barrier term is taken. */
export function trainStep(ctx: StepContext, state: TrainState, examples: readonly Example[], lr: number, path?: PathStep): StepResult {
  installFastGradients();
  const { loss, grads } = tf.tidy(() => {
    if (ctx.andMask === undefined) {
      const r = lossAndGrads(ctx, state.params, examples, false, path);
      return { loss: r.value, grads: r.grads };
    }
    const envs = splitByLength(examples).map((env) => lossAndGrads(ctx, state.params, env));
    return {
      loss: tf.div(tf.addN(envs.map((e) => e.value)), envs.length) as tf.Scalar,
      grads: andMaskGradients(
        envs.map((e) => e.grads),
        ctx.andMask,
      ),
    };
  });
  const gradValues = grads.map((g) => g.dataSync());
  const lossValue = loss.dataSync()[0];
  tf.dispose([loss, ...grads]);
  return applyGradients(ctx, state, gradValues, lossValue, lr);
}

/** AdamW on gradients already read back, then the new weights uploaded. */
export function applyGradients(ctx: StepContext, state: TrainState, grads: readonly Float32Array[] | tf.TypedArray[], loss: number, lr: number): StepResult {
  const gradNorm = adamWUpdate(state.values, grads as Float32Array[], state.opt, lr, ctx.adamw, ctx.decayMask, ctx.clipNorm);
  tf.dispose(state.params);
  state.params = uploadParams(ctx, state.values);
  return { loss, gradNorm };
}

/**
 * A step whose gradient is the sum of shards' summed gradients, divided by the positions they
 * scored together: the mean gradient of the whole batch, as `trainStep` computes it, up to the
 * order of additions. Shard 0 runs here while the others run on `others` (gradient workers).
 */
export async function trainStepSharded(
  ctx: StepContext,
  state: TrainState,
  shards: readonly (readonly Example[])[],
  lr: number,
  others: (values: readonly Float32Array[], shards: readonly (readonly Example[])[]) => Promise<ShardGradients[]>,
): Promise<StepResult> {
  if (ctx.andMask !== undefined) throw new Error('AND-masked steps split by length, not into shards');
  const pending = others(state.values, shards.slice(1));
  // A failed local shard must not leave the workers' promise unobserved.
  let own: ShardGradients;
  try {
    own = shardGradients(ctx, state.params, shards[0]);
  } catch (e) {
    await pending.catch(() => undefined);
    throw e;
  }
  const parts = [own, ...(await pending)];
  const denom = Math.max(
    1,
    parts.reduce((s, p) => s + p.scored, 0),
  );
  const grads = own.grads.map((g, i) => {
    const sum = Float32Array.from(g);
    for (let s = 1; s < parts.length; s++) {
      const other = parts[s].grads[i];
      for (let j = 0; j < sum.length; j++) sum[j] += other[j];
    }
    for (let j = 0; j < sum.length; j++) sum[j] /= denom;
    return sum;
  });
  const loss = parts.reduce((s, p) => s + p.loss, 0) / denom;
  return applyGradients(ctx, state, grads, loss, lr);
}
