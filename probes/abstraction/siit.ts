/**
 * Strict interchange intervention training (SIIT; Geiger et al.'s IIT, made strict as InterpBench,
 * Gupta et al. 2024, does): train a learned model on the program's task while making each aligned
 * component play its program variable's causal role, and every other component causally inert.
 * Each step adds three losses:
 *   task    cross-entropy (squared error, numerical) of the plain run against the program's output;
 *   IIT     one aligned variable (in turn): its components patched from a source run (of the same
 *           length at every position, or at one random position from a source of any length, in
 *           turn, so that what depends on the length is trained too), against the program's
 *           output with that variable overridden (counterfactual);
 *   strict  one non-circuit head or MLP (in turn): patched from a source run, against the base's
 *           own output (it must change nothing).
 * The source runs are constants (no gradient flows into them). Adam on every weight. The model this
 * returns carries the alignment in its labels (heads and MLPs with the expression each implements,
 * and the compiled circuit carried through the alignment: probes/abstraction/alignedCircuit.ts), so
 * its circuit is known and circuit discovery is scored against it.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { batchTokens, encodeBatch } from '../../src/model/batch.ts';
import { allComponents, formatComponent, sameComponent, type ComponentRef } from '../../src/model/components.ts';
import { forward } from '../../src/model/forward.ts';
import type { HookName } from '../../src/model/hooks.ts';
import { initParams } from '../../src/model/init.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { disposeParams, paramsToWeights, type Params } from '../../src/model/params.ts';
import { exactMatch, scoreLogits } from '../../src/model/scoring.ts';
import type { HeadLabel, MlpLabel, ModelConfig, ModelData, ModelLabels } from '../../src/model/types.ts';
import { programVariable } from '../../src/rasp/counterfactual.ts';
import type { Program } from '../../src/rasp/program.ts';
import { batchTargets, disposeTargets, maskedLoss } from '../../src/train/loss.ts';
import { testExamples, trainExamples } from '../../src/train/dataset.ts';
import { hookSites } from '../hookSites.ts';
import type { ProbeTask } from '../probeSet.ts';
import { interchangeAccuracy, interchangeHooks, pairBatches, type PairBatch } from './interchange.ts';
import { interchangePairs, type InterchangePairs, type PairPositions } from './pairs.ts';
import { alignedCircuit } from './alignedCircuit.ts';
import type { AlignmentMap } from './alignmentMap.ts';
import type { InterchangeSite } from './sites.ts';

export interface SiitWeights {
  readonly task: number;
  readonly iit: number;
  readonly strict: number;
}

export interface SiitOptions {
  readonly config: ModelConfig;
  readonly program: Program;
  /** The compiled model whose nodes the alignment names (its labels describe what each implements). */
  readonly compiled: ModelData;
  readonly compiledFile?: string;
  readonly alignment: AlignmentMap;
  readonly task: ProbeTask;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly weights: SiitWeights;
  readonly backend: string;
  /** Pairs per variable and per non-circuit node in the final scores. */
  readonly evalPairs?: number;
  readonly onProgress?: (step: number, steps: number, loss: { task: number; iit: number; strict: number }) => void;
}

export interface SiitScores {
  readonly exactMatch: number;
  /** Per aligned variable: IIA at its components, patched at every position (same-length pairs) and at one random position (any lengths). */
  readonly iia: readonly {
    readonly variable: string;
    readonly sites: string;
    readonly iia: number;
    readonly changed: number;
    readonly iiaOnePosition: number;
  }[];
  /** Per non-circuit node: the fraction of pairs whose output is unchanged when it is patched. */
  readonly inert: readonly { readonly node: string; readonly unchanged: number }[];
}

export interface SiitResult {
  readonly model: ModelData;
  readonly scores: SiitScores;
  readonly wallTimeS: number;
}

const activationSite = (config: ModelConfig, name: string, comps: readonly ComponentRef[]): InterchangeSite => ({
  kind: 'activation',
  name,
  sites: comps.flatMap((c) => hookSites(c, config)),
});

/** The heads and MLPs no variable is aligned with. */
export function nonCircuitNodes(config: ModelConfig, alignment: AlignmentMap): ComponentRef[] {
  const inCircuit = [...alignment.values()].flat();
  return allComponents(config, { layers: false }).filter((c) => (c.kind === 'head' || c.kind === 'mlp') && !inCircuit.some((a) => sameComponent(a, c)));
}

/** The learned model's labels: each aligned component described as the compiled node it stands for, and the circuit the alignment gives it. */
export function alignedLabels(compiled: ModelData, alignment: AlignmentMap, config: ModelConfig): ModelLabels {
  const heads: HeadLabel[] = [];
  const mlps: MlpLabel[] = [];
  for (const [v, comps] of alignment)
    for (const c of comps) {
      const ch = compiled.labels.heads.find((h) => h.writes === v);
      const cm = compiled.labels.mlps.find((m) => m.writes === v);
      if (c.kind === 'head')
        heads.push({ layer: c.layer, head: c.head, writes: v, expr: ch?.expr ?? v, selector: ch?.selector ?? '', kind: ch?.kind ?? 'categorical-aggregate' });
      if (c.kind === 'mlp')
        mlps.push({
          layer: c.layer,
          neurons: [0, config.layers[c.layer].dMlp],
          writes: v,
          expr: cm?.expr ?? v,
          reads: cm?.reads ?? [],
          kind: cm?.kind ?? 'categorical-map',
        });
    }
  return { program: compiled.labels.program, residual: [], heads, mlps, circuit: alignedCircuit(compiled, alignment, config) };
}

/** The source run's activations at the site's hooks, outside any gradient (the caller disposes them). */
function sourceCache(config: ModelConfig, params: Params, b: PairBatch, site: InterchangeSite & { kind: 'activation' }): Map<HookName, tf.Tensor> {
  const hooks = [...new Set(site.sites.map((s) => s.hook))];
  const kept = tf.tidy(() => {
    const r = forward(config, params, { tokens: batchTokens(b.source), lengths: b.source.lengths }, { cache: (h) => hooks.includes(h) });
    return hooks.map((h) => r.cache.get(h)!);
  });
  return new Map(hooks.map((h, i) => [h, kept[i]]));
}

/** The loss of the base run with the site patched from the source activations, against the batch's (counterfactual) targets. */
function interchangeLoss(
  config: ModelConfig,
  params: Params,
  b: PairBatch,
  site: InterchangeSite & { kind: 'activation' },
  cache: Map<HookName, tf.Tensor>,
): tf.Scalar {
  const targets = batchTargets(config.output, b.base);
  try {
    const hooks = interchangeHooks(site, cache, b);
    const { logits } = forward(config, params, { tokens: batchTokens(b.base), lengths: b.base.lengths }, { hooks });
    return maskedLoss(config.output, logits, targets);
  } finally {
    disposeTargets(targets);
  }
}

export async function trainSiit(opts: SiitOptions): Promise<SiitResult> {
  const t0 = Date.now();
  const { config, program } = opts;
  const spec = { program, vocab: opts.task.vocab, minLen: opts.task.minLen, maxLen: opts.task.maxLen };
  const variables = [...opts.alignment].map(([v, comps]) => ({
    v,
    node: programVariable(program, v),
    site: activationSite(config, comps.map(formatComponent).join('+'), comps),
  }));
  const inert = nonCircuitNodes(config, opts.alignment).map((c) => ({ c, site: activationSite(config, formatComponent(c), [c]) }));
  const params = initParams(config, opts.seed, { trainable: true });
  const vars = [...params.values()] as tf.Variable[];
  const optimizer = tf.train.adam(opts.lr);
  const pairsAt = (node: Parameters<typeof interchangePairs>[1], seed: number, at: PairPositions): InterchangePairs =>
    interchangePairs(program, node, opts.task, opts.batch, seed, at, config.output);
  try {
    for (let step = 0; step < opts.steps; step++) {
      const examples = trainExamples(spec, opts.seed, step, opts.batch);
      const b = encodeBatch(config, examples);
      const taskTargets = batchTargets(config.output, b);
      const v = variables.length ? variables[step % variables.length] : null;
      const iitBatch = v
        ? pairBatches({ config } as ModelData, pairsAt(v.node, opts.seed * 7919 + step, step % 2 ? 'all' : 'random'), opts.batch)[0]
        : undefined;
      const n = inert.length ? inert[step % inert.length] : null;
      let strictBatch: PairBatch | undefined;
      if (n && variables.length) {
        const p = pairsAt(variables[0].node, opts.seed * 104729 + step, 'all');
        strictBatch = pairBatches({ config } as ModelData, { ...p, counterfactual: p.baseOutput }, opts.batch)[0];
      }
      const parts = { task: 0, iit: 0, strict: 0 };
      const iitSite = v?.site as (InterchangeSite & { kind: 'activation' }) | undefined;
      const strictSite = n?.site as (InterchangeSite & { kind: 'activation' }) | undefined;
      const iitCache = iitSite && iitBatch ? sourceCache(config, params, iitBatch, iitSite) : null;
      const strictCache = strictSite && strictBatch ? sourceCache(config, params, strictBatch, strictSite) : null;
      const cost = optimizer.minimize(
        () => {
          const { logits } = forward(config, params, { tokens: batchTokens(b), lengths: b.lengths }, { cache: false });
          const task = maskedLoss(config.output, logits, taskTargets);
          const iit = iitCache ? interchangeLoss(config, params, iitBatch!, iitSite!, iitCache) : tf.scalar(0);
          const strict = strictCache ? interchangeLoss(config, params, strictBatch!, strictSite!, strictCache) : tf.scalar(0);
          if (step % 25 === 0 || step === opts.steps - 1) {
            parts.task = task.dataSync()[0];
            parts.iit = iit.dataSync()[0];
            parts.strict = strict.dataSync()[0];
          }
          return tf.addN([tf.mul(task, opts.weights.task), tf.mul(iit, opts.weights.iit), tf.mul(strict, opts.weights.strict)]) as tf.Scalar;
        },
        false,
        vars,
      );
      cost?.dispose();
      disposeTargets(taskTargets);
      tf.dispose([...(iitCache?.values() ?? []), ...(strictCache?.values() ?? [])]);
      if (step % 25 === 0 || step === opts.steps - 1) opts.onProgress?.(step + 1, opts.steps, parts);
    }
    const labels = alignedLabels(opts.compiled, opts.alignment, config);
    const alignment = Object.fromEntries([...opts.alignment].map(([v, cs]) => [v, cs.map(formatComponent)]));
    const model: ModelData = {
      config,
      labels,
      training: {
        program: program.name,
        vocab: [...opts.task.vocab],
        minLen: opts.task.minLen,
        maxLen: opts.task.maxLen,
        seed: opts.seed,
        steps: opts.steps,
        backend: opts.backend,
        siit: { compiled: opts.compiledFile ?? null, alignment, weights: opts.weights, lr: opts.lr, batch: opts.batch },
      },
      weights: paramsToWeights(params),
    };
    const scores = await LoadedModel.use(model, (m) => siitScores(m, opts, variables, inert));
    return { model, scores, wallTimeS: (Date.now() - t0) / 1000 };
  } finally {
    optimizer.dispose();
    disposeParams(params);
  }
}

async function siitScores(
  m: LoadedModel,
  opts: SiitOptions,
  variables: readonly { v: string; node: Parameters<typeof interchangePairs>[1]; site: InterchangeSite }[],
  inert: readonly { c: ComponentRef; site: InterchangeSite }[],
): Promise<SiitScores> {
  const n = opts.evalPairs ?? 200;
  const test = testExamples({ program: opts.program, vocab: opts.task.vocab, minLen: opts.task.minLen, maxLen: opts.task.maxLen }, opts.seed, n);
  const b = encodeBatch(m.config, test);
  const acc = scoreLogits(m.config.output, b, await m.logits(b));
  const iia = [];
  for (const x of variables) {
    const pairs = interchangePairs(opts.program, x.node, opts.task, n, opts.seed + 31, 'all', m.config.output);
    const r = await interchangeAccuracy(m, pairs, x.site);
    const one = await interchangeAccuracy(m, interchangePairs(opts.program, x.node, opts.task, n, opts.seed + 41, 'random', m.config.output), x.site);
    iia.push({
      iiaOnePosition: one.iia,
      variable: x.v,
      sites: x.site.name + ` (${(x.site as InterchangeSite & { kind: 'activation' }).sites.map((s) => s.hook).join(', ')})`,
      iia: r.iia,
      changed: r.changed,
    });
  }
  const out = [];
  for (const x of inert) {
    const p = interchangePairs(
      opts.program,
      variables[0]?.node ?? programVariable(opts.program, 'tokens'),
      opts.task,
      n,
      opts.seed + 37,
      'all',
      m.config.output,
    );
    const r = await interchangeAccuracy(m, { ...p, counterfactual: p.baseOutput }, x.site);
    out.push({ node: formatComponent(x.c), unchanged: r.iia });
  }
  return { exactMatch: exactMatch(acc), iia, inert: out };
}
