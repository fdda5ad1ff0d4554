/**
 * The model API, in one screen. A model file (safetensors: TransformerLens's weight names and
 * shapes, rasplab's config and labels in the header) is read into plain arrays, loaded once as
 * tensors, run with hooks on named activations, scored, and disposed:
 *
 *   const m = LoadedModel.from(loadModel('reverse.safetensors'));       // weights → tensors, once
 *   m.outputs([['a', 'b', 'c']]);                                        // [['c', 'b', 'a']]
 *   const batch = encodeBatch(m.config, examples);                       // BOS, padding, labels
 *   const logits = m.run(batch);                                         // tf.Tensor3D, yours
 *   const run = m.runWithCache(batch, { names: ['blocks.1.attn.hook_pattern'] });
 *   const patched = m.runWithHooks(batch, { 'blocks.0.hook_mlp_out': (x) => tf.zerosLike(x) });
 *   new ScoreTally(m.config.output).add(batch, await m.logits(batch)).result();
 *   run.dispose(); logits.dispose(); patched.dispose(); m.dispose();
 *
 * Hook names, their axes and which layers have them: hooks.ts. Inputs and labels laid out for a
 * model: batch.ts. What counts as a correct output: scoring.ts. Components (embed, head 1.0,
 * attn1, mlp0, neuron mlp0.n3, layer L1) as values, text only at the edges: components.ts (where
 * each writes, as hook sites: probes/hookSites.ts). Files: modelFile.ts; TransformerLens export and
 * import: exportTL.ts, importTL.ts (what TransformerLens expects: tlFormat.ts); backends: backend.ts.
 */
export { LoadedModel, type ActivationArray, type ActivationCache, type CacheOptions, type ModelInput, type ModelRun, type RunOptions } from './loadedModel.ts';
export {
  axisOf,
  hasHook,
  hookAxes,
  hookNames,
  hookShape,
  isResidualHook,
  layerHook,
  parseHookName,
  positionAxis,
  type HookAxis,
  type HookFn,
  type HookName,
  type Hooks,
} from './hooks.ts';
export { DEFAULT_BATCH_SIZE, batchTokens, encodeBatch, encodeInputs, type Batch } from './batch.ts';
export {
  NUMERIC_TOLERANCE,
  ScoreTally,
  argmax,
  decodeOutputs,
  exactMatch,
  numberMatches,
  outputMatches,
  outputsMatch,
  scoreLogits,
  tokenAccuracy,
  type Accuracy,
  type Score,
} from './scoring.ts';
export {
  allComponents,
  allHeads,
  checkComponent,
  componentKey,
  formatComponent,
  formatComponents,
  parseComponent,
  parseHead,
  sameComponent,
  type ComponentRef,
  type HeadComponent,
} from './components.ts';
export { loadModel, saveModel, serializeModel, deserializeModel } from './modelFile.ts';
export { exportTransformerLens } from './exportTL.ts';
export { selectBackend } from './backend.ts';
export type { HeadRef, LayerConfig, ModelConfig, ModelData, ModelLabels, OutputSpec, WeightArray } from './types.ts';
