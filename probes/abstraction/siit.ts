/**
 * Strict interchange intervention training (SIIT; Geiger et al.'s IIT, made strict as InterpBench,
 * Gupta et al. 2024, does): train a learned model on the program's task while making each aligned
 * component play its program variable's causal role, and every other component causally inert.
 * Each step adds three losses:
 *   task    cross-entropy (squared error, numerical) of the plain run against the program's output;
 *   IIT     one aligned variable a step, in turn (every one with iitAllVariables): its components patched
 *           from a source run (of the same length at every position, or at one random position from
 *           a source of any length, by rounds: siitPlan.ts), against the program's output with that
 *           variable overridden (counterfactual); one variable a step left key and target_pos of
 *           sort at 74.5% and 88.5% IIA in 1000 steps, every variable a step at 88.5% and 93%;
 *   strict  one non-circuit head or MLP (in turn): patched from a source run drawn as the IIT
 *           step's, and with strictZero also zeroed at every position, each against the base's
 *           own output (it must change nothing: with patching alone, the model read the constant a
 *           node's output became, and zeroing it changed exact match by 5-54%); beside it, in a rotation
 *           of its own, an input embedding the aligned circuit leaves out (pos_embed, or embed): its
 *           contribution replaced at every position by the source run's with the positions shuffled
 *           per input (for pos_embed, the position embedding of other positions; BOS's row moves
 *           too), so that the model must not read it where the compiled model does not (these nodes,
 *           and how inert they are scored: inertNodes.ts).
 * The IIT term's source run is a constant (no gradient flows into it); the strict term's is not
 * (the patched node must learn to be inert: interchangeLoss's caller says why). The optimiser is the trainer's (AdamW
 * with clipping, warm-up and decay: src/train/step.ts, schedule.ts), and so are checkpoints and
 * resume. The model this returns carries the alignment in its labels (heads and MLPs with the expression each implements,
 * and the compiled circuit carried through the alignment: probes/abstraction/alignedCircuit.ts), so
 * its circuit is known and circuit discovery is scored against it.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { batchTokens, encodeBatch } from '../../src/model/batch.ts';
import { formatComponent } from '../../src/model/components.ts';
import { forward } from '../../src/model/forward.ts';
import type { HookName } from '../../src/model/hooks.ts';
import { existsSync } from 'node:fs';
import { initParams } from '../../src/model/init.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import type { Params } from '../../src/model/params.ts';
import { exactMatch, scoreLogits } from '../../src/model/scoring.ts';
import type { HeadLabel, MlpLabel, ModelConfig, ModelData, ModelLabels } from '../../src/model/types.ts';
import { programVariable } from '../../src/rasp/counterfactual.ts';
import type { Program } from '../../src/rasp/program.ts';
import { batchTargets, disposeTargets, maskedLoss } from '../../src/train/loss.ts';
import { testExamples, trainExamples } from '../../src/train/dataset.ts';
import { checkResumable, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { installFastGradients } from '../../src/train/fastGrads.ts';
import { DEFAULT_ADAMW } from '../../src/train/optimizer.ts';
import { DEFAULT_FLAGS } from '../../src/train/options.ts';
import { defaultWarmup, learningRate, type Schedule } from '../../src/train/schedule.ts';
import { mismatchedKeys } from '../../src/train/settings.ts';
import { letEventsRun } from '../../src/train/trainer.ts';
import {
  applyGradients,
  disposeState,
  makeState,
  paramMap,
  prepareTraining,
  stepContext,
  type StepContext,
  type StepOptions,
  type TrainState,
} from '../../src/train/step.ts';
import { UserError } from '../../src/rasp/errors.ts';
import type { ProbeTask } from '../probeSet.ts';
import { interchangeAccuracy, interchangeHooks, type InterchangeResult, type PairBatch } from './interchange.ts';
import { interchangePairs } from './pairs.ts';
import { otherVariableSeed, siitStepPlan, stepPairs, stepSeed, variablePairs } from './siitPlan.ts';
import { alignedCircuit } from './alignedCircuit.ts';
import type { AlignmentMap } from './alignmentMap.ts';
import { componentSite, siteHooks, type InterchangeSite } from './sites.ts';
import { inertBatch, inertNodes, shuffledCache, shuffledEmbeddings, shuffledUnchanged, type InertNode } from './inertNodes.ts';

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
  /** The strict term also shuffles the input embeddings the aligned circuit leaves out (default true). */
  readonly strictEmbeddings?: boolean;
  /** The strict term also zeroes the step's non-circuit node, beside patching it from a source run (default false). */
  readonly strictZero?: boolean;
  /** The IIT term trains every aligned variable each step (default false: one variable a step, in turn). */
  readonly iitAllVariables?: boolean;
  readonly backend: string;
  /** Pairs per variable and per non-circuit node in the final scores. */
  readonly evalPairs?: number;
  /** The trainer's warm-up, decay, AdamW weight decay and gradient clipping (default: `train`'s). */
  readonly optim?: SiitOptim;
  /** Checkpoints (src/train/checkpoint.ts) to `path` every `every` steps, when stopped and at the end; `resume` continues the one there. */
  readonly checkpoint?: { readonly path: string; readonly every: number; readonly resume: boolean };
  /** Asked after every step; true saves a checkpoint and ends the run (Ctrl-C). */
  readonly shouldStop?: (step: number) => boolean;
  /** One-line notes for the user ("resuming from step 500"). */
  readonly onNote?: (msg: string) => void;
  readonly onProgress?: (step: number, steps: number, loss: { task: number; iit: number; strict: number }) => void;
}

export interface SiitOptim {
  /** Linear warm-up steps (default 5% of the steps, at most 200). */
  readonly warmup?: number;
  readonly decay?: Schedule['decay'];
  readonly weightDecay?: number;
  /** Clip gradients to this global norm (0: off). */
  readonly clipNorm?: number;
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
    /** IIA at every position per input length (pairs of one length, shortest first). */
    readonly byLength: InterchangeResult['byLength'];
  }[];
  /** Per non-circuit node (and embedding the circuit leaves out, shuffled): the fraction of pairs whose output is unchanged when it is patched. */
  readonly inert: readonly { readonly node: string; readonly unchanged: number }[];
}

export interface SiitResult {
  readonly model: ModelData;
  readonly scores: SiitScores;
  /** 'interrupted': stopped by `shouldStop` before the last step, with a checkpoint saved. */
  readonly status: 'completed' | 'interrupted';
  /** Optimisation steps completed, in all sessions of the run. */
  readonly steps: number;
  readonly wallTimeS: number;
}

/** The strict term's source activations for `n`: the source run's, shuffled along positions for an embedding. */
function inertSource(config: ModelConfig, params: Params, b: PairBatch, n: InertNode, seed: number): Map<HookName, tf.Tensor> {
  const run = sourceRun(config, params, b, n.site);
  return n.shuffle ? shuffledCache(run, b.source, seed) : run;
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

/** The source run's activations at the site's hooks, in the caller's tidy and gradient. */
function sourceRun(config: ModelConfig, params: Params, b: PairBatch, site: InterchangeSite & { kind: 'activation' }): Map<HookName, tf.Tensor> {
  const hooks = siteHooks(site);
  const r = forward(config, params, { tokens: batchTokens(b.source), lengths: b.source.lengths }, { cache: (h) => hooks.includes(h) });
  return new Map(hooks.map((h) => [h, r.cache.get(h)!]));
}

/** The source run's activations at the site's hooks, outside any gradient (the caller disposes them). */
function sourceCache(config: ModelConfig, params: Params, b: PairBatch, site: InterchangeSite & { kind: 'activation' }): Map<HookName, tf.Tensor> {
  const hooks = siteHooks(site);
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

/** Everything a resume must agree with, as the checkpoint's fingerprint (`steps` may change, as for `train`). */
function siitFingerprint(opts: SiitOptions, optim: Required<SiitOptim>): string {
  return JSON.stringify({
    siit: true,
    program: opts.program.name,
    source: opts.program.source ?? null,
    task: opts.task,
    config: opts.config,
    alignment: [...opts.alignment].map(([v, cs]) => [v, cs.map(formatComponent)]),
    weights: opts.weights,
    ...(opts.strictEmbeddings === false ? { strictEmbeddings: false } : {}),
    ...(opts.strictZero ? { strictZero: true } : {}),
    ...(opts.iitAllVariables ? { iitAllVariables: true } : {}),
    batch: opts.batch,
    lr: opts.lr,
    ...optim,
    seed: opts.seed,
  });
}

/** The state a run starts from: a checkpoint's (resumed), or fresh weights from the seed and zero moments. */
function startState(opts: SiitOptions, stepOpts: StepOptions, checkpoint: Checkpoint | undefined): { ctx: StepContext; state: TrainState } {
  if (!checkpoint) return prepareTraining(opts.config, initParams(opts.config, opts.seed), stepOpts);
  const ctx = stepContext(
    opts.config,
    checkpoint.names,
    checkpoint.params.map((w) => w.shape),
    stepOpts,
  );
  const state = makeState(
    ctx,
    checkpoint.params.map((w) => w.data),
    { m: checkpoint.m.map((w) => w.data), v: checkpoint.v.map((w) => w.data), t: checkpoint.t },
  );
  return { ctx, state };
}

export async function trainSiit(opts: SiitOptions): Promise<SiitResult> {
  const t0 = Date.now();
  const { config, program } = opts;
  const spec = { program, vocab: opts.task.vocab, minLen: opts.task.minLen, maxLen: opts.task.maxLen };
  const variables = [...opts.alignment].map(([v, comps]) => ({
    v,
    node: programVariable(program, v),
    site: componentSite(config, comps),
  }));
  const inert = inertNodes(config, opts.alignment);
  const embeddings: InertNode[] = opts.strictEmbeddings === false ? [] : shuffledEmbeddings(alignedCircuit(opts.compiled, opts.alignment, config));
  const cp = opts.checkpoint;
  const checkpoint = cp?.resume && existsSync(cp.path) ? loadCheckpoint(cp.path) : undefined;
  // A resumed run keeps its warm-up even when the step count changes (the default depends on it).
  const warmup = opts.optim?.warmup ?? (checkpoint?.extra.warmup as number | undefined) ?? defaultWarmup(opts.steps);
  const optim: Required<SiitOptim> = {
    warmup,
    decay: opts.optim?.decay ?? DEFAULT_FLAGS.decay,
    weightDecay: opts.optim?.weightDecay ?? DEFAULT_FLAGS.weightDecay,
    clipNorm: opts.optim?.clipNorm ?? DEFAULT_FLAGS.clipNorm,
  };
  const schedule: Schedule = { peak: opts.lr, warmup, total: opts.steps, decay: optim.decay, minRatio: 0.1 };
  const print = siitFingerprint(opts, optim);
  if (cp?.resume) {
    if (checkpoint) {
      if (checkpoint.fingerprint !== print)
        throw new UserError(`${cp.path}: checkpoint is from a different run (differs in: ${mismatchedKeys(checkpoint.fingerprint, print).join(', ')})`);
      checkResumable(checkpoint, config, cp.path);
      opts.onNote?.(`resuming from step ${checkpoint.step} (${cp.path})`);
      if (checkpoint.extra.stepsRequested !== opts.steps)
        opts.onNote?.(
          `--steps is ${opts.steps} where the checkpointed run had ${String(checkpoint.extra.stepsRequested)}: ` +
            'the learning-rate schedule changes, so the result differs from an uninterrupted run',
        );
    } else opts.onNote?.(`no checkpoint at ${cp.path}: starting from step 0`);
  }
  const stepOpts: StepOptions = { adamw: { ...DEFAULT_ADAMW, weightDecay: optim.weightDecay }, clipNorm: optim.clipNorm };
  const { ctx, state } = startState(opts, stepOpts, checkpoint);
  const priorWallS = checkpoint?.wallTimeS ?? 0;
  const elapsedS = () => priorWallS + (Date.now() - t0) / 1000;
  const snapshot = (step: number, finished: boolean): void => {
    if (!cp) return;
    saveCheckpoint(cp.path, {
      fingerprint: print,
      step,
      seed: opts.seed,
      config,
      labels: alignedLabels(opts.compiled, opts.alignment, config),
      names: ctx.names,
      params: state.values.map((data, i) => ({ shape: ctx.shapes[i], data })),
      m: state.opt.m.map((data, i) => ({ shape: ctx.shapes[i], data })),
      v: state.opt.v.map((data, i) => ({ shape: ctx.shapes[i], data })),
      t: state.opt.t,
      wallTimeS: elapsedS(),
      extra: { stepsRequested: opts.steps, warmup, ...(finished ? { finished: 'completed' } : {}) },
    });
  };
  installFastGradients();
  let step = checkpoint?.step ?? 0;
  let status: 'completed' | 'interrupted' = 'completed';
  try {
    for (; step < opts.steps; step++) {
      const examples = trainExamples(spec, opts.seed, step, opts.batch);
      const b = encodeBatch(config, examples);
      const taskTargets = batchTargets(config.output, b);
      const params = paramMap(ctx, state);
      const plan = siitStepPlan(step, variables.length, inert.length);
      const v = plan.variable === null ? null : variables[plan.variable];
      const pairs = v ? stepPairs(config, program, opts.task, v.node, plan.at, opts.batch, opts.seed, step) : undefined;
      // The IIT term: the plan's variable on the step's pairs, and (unless one variable a step) every other on pairs of its own.
      const others = v && opts.iitAllVariables === true ? variables.filter((x) => x !== v) : [];
      const iitTerms = v
        ? [
            { x: v, batch: pairs!.iit },
            ...others.map((x, k) => ({
              x,
              batch: variablePairs(config, program, opts.task, x.node, plan.at, opts.batch, otherVariableSeed(opts.seed, step, k)),
            })),
          ]
        : [];
      const n = plan.inert === null ? null : inert[plan.inert];
      // An omitted embedding a step, in turn, beside the node (its own rotation leaves the nodes' as it was).
      const e = embeddings.length ? embeddings[step % embeddings.length] : null;
      const strictPairs = n || e ? pairs?.strict : undefined;
      // The node zeroed must change nothing either (as `ablate --mode zero` asks).
      const zero = opts.strictZero === true;
      const parts = { task: 0, iit: 0, strict: 0 };
      const logNow = step % 25 === 0 || step === opts.steps - 1;
      const iitCaches = iitTerms.map((t) => sourceCache(config, params, t.batch, t.x.site));
      let grads: tf.TypedArray[];
      let loss: number;
      try {
        const r = tf.tidy(() =>
          tf.valueAndGrads((...ts: tf.Tensor[]) => {
            const p = new Map(ctx.names.map((name, i) => [name, ts[i]]));
            const { logits } = forward(config, p, { tokens: batchTokens(b), lengths: b.lengths }, { cache: false });
            const task = maskedLoss(config.output, logits, taskTargets);
            const iit = iitTerms.length
              ? (tf.addN(iitTerms.map((t, i) => interchangeLoss(config, p, t.batch, t.x.site, iitCaches[i]))) as tf.Scalar)
              : tf.scalar(0);
            // The strict term's source run is inside the gradient: with it a constant, the patched node
            // gets no gradient from this term (its output is replaced), so only later components could
            // learn to ignore it while the task loss goes on training it to matter.
            const strictRuns = strictPairs
              ? [n, e]
                  .filter((x): x is InertNode => x !== null)
                  .map((x) => {
                    const pb = inertBatch(strictPairs, x);
                    return { x, pb, source: inertSource(config, p, pb, x, stepSeed(opts.seed, step) + 1) };
                  })
              : [];
            // The node zeroed at every position: zeros of the shapes of its source run above (a run of its own would only give shapes).
            const zeroOf = (source: Map<HookName, tf.Tensor>): tf.Scalar => {
              const pb = { ...strictPairs!, positions: strictPairs!.positions.map(() => null) };
              return interchangeLoss(config, p, pb, n!.site, new Map([...source].map(([h, t]) => [h, tf.zerosLike(t)])));
            };
            const terms = [
              ...strictRuns.map((r) => interchangeLoss(config, p, r.pb, r.x.site, r.source)),
              ...(zero && n && strictRuns.length ? [zeroOf(strictRuns[0].source)] : []),
            ];
            const strict = terms.length ? (tf.addN(terms) as tf.Scalar) : tf.scalar(0);
            if (logNow) {
              parts.task = task.dataSync()[0];
              parts.iit = iit.dataSync()[0];
              parts.strict = strict.dataSync()[0];
            }
            return tf.addN([tf.mul(task, opts.weights.task), tf.mul(iit, opts.weights.iit), tf.mul(strict, opts.weights.strict)]) as tf.Scalar;
          })(state.params),
        );
        grads = r.grads.map((g) => g.dataSync());
        loss = r.value.dataSync()[0];
        tf.dispose([r.value, ...r.grads]);
      } finally {
        disposeTargets(taskTargets);
        tf.dispose(iitCaches.flatMap((c) => [...c.values()]));
      }
      if (!Number.isFinite(loss)) throw new UserError(`SIIT diverged at step ${step + 1}: the loss is ${loss}; try a lower --lr (this run's is ${opts.lr})`);
      applyGradients(ctx, state, grads, loss, learningRate(schedule, step));
      if (logNow) opts.onProgress?.(step + 1, opts.steps, parts);
      await letEventsRun();
      if (opts.shouldStop?.(step + 1) && step + 1 < opts.steps) {
        step++;
        status = 'interrupted';
        break;
      }
      if (cp && (step + 1) % cp.every === 0 && step + 1 < opts.steps) snapshot(step + 1, false);
    }
    snapshot(step, status === 'completed');
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
        steps: step,
        backend: opts.backend,
        siit: { compiled: opts.compiledFile ?? null, alignment, weights: opts.weights, lr: opts.lr, batch: opts.batch, ...optim },
      },
      weights: new Map(ctx.names.map((name, i) => [name, { shape: ctx.shapes[i], data: state.values[i].slice() }])),
    };
    const scores = await LoadedModel.use(model, (m) => siitScores(m, opts, variables, [...inert, ...embeddings]));
    return { model, scores, status, steps: step, wallTimeS: elapsedS() };
  } finally {
    disposeState(state);
  }
}

async function siitScores(
  m: LoadedModel,
  opts: SiitOptions,
  variables: readonly { v: string; node: Parameters<typeof interchangePairs>[1]; site: InterchangeSite & { kind: 'activation' } }[],
  inert: readonly InertNode[],
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
      sites: x.site.name + ` (${x.site.sites.map((s) => s.hook).join(', ')})`,
      iia: r.iia,
      changed: r.changed,
      byLength: r.byLength,
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
    const pairs = { ...p, counterfactual: p.baseOutput };
    out.push({ node: x.name, unchanged: x.shuffle ? await shuffledUnchanged(m, pairs, x, opts.seed + 43) : (await interchangeAccuracy(m, pairs, x.site)).iia });
  }
  return { exactMatch: exactMatch(acc), iia, inert: out };
}
