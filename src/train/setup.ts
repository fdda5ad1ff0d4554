/**
 * What a training request resolves to before any step runs: the vocabulary, the model config and
 * the initial weights.
 */
import { resolve } from 'node:path';
import { UserError } from '../rasp/errors.ts';
import { formatValue, valueKey, type Value } from '../rasp/values.ts';
import { initParams } from '../model/init.ts';
import { paramsFromModel, type Params } from '../model/params.ts';
import { BOS, type ModelConfig, type ModelData, type ModelLabels } from '../model/types.ts';
import { contextLength, learnedConfig } from './options.ts';
import { programOutputSpec } from './outputSpec.ts';
import type { TrainRequest } from './request.ts';

/**
 * What `--init-from M` (or `--shape-of M`) trains on when no flag says otherwise: M's vocabulary and maximum length
 * (for a learned M, the lengths it was trained on), since a program header describes the program,
 * not M. Fine-tuning on fewer lengths than M handles would unlearn the others.
 */
export function initDefaults(model: ModelData): { vocab: Value[]; maxLen: number } {
  return { vocab: model.config.vocab.filter((v) => valueKey(v) !== valueKey(BOS)), maxLen: model.training?.maxLen ?? model.config.nCtx - 1 };
}

/**
 * The labels of a model fine-tuned from `init`: its labels, marked as the ones it had before. The
 * file is resolved here, while the working folder it was typed in is known; saving makes it
 * relative to the new model's folder or keeps its name only (modelFile.ts, portableLabels).
 */
export function inheritedLabels(init: NonNullable<TrainRequest['init']>): ModelLabels {
  const labels = init.model.labels;
  return { ...labels, inherited: labels.inherited ?? { file: resolve(init.file), origin: init.model.config.origin } };
}

/** The model whose config a run takes (`--init-from` or `--shape-of`), if any. */
export function shapeSource(req: TrainRequest): TrainRequest['init'] {
  return req.init ?? req.shapeOf;
}

/** The input tokens a run draws from: --vocab, else those of the model whose shape it takes, else the program's header. */
export function resolveVocab(req: TrainRequest): readonly Value[] {
  const source = shapeSource(req);
  const initVocab = source?.model.config.vocab.filter((v) => valueKey(v) !== valueKey(BOS));
  const vocab = req.flags.vocab ?? initVocab ?? req.program.vocab;
  if (!vocab) throw new UserError(`program '${req.program.name}' states no vocabulary: give --vocab`);
  if (vocab.some((v) => valueKey(v) === valueKey(BOS))) throw new UserError(`the vocabulary must not contain '${BOS}'`);
  if (initVocab) {
    const known = new Set(initVocab.map(valueKey));
    const missing = vocab.filter((v) => !known.has(valueKey(v)));
    const list = (values: readonly Value[]) => values.map(formatValue).join(', ');
    if (missing.length) throw new UserError(`${source!.file}: vocabulary lacks ${list(missing)} (model vocabulary: ${list(initVocab)})`);
  }
  return vocab;
}

/**
 * The config a run trains: the source model's (`--init-from`, `--shape-of`) as it is, origin aside, or
 * one built from the size flags. A `--shape-of` model keeps the source's attention scale too (1 for a
 * compiled one), so that the two models compute with one config and a straight line between their
 * weights is a path of models of that config.
 */
export function resolveConfig(req: TrainRequest, vocab: readonly Value[]): ModelConfig {
  const nCtx = contextLength(req.flags.maxLen, req.flags.testLengths);
  if (req.init && req.shapeOf) throw new UserError('give --init-from or --shape-of, not both: a fine-tuned model has its initial model’s shape already');
  const source = shapeSource(req);
  if (source) {
    const c = source.model.config;
    if (c.nCtx < nCtx) throw new UserError(`${source.file}: n_ctx ${c.nCtx} is too small for inputs of length ${nCtx - 1} (max-len and test lengths)`);
    return { ...c, origin: 'learned' };
  }
  if (!req.flags.arch) throw new UserError('give the model size (--layers, --heads, --d-model), --init-from or --shape-of');
  return learnedConfig(req.flags.arch, vocab, nCtx, programOutputSpec(req.program, vocab, nCtx - 1));
}

/**
 * A compiled model's categorical logits are its one-hot output directions, a margin of 1, which
 * cross-entropy reads as low confidence in an answer that is exact (40% among five tokens). Fine-tuned as it is, every step
 * pushes every weight (AdamW moves each by about the learning rate, however small its gradient),
 * and the compiled attention scales (×100) turn those nudges into a broken length head: reverse
 * fell from 100% to 85% in 10 steps at --lr 1e-4. Scaled by this factor, the unembedding keeps every
 * argmax, a correct output costs e^-30 in loss, and only the inputs the model gets wrong move it.
 */
export const COMPILED_LOGIT_SCALE = 30;

export function initialParams(req: TrainRequest, config: ModelConfig): Params {
  if (!req.init) return initParams(config, req.flags.seed);
  const m = req.init.model;
  if (m.config.origin !== 'compiled' || m.config.output.encoding !== 'categorical') return paramsFromModel(m);
  const weights = new Map(m.weights);
  for (const name of ['unembed.W_U', 'unembed.b_U']) {
    const w = weights.get(name)!;
    weights.set(name, { shape: w.shape, data: w.data.map((x) => x * COMPILED_LOGIT_SCALE) });
  }
  return paramsFromModel({ weights });
}
