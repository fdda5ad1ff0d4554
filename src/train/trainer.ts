/**
 * A training run: a learned transformer fitted to a program's input/output behaviour.
 *
 * The run is a deterministic function of its request: data from (seed, step), initial weights from
 * the seed (or a compiled model), evaluation on held-out streams that no step draws from. Periodic
 * checkpoints hold everything the next step depends on, so stopping and resuming gives the same
 * final weights as running straight through.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';
import { UserError } from '../rasp/errors.ts';
import { describeNonFinite, firstNonFinite } from '../model/finite.ts';
import { programLabel, type ModelConfig, type ModelData, type ModelLabels, type TrainingInfo } from '../model/types.ts';
import { checkResumable, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { encodeBatch, type Batch } from '../model/batch.ts';
import { exactMatch, tokenAccuracy, type Accuracy } from '../model/scoring.ts';
import type { DataSpec, Example } from '../rasp/examples.ts';
import { testExamples, trainExamples, trainingSubset } from './dataset.ts';
import { measureAccuracy } from './metrics.ts';
import { DEFAULT_ADAMW, type AdamWConfig } from './optimizer.ts';
import { validateTrainFlags } from './options.ts';
import { outputName } from './outputSpec.ts';
import type { TrainRequest } from './request.ts';
import { defaultWarmup, learningRate, type Schedule } from './schedule.ts';
import { fingerprint, mismatchedKeys, recordedSettings, runSettings } from './settings.ts';
import { inheritedLabels, initialParams, resolveConfig, resolveVocab } from './setup.ts';
import { disposeState, makeState, paramMap, prepareTraining, stepContext, trainStep, trainStepSharded, type StepContext, type TrainState } from './step.ts';
import { GradPool } from './parallel/gradPool.ts';
import { barrierCap, barrierSpec, pathExamples, pathPointOfStep, validateCbft } from './cbft.ts';
import { splitShards } from '../threads/shards.ts';

export interface TrainProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss?: number;
  readonly trainAcc?: number;
  readonly testAcc?: number;
  readonly tokensPerSec: number;
  readonly elapsedS: number;
  readonly etaS: number;
  readonly backend: string;
}

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  /** Receives every log record (the CLI writes them to the JSONL log). */
  onRecord?(r: Record<string, unknown>): void;
  /** Asked after every step; true saves a checkpoint and ends the run (Ctrl-C). */
  shouldStop?(step: number): boolean;
  /** One-line notes for the user (e.g. "resuming from step 500"). */
  onNote?(msg: string): void;
}

export type TrainStatus = 'completed' | 'target-reached' | 'interrupted';

export interface TrainResult {
  readonly model: ModelData;
  readonly status: TrainStatus;
  /** Optimisation steps completed in total (all sessions). */
  readonly steps: number;
  /** Held-out exact match before the first step (for --init-from: the initial model's accuracy). */
  readonly initialTestAcc: number;
  readonly trainAcc: number;
  readonly testAcc: number;
  readonly testTokenAcc: number;
  /** Exact match per --test-lengths entry. */
  readonly lengthAcc: Readonly<Record<number, number>>;
  readonly finalLoss: number;
  readonly tokensPerSec: number;
  readonly wallTimeS: number;
  readonly backend: string;
  /** Threads that computed each step's gradient (the training thread and its gradient workers). */
  readonly threads: number;
  /** Held-out exact match at each evaluation: [step, acc]. */
  readonly evals: readonly (readonly [number, number])[];
}

const EVAL_CHUNK = 256;

function chunks(config: ModelConfig, examples: Example[]): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < examples.length; i += EVAL_CHUNK) out.push(encodeBatch(config, examples.slice(i, i + EVAL_CHUNK)));
  return out;
}

/** Lets signal handlers (Ctrl-C) and stream writes run between training steps: a step itself never yields. */
export const letEventsRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs (or continues) a training run and returns the learned model. */
export async function train(req: TrainRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const f = req.flags;
  validateTrainFlags(f);
  const vocab = resolveVocab(req);
  const config = resolveConfig(req, vocab);
  const spec: DataSpec = { program: req.program, vocab, minLen: f.minLen, maxLen: f.maxLen };
  const adamw: AdamWConfig = { ...DEFAULT_ADAMW, weightDecay: f.weightDecay };
  const backend = tf.getBackend();
  const record = (r: Record<string, unknown>) => hooks.onRecord?.(r);

  // --data-fraction below 1: training draws from a fixed subset, and every held-out set from outside it.
  const subset = f.dataFraction !== undefined && f.dataFraction < 1 ? trainingSubset(spec, f.seed, f.dataFraction) : undefined;
  // Held-out sets: the training length range, then each --test-lengths length on its own.
  const testBatches = chunks(config, testExamples(spec, f.seed, f.testSize, undefined, subset));
  const lengthBatches = f.testLengths.map((len) => ({
    len,
    batches: chunks(config, testExamples(spec, f.seed, f.testSize, { min: len, max: len }, subset)),
  }));

  const checkpoint = req.resume && req.checkpointPath && fs.existsSync(req.checkpointPath) ? loadCheckpoint(req.checkpointPath) : undefined;
  // A resumed run keeps its warm-up even when --steps changes (the default depends on --steps).
  const warmup = f.warmup ?? (checkpoint?.extra.warmup as number | undefined) ?? defaultWarmup(f.steps);
  const schedule: Schedule = { peak: f.lr, warmup, total: f.steps, decay: f.decay, minRatio: 0.1 };
  const settings = runSettings(req, config, vocab, warmup);
  const print = fingerprint(settings);
  if (req.resume && req.checkpointPath) {
    if (checkpoint) {
      if (checkpoint.fingerprint !== print)
        throw new UserError(
          `${req.checkpointPath}: checkpoint is from a different run (differs in: ${mismatchedKeys(checkpoint.fingerprint, print).join(', ')})`,
        );
      checkResumable(checkpoint, config, req.checkpointPath);
      hooks.onNote?.(`resuming from step ${checkpoint.step} (${req.checkpointPath})`);
      const before = checkpoint.extra.stepsRequested;
      if (before !== f.steps)
        hooks.onNote?.(
          `--steps is ${f.steps} where the checkpointed run had ${before}: ` +
            'the learning-rate schedule changes, so the result differs from an uninterrupted run',
        );
    } else hooks.onNote?.(`no checkpoint at ${req.checkpointPath}: starting from step 0`);
  }

  const program = programLabel(req.program, outputName(req.program));
  if (req.cbft) {
    if (!req.init) throw new UserError('CBFT fine-tunes from a model: give it as the initial model');
    if (f.andMask !== undefined) throw new UserError('give --cbft or --and-mask, not both');
    validateCbft(req.cbft.lambda);
  }
  // CBFT's path starts from the weights fine-tuning starts from (a compiled model's with its unembedding scaled, setup.ts).
  const from = req.cbft ? initialParams(req, config) : undefined;
  const barrier = from && req.cbft ? { lambda: req.cbft.lambda, cap: barrierCap(config) } : undefined;
  const pathSpec = req.cbft && req.init ? barrierSpec(spec, req.init.model) : undefined;
  const stepOpts = { adamw, clipNorm: f.clipNorm, andMask: f.andMask };
  let ctx: StepContext;
  let state: TrainState;
  let labels: ModelLabels;
  if (checkpoint) {
    ctx = stepContext(
      config,
      checkpoint.names,
      checkpoint.params.map((w) => w.shape),
      stepOpts,
    );
    state = makeState(
      ctx,
      checkpoint.params.map((w) => w.data),
      { m: checkpoint.m.map((w) => w.data), v: checkpoint.v.map((w) => w.data), t: checkpoint.t },
    );
    labels = checkpoint.labels;
  } else {
    ({ ctx, state } = prepareTraining(config, initialParams(req, config), stepOpts));
    labels = req.init ? { ...inheritedLabels(req.init), program } : { program, residual: [], heads: [], mlps: [] };
  }
  if (from && barrier) ctx = { ...ctx, barrier: { ...barrier, from: ctx.names.map((n) => from.get(n)!) } };
  const { names, shapes } = ctx;
  // AND-masked steps split the batch by length, each environment's gradient kept apart: one thread.
  // So does CBFT, whose objective needs the path's loss beside the task's.
  const threads = f.andMask === undefined && !req.cbft ? Math.max(1, Math.min(req.threads ?? 1, f.batch)) : 1;
  let pool: GradPool | undefined;
  try {
    if (threads > 1) pool = await GradPool.start(threads, config, names, shapes, backend);
    const step1 = (examples: readonly Example[], lr: number, step: number) =>
      pool
        ? trainStepSharded(ctx, state, splitShards(examples, threads), lr, (v, shards) => pool!.shards(v, shards))
        : trainStep(
            ctx,
            state,
            examples,
            lr,
            pathSpec ? { alpha: pathPointOfStep(f.seed, step), examples: pathExamples(pathSpec, f.seed, step, f.batch) } : undefined,
          );
    const accuracyOf = (batches: readonly Batch[]): Promise<Accuracy> => measureAccuracy(config, paramMap(ctx, state), batches, f.tolerance);

    const startStep = checkpoint?.step ?? 0;
    const priorWallS = checkpoint?.wallTimeS ?? 0;
    const evals: [number, number][] = [...((checkpoint?.extra.evals as [number, number][] | undefined) ?? [])];
    let initialTestAcc = (checkpoint?.extra.initialTestAcc as number | undefined) ?? Number.NaN;
    // A run that reached its target is over; one that ran out of steps continues if --steps grew.
    const done = checkpoint?.extra.finished === 'target-reached';
    let status: TrainStatus = done ? 'target-reached' : 'completed';
    const t0 = performance.now();
    const elapsedS = () => priorWallS + (performance.now() - t0) / 1000;

    if (!checkpoint) {
      initialTestAcc = exactMatch(await accuracyOf(testBatches));
      evals.push([0, initialTestAcc]);
      record({
        type: 'start',
        backend,
        threads,
        program: req.program.name,
        config,
        flags: f,
        warmup,
        initFrom: req.init?.file ?? null,
        shapeOf: req.shapeOf?.file ?? null,
        testAcc: initialTestAcc,
      });
    } else record({ type: 'resume', step: startStep, backend, threads });

    // Where the last checkpoint of finite weights stands, for the message that stops a diverged run.
    let savedStep: number | undefined = checkpoint?.step;
    /**
     * A loss or weight that is not a number never recovers: every later step is NaN. The run
     * stops at once, before anything is saved, so the checkpoint on disk keeps the last finite
     * weights and no model file is written from the broken ones.
     */
    const diverged = (step: number, what: string): never => {
      record({ type: 'diverged', step, what });
      const kept = req.checkpointPath && savedStep !== undefined ? `; ${req.checkpointPath} still holds step ${savedStep}` : '';
      throw new UserError(`training diverged at step ${step}: ${what}; try a lower --lr (this run's is ${f.lr})${kept}`);
    };
    // A pass over the weights and moments costs less than the optimiser's own update, so every step is checked.
    const checkState = (step: number): void => {
      for (const [what, arrays] of [
        ['weight', state.values],
        ["AdamW's first moment of", state.opt.m],
        ["AdamW's second moment of", state.opt.v],
      ] as const) {
        const bad = firstNonFinite(names.map((n, i) => [n, { shape: shapes[i], data: arrays[i] }] as const));
        if (bad) diverged(step, describeNonFinite(bad, what));
      }
    };

    const snapshot = (step: number, extra: Record<string, unknown> = {}): void => {
      if (!req.checkpointPath) return;
      saveCheckpoint(req.checkpointPath, {
        fingerprint: print,
        step,
        seed: f.seed,
        config,
        labels,
        names,
        params: state.values.map((data, i) => ({ shape: shapes[i], data })),
        m: state.opt.m.map((data, i) => ({ shape: shapes[i], data })),
        v: state.opt.v.map((data, i) => ({ shape: shapes[i], data })),
        t: state.opt.t,
        wallTimeS: elapsedS(),
        extra: { evals, initialTestAcc, stepsRequested: f.steps, warmup, ...extra },
      });
      savedStep = step;
    };

    let step = startStep;
    let lastLoss = Number.NaN;
    let trainMs = 0;
    let tokens = 0;
    let windowMs = 0;
    let windowTokens = 0;
    let lastTestAcc = evals.length ? evals[evals.length - 1][1] : Number.NaN;
    while (!done && step < f.steps) {
      const examples = trainExamples(spec, f.seed, step, f.batch, subset);
      const lr = learningRate(schedule, step);
      const s0 = performance.now();
      const r = await step1(examples, lr, step);
      step++;
      if (!Number.isFinite(r.loss)) diverged(step, `the loss is ${r.loss}`);
      checkState(step);
      lastLoss = r.loss;
      const logNow = step % f.logEvery === 0 || step === f.steps;
      const dt = performance.now() - s0;
      const nTok = examples.reduce((s, e) => s + e.input.length, 0);
      trainMs += dt;
      tokens += nTok;
      windowMs += dt;
      windowTokens += nTok;

      let testAcc: number | undefined;
      if (step % f.evalEvery === 0 || step === f.steps) {
        const acc = await accuracyOf(testBatches);
        testAcc = exactMatch(acc);
        lastTestAcc = testAcc;
        evals.push([step, testAcc]);
        record({ type: 'eval', step, testAcc, testTokenAcc: tokenAccuracy(acc), elapsedS: elapsedS() });
        if (f.targetAcc !== undefined && testAcc >= f.targetAcc) status = 'target-reached';
      }
      let trainAcc: number | undefined;
      if (logNow) {
        trainAcc = exactMatch(await accuracyOf([encodeBatch(config, examples)]));
        const tps = windowMs > 0 ? (windowTokens * 1000) / windowMs : 0;
        record({ type: 'step', step, loss: r.loss, lr, gradNorm: r.gradNorm, trainAcc, tokensPerSec: tps, elapsedS: elapsedS() });
        windowMs = 0;
        windowTokens = 0;
      }
      const perStep = (performance.now() - t0) / 1000 / Math.max(1, step - startStep);
      hooks.onProgress?.({
        step,
        steps: f.steps,
        loss: r.loss,
        trainAcc,
        testAcc: testAcc ?? lastTestAcc,
        tokensPerSec: trainMs > 0 ? (tokens * 1000) / trainMs : 0,
        elapsedS: elapsedS(),
        etaS: perStep * (f.steps - step),
        backend,
      });
      if (status === 'target-reached') break;
      await letEventsRun();
      if (hooks.shouldStop?.(step)) {
        status = 'interrupted';
        break;
      }
      if (step % f.checkpointEvery === 0 && step < f.steps) snapshot(step);
    }
    if (status === 'interrupted') snapshot(step);
    else snapshot(step, { finished: status });

    // Final measurements: held-out sets, and the last training batches (what the model was fitted on).
    const testAcc = await accuracyOf(testBatches);
    const lastTrain: Example[] = [];
    for (let s = Math.max(0, step - 8); s < step && lastTrain.length < f.testSize; s++) lastTrain.push(...trainExamples(spec, f.seed, s, f.batch, subset));
    const trainAcc = lastTrain.length ? exactMatch(await accuracyOf(chunks(config, lastTrain))) : Number.NaN;
    const lengthAcc: Record<number, number> = {};
    for (const { len, batches } of lengthBatches) lengthAcc[len] = exactMatch(await accuracyOf(batches));
    const wallTimeS = elapsedS();
    const tokensPerSec = trainMs > 0 ? (tokens * 1000) / trainMs : 0;
    // What the run achieved: returned, and kept in the model file's training metadata. Its timings
    // are returned and logged but not kept there: they differ between identical runs, and the same
    // run twice must write the same bytes.
    const outcome = {
      status,
      initialTestAcc,
      trainAcc,
      testAcc: exactMatch(testAcc),
      testTokenAcc: tokenAccuracy(testAcc),
      lengthAcc,
      finalLoss: lastLoss,
    };

    const training: TrainingInfo = {
      ...recordedSettings(settings),
      steps: step,
      backend,
      threads,
      stepsRequested: f.steps,
      targetAcc: f.targetAcc ?? null,
      testLengths: f.testLengths,
      testSize: f.testSize,
      ...(subset ? { trainInputs: subset.keys.size } : {}),
      ...(req.shapeOf ? { shapeOf: req.shapeOf.file } : {}),
      ...outcome,
    };
    const model: ModelData = { config, labels, training, weights: new Map(names.map((n, i) => [n, { shape: shapes[i], data: state.values[i].slice() }])) };
    record({ type: 'end', status, steps: step, trainAcc, testAcc: exactMatch(testAcc), lengthAcc, wallTimeS, tokensPerSec, backend });
    return { model, steps: step, backend, threads, evals, tokensPerSec, wallTimeS, ...outcome };
  } finally {
    await pool?.close();
    disposeState(state);
    if (from) tf.dispose([...from.values()]);
  }
}
