/**
 * Running a model on plain inputs: batched forward passes, each in its own tf.tidy, plain values out.
 */
import * as tf from '@tensorflow/tfjs';
import type { MaybeValue, Value } from '../rasp/values.ts';
import { forward } from './forward.ts';
import { disposeParams, paramsFromModel, type Params } from './params.ts';
import { decodeLogitArray, encodeIds } from './tokenize.ts';
import type { ModelConfig, ModelData } from './types.ts';

export const DEFAULT_BATCH_SIZE = 256;

export type RunnableModel = ModelData | { readonly config: ModelConfig; readonly params: Params };

/** The model's output for each input (no BOS position). Throws UserError on unknown tokens or too-long inputs. */
export function runModel(model: RunnableModel, inputs: readonly (readonly Value[])[], opts: { batchSize?: number } = {}): MaybeValue[][] {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const config = model.config;
  // Validate every input before any work, so a bad token fails fast.
  encodeIds(config, inputs);
  const owned = 'weights' in model;
  const params = owned ? paramsFromModel(model) : model.params;
  try {
    const results: MaybeValue[][] = [];
    for (let start = 0; start < inputs.length; start += batchSize) {
      const { ids, nPos, lengths } = encodeIds(config, inputs.slice(start, start + batchSize));
      const data = tf.tidy(() => {
        const tokens = tf.tensor2d(ids, [lengths.length, nPos], 'int32');
        return forward(config, params, { tokens, lengths }, { cache: false }).logits.dataSync();
      });
      results.push(...decodeLogitArray(config, data, nPos, lengths));
    }
    return results;
  } finally {
    if (owned) disposeParams(params);
  }
}
