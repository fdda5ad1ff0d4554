/**
 * A model ready to run, in TransformerLens's manner: its weights uploaded once as tensors and kept
 * until `dispose()`, with `run`, `runWithCache` and `runWithHooks` over batches of inputs. Every
 * forward pass runs inside its own tf.tidy; only the logits and the activations asked for outlive
 * it, and they belong to the caller (`ModelRun.dispose`). A LoadedModel is also a `ModelData`
 * (config, labels, training, weights as arrays), so whatever reads a model's metadata reads it.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import type { MaybeValue, Value } from '../rasp/values.ts';
import { batchTokens, DEFAULT_BATCH_SIZE, encodeInputs, type Batch } from './batch.ts';
import { forward, type ForwardInput } from './forward.ts';
import type { HookName, Hooks } from './hooks.ts';
import { disposeParams, paramsFromModel, type Params } from './params.ts';
import { decodeOutputs } from './scoring.ts';
import type { ModelConfig, ModelData, ModelLabels, TrainingInfo, WeightArray } from './types.ts';

/** What a model runs on: an encoded batch, or plain inputs (encoded, BOS prepended, padded). */
export type ModelInput = Batch | readonly (readonly Value[])[];

/** The activations a run kept, by hook name. */
export type ActivationCache = ReadonlyMap<HookName, tf.Tensor>;

/** The tensors one forward pass handed back: the caller disposes them. */
export interface ModelRun {
  /** [batch, pos, d_vocab_out]. */
  readonly logits: tf.Tensor3D;
  readonly cache: ActivationCache;
  /** The batch that ran (positions, lengths). */
  readonly batch: Batch;
  dispose(): void;
}

/** An activation read back: its values (row-major) and shape. */
export interface ActivationArray {
  readonly data: Float32Array;
  readonly shape: number[];
}

export interface RunOptions {
  /** Replace activations on the way (TransformerLens's fwd_hooks). */
  readonly hooks?: Hooks;
  /** Per layer, the keys attention sees, in place of the batch's lengths (ForwardInput.visibleKeys). */
  readonly visibleKeys?: readonly (Float32Array | undefined)[];
  /** Start at a layer from the stream entering it, as another run of this batch wrote it (ForwardInput.from). */
  readonly from?: ForwardInput['from'];
  /** Per layer, attention masks made beforehand for this batch (ForwardInput.masks). */
  readonly masks?: ForwardInput['masks'];
}

export interface CacheOptions extends RunOptions {
  /** Which activations to keep (default: every one). */
  readonly names?: readonly HookName[];
}

export class LoadedModel implements ModelData {
  private params: Params | null;

  private constructor(readonly data: ModelData) {
    this.params = paramsFromModel(data);
  }

  /** Uploads the model's weights; they stay until dispose(). */
  static from(data: ModelData): LoadedModel {
    return new LoadedModel(data);
  }

  /** Loads `data`, runs `fn` on it and disposes it, also when `fn` throws. */
  static async use<T>(data: ModelData, fn: (m: LoadedModel) => Promise<T> | T): Promise<T> {
    const m = LoadedModel.from(data);
    try {
      return await fn(m);
    } finally {
      m.dispose();
    }
  }

  get config(): ModelConfig {
    return this.data.config;
  }
  get labels(): ModelLabels {
    return this.data.labels;
  }
  get training(): TrainingInfo | undefined {
    return this.data.training;
  }
  get weights(): ReadonlyMap<string, WeightArray> {
    return this.data.weights;
  }
  get disposed(): boolean {
    return this.params === null;
  }

  /** The logits [batch, pos, d_vocab_out]; the caller disposes them. */
  run(input: ModelInput, opts: RunOptions = {}): tf.Tensor3D {
    return this.forwardPass(this.batchOf(input), opts, null).logits;
  }

  /** The logits with `hooks` replacing activations on the way. */
  runWithHooks(input: ModelInput, hooks: Hooks): tf.Tensor3D {
    return this.run(input, { hooks });
  }

  /** The logits and the activations named (all of them by default), as tensors the caller disposes. */
  runWithCache(input: ModelInput, opts: CacheOptions = {}): ModelRun {
    const batch = this.batchOf(input);
    const { logits, cache } = this.forwardPass(batch, opts, opts.names ?? 'all');
    return {
      logits,
      cache,
      batch,
      dispose() {
        logits.dispose();
        for (const t of cache.values()) t.dispose();
      },
    };
  }

  /** The logits of one run, read back. */
  async logits(input: ModelInput, opts: RunOptions = {}): Promise<Float32Array> {
    const t = this.run(input, opts);
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  }

  /** The logits and the named activations of one run, read back. */
  async activations(
    input: ModelInput,
    names: readonly HookName[],
    opts: RunOptions = {},
  ): Promise<{ logits: Float32Array; acts: Map<HookName, ActivationArray> }> {
    const r = this.runWithCache(input, { ...opts, names });
    try {
      const acts = new Map<HookName, ActivationArray>();
      for (const h of names) {
        const t = r.cache.get(h);
        if (!t) throw new Error(`the forward pass cached no ${h}`);
        acts.set(h, { data: (await t.data()) as Float32Array, shape: t.shape });
      }
      return { logits: (await r.logits.data()) as Float32Array, acts };
    } finally {
      r.dispose();
    }
  }

  /** The model's output for each input (no BOS position), in batches. Throws a UserError on a token or length the model cannot take. */
  outputs(inputs: readonly (readonly Value[])[], opts: { batchSize?: number } = {}): MaybeValue[][] {
    const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
    // Encode everything first, so a bad input fails before any work.
    const batches: Batch[] = [];
    for (let start = 0; start < inputs.length; start += batchSize) batches.push(encodeInputs(this.config, inputs.slice(start, start + batchSize)));
    return batches.flatMap((b) => {
      const t = this.run(b);
      try {
        return decodeOutputs(this.config, t.dataSync(), b.nPos, b.lengths);
      } finally {
        t.dispose();
      }
    });
  }

  /**
   * One weight as the tensor the forward pass uses (TransformerLens's name and shape). It belongs to
   * the model: the caller does not dispose it. For computations beside the forward pass that must use
   * the very weights it does (probes/circuit/edgeRun.ts recomputes a receiver's input projection).
   */
  weight(name: string): tf.Tensor {
    const t = this.params?.get(name);
    if (!this.params) throw new Error('this model has been disposed');
    if (!t) throw new Error(`the model has no weight '${name}'`);
    return t;
  }

  /** Frees the weights' tensors; the model cannot run afterwards. */
  dispose(): void {
    if (this.params) disposeParams(this.params);
    this.params = null;
  }

  private batchOf(input: ModelInput): Batch {
    return 'tokens' in input ? (input as Batch) : encodeInputs(this.config, input as readonly (readonly Value[])[]);
  }

  private forwardPass(
    b: Batch,
    { hooks, visibleKeys, from, masks }: RunOptions,
    names: readonly HookName[] | 'all' | null,
  ): { logits: tf.Tensor3D; cache: Map<HookName, tf.Tensor> } {
    const params = this.params;
    if (!params) throw new Error('this model has been disposed');
    const want = names === 'all' ? null : new Set<HookName>(names ?? []);
    const kept: HookName[] = [];
    const [logits, ...acts] = tf.tidy(() => {
      const r = forward(
        this.config,
        params,
        { tokens: batchTokens(b), lengths: b.lengths, visibleKeys, from, masks },
        { cache: want ? (h) => want.has(h) : true, hooks },
      );
      const out: tf.Tensor[] = [r.logits];
      for (const [h, t] of r.cache) {
        kept.push(h);
        out.push(t);
      }
      return out;
    });
    return { logits: logits as tf.Tensor3D, cache: new Map(kept.map((h, i) => [h, acts[i]])) };
  }
}
