/**
 * Pass 7: size figures of a compiled model, comparable with tracr's (anchors/tracr.md).
 */
import type { ModelData } from '../src/model/types.ts';

export interface CompileStats {
  readonly layers: number;
  readonly heads: number;
  /** Hidden width of each layer's MLP (0 where a layer has none). */
  readonly mlpHidden: number[];
  readonly residualWidth: number;
  /** Every weight's element count, biases included. */
  readonly params: number;
}

export function modelStats(m: ModelData): CompileStats {
  let params = 0;
  for (const w of m.weights.values()) params += w.data.length;
  return {
    layers: m.config.layers.length,
    heads: m.config.layers.reduce((s, l) => s + l.nHeads, 0),
    mlpHidden: m.config.layers.map((l) => l.dMlp),
    residualWidth: m.config.dModel,
    params,
  };
}
