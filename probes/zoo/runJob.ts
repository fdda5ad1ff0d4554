/**
 * One zoo job from start to end: the training `rasplab train` runs (src/train/trainer.ts), then the
 * analyses the job names, on the model it learned: verify on the training lengths and beyond them
 * (probes/verify.ts), compare with the compiled model (probes/compare.ts: outputs and head
 * matches), the volume of its minimum (probes/landscape/volume.ts), the barrier on the line to a
 * reference model (probes/landscape/connect.ts), ACDC's circuit (probes/circuit/discover.ts).
 * Returns the model's bytes and the figures as plain data; writes nothing.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { compile } from '../../compiler/index.ts';
import { formatHead } from '../../src/model/components.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { deserializeModel, serializeModel } from '../../src/model/modelFile.ts';
import type { ModelData } from '../../src/model/types.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import { encodeBatch } from '../../src/model/batch.ts';
import { testExamples, trainingSubset } from '../../src/train/dataset.ts';
import { batchTargets, disposeTargets, maskedLoss } from '../../src/train/loss.ts';
import type { TrainFlags } from '../../src/train/options.ts';
import { train } from '../../src/train/trainer.ts';
import type {
  CompareFigures,
  ConnectFigures,
  DiscoveryFigures,
  JobFigures,
  JobOutcome,
  LengthCheck,
  OutputsFigures,
  VerifyFigures,
  VolumeFigures,
} from '../../src/zoo/figures.ts';
import { jobModelBytes, type Job, type ModelRef } from '../../src/zoo/jobs.ts';
import type { AnalysesSpec } from '../../src/zoo/spec.ts';
import { compareOutputsAndHeads, type OutputAgreement } from '../compare.ts';
import { verifyModel } from '../verify.ts';
import { discover, knownCircuit } from '../circuit/discover.ts';
import { connectModels } from '../landscape/connect.ts';
import { estimateVolume } from '../landscape/volume.ts';
import { checkSameShape } from '../landscape/weightSpace.ts';
import { makeProbeSet, type ProbeSet, type ProbeTask } from '../probeSet.ts';

/** The job's program, parsed from the text the job carries (a worker elsewhere has no file; then `load` is refused). */
export function jobProgram(job: Job): Program {
  const p = job.settings.program;
  const file = job.file ?? `${p.name}.rasp`;
  const refuseLoad = job.file
    ? undefined
    : (path: string) => `${file}: a queued job's program may not load "${path}" (the worker has no file system of the submitter)`;
  return parseProgram(p.source, { file, ...(p.output ? { output: p.output } : {}), ...(refuseLoad ? { refuseLoad } : {}) });
}

function lengthCheck(model: LoadedModel, program: Program, minLen: number, maxLen: number, samples: number, seed: number): LengthCheck {
  const vocab = model.config.vocab.slice(1);
  const r = verifyModel(model, program, { vocab, minLen, maxLen, samples, seed, tolerance: undefined });
  return { minLen, maxLen, checked: r.checked, exhaustive: r.exhaustive, agreement: r.agreement };
}

function verifyFigures(model: LoadedModel, program: Program, analyses: AnalysesSpec<ModelRef>, job: Job): VerifyFigures | undefined {
  const v = analyses.verify;
  if (!v) return undefined;
  const f = job.settings.flags;
  return {
    trained: lengthCheck(model, program, f.minLen, f.maxLen, v.samples, f.seed),
    beyond: v.beyond > 0 ? lengthCheck(model, program, f.maxLen + 1, f.maxLen + v.beyond, v.samples, f.seed) : null,
  };
}

const outputs = (o: OutputAgreement): OutputsFigures => ({
  minLen: o.minLen,
  maxLen: o.maxLen,
  inputs: o.inputs,
  agreement: o.agreement,
  compiledExact: o.aExact,
  learnedExact: o.bExact,
});

async function compareFigures(model: LoadedModel, program: Program, analyses: AnalysesSpec<ModelRef>, job: Job): Promise<CompareFigures | undefined> {
  const c = analyses.compare;
  if (!c) return undefined;
  const f = job.settings.flags;
  // Compiled for every length the learned model's context holds, so the comparison reaches past the training lengths too.
  const compiled: ModelData = compile(program, { vocab: model.config.vocab.slice(1), maxLen: model.config.nCtx - 1, causal: model.config.causal }).model;
  return LoadedModel.use(compiled, async (a) => {
    const r = await compareOutputsAndHeads(a, model, program, { samples: c.samples, seed: f.seed, tolerance: f.tolerance });
    return {
      inRange: outputs(r.outputs.inRange),
      outOfRange: r.outputs.outOfRange ? outputs(r.outputs.outOfRange) : null,
      heads: r.heads.matches.map((m) => ({
        compiled: formatHead(m.head),
        expr: m.expr ?? null,
        learned: m.best ? formatHead(m.best) : null,
        similarity: m.similarity,
        matched: m.matched,
      })),
    };
  });
}

/** Probe inputs of the job's training lengths (as every probe command draws them). */
function trainedSet(model: LoadedModel, program: Program, job: Job, samples: number): { set: ProbeSet; task: ProbeTask } {
  const f = job.settings.flags;
  const task = { vocab: model.config.vocab.slice(1), minLen: f.minLen, maxLen: f.maxLen };
  return { set: makeProbeSet(program, { ...task, n: samples, seed: f.seed }), task };
}

async function volumeFigures(model: LoadedModel, program: Program, job: Job): Promise<VolumeFigures | undefined> {
  const v = job.settings.analyses.volume;
  if (!v) return undefined;
  const f = job.settings.flags;
  const { set } = trainedSet(model, program, job, v.samples);
  const r = await estimateVolume(model.data, set, { directions: v.directions, seed: f.seed, cutoff: { rise: v.rise }, tolerance: f.tolerance });
  return {
    directions: v.directions,
    minimumLoss: r.minimumLoss,
    cutoff: r.cutoff,
    capped: r.capped,
    meanRadius: r.radius.mean,
    logVolume: r.logVolume.estimate,
  };
}

async function connectFigures(model: LoadedModel, program: Program, job: Job): Promise<ConnectFigures | undefined> {
  const c = job.settings.analyses.connect;
  if (!c) return undefined;
  const reference = deserializeModel(jobModelBytes(job, c.reference), c.reference.file);
  checkSameShape(model.data, reference, ['the trained model', c.reference.file]);
  const { set, task } = trainedSet(model, program, job, c.samples);
  const r = await connectModels(model.data, reference, [{ name: 'trained', minLen: task.minLen, maxLen: task.maxLen, set }], {
    points: c.points,
    tolerance: job.settings.flags.tolerance,
  });
  const b = r.sets[0].barrier;
  return { reference: c.reference.file, points: c.points, barrierLoss: b.loss, barrierExactMatch: b.exactMatch, barrierTokenAccuracy: b.tokenAccuracy };
}

async function discoveryFigures(model: LoadedModel, program: Program, job: Job): Promise<DiscoveryFigures | undefined> {
  const d = job.settings.analyses.discovery;
  if (!d) return undefined;
  const { set, task } = trainedSet(model, program, job, d.samples);
  // A model fine-tuned from a compiled one has the compiled model's graph: its circuit is the one to find.
  const ref = job.settings.initFrom;
  const init = ref ? deserializeModel(jobModelBytes(job, ref), ref.file) : undefined;
  const known = init?.config.origin === 'compiled' ? (knownCircuit(init) ?? undefined) : undefined;
  const opts = { threshold: d.threshold, seed: job.settings.flags.seed, faithfulnessPoints: 0, ...(known ? { known } : {}) };
  const [r] = await discover({ model, program, set, task }, ['acdc'], opts);
  const auc = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
  return {
    threshold: d.threshold,
    inputs: r.inputs,
    edges: [...r.circuit.edges].sort(),
    nodes: r.circuit.nodes.length,
    exactMatchFull: r.exactMatch.full,
    exactMatchCircuit: r.exactMatch.circuit,
    edgeAuc: auc(r.against?.edges.rocAuc),
    nodeAuc: auc(r.against?.nodes.rocAuc),
  };
}

/**
 * The trained model's loss on the trainer's own held-out set (the same seed and size): per output
 * position, cross-entropy for categorical outputs (so its negative is the log-likelihood), squared
 * error for numerical ones, as training measures it.
 */
function heldOutLoss(model: LoadedModel, program: Program, f: TrainFlags): number {
  const spec = { program, vocab: model.config.vocab.slice(1), minLen: f.minLen, maxLen: f.maxLen };
  const subset = f.dataFraction !== undefined && f.dataFraction < 1 ? trainingSubset(spec, f.seed, f.dataFraction) : undefined;
  const examples = testExamples(spec, f.seed, f.testSize, undefined, subset);
  const batch = encodeBatch(model.config, examples);
  const targets = batchTargets(model.config.output, batch);
  try {
    const logits = model.run(batch);
    const loss = maskedLoss(model.config.output, logits, targets);
    logits.dispose();
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  } finally {
    disposeTargets(targets);
  }
}

export async function runJob(job: Job): Promise<JobOutcome> {
  const t0 = performance.now();
  const program = jobProgram(job);
  const ref = job.settings.initFrom;
  const init = ref ? { model: deserializeModel(jobModelBytes(job, ref), ref.file), file: ref.file } : undefined;
  const trained = await train({ program, flags: job.settings.flags, threads: 1, ...(init ? { init } : {}) });
  // The labels inherited from the initial model name it as the spec does, not resolved against this
  // worker's folder: the same job gives the same model bytes on any machine.
  const inherited = trained.model.labels.inherited;
  const result =
    ref && inherited ? { ...trained, model: { ...trained.model, labels: { ...trained.model.labels, inherited: { ...inherited, file: ref.file } } } } : trained;
  const training = {
    status: result.status,
    steps: result.steps,
    initialTestAcc: result.initialTestAcc,
    trainAcc: result.trainAcc,
    testAcc: result.testAcc,
    testTokenAcc: result.testTokenAcc,
    finalLoss: result.finalLoss,
    lengthAcc: Object.fromEntries(Object.entries(result.lengthAcc).map(([k, v]) => [String(k), v])),
  };
  const figures: JobFigures = await LoadedModel.use(result.model, async (m) => {
    const c = result.model.config;
    const most = (key: 'nHeads' | 'dMlp') => Math.max(...c.layers.map((l) => l[key]));
    const size = { layers: c.layers.length, heads: most('nHeads'), dModel: c.dModel, dMlp: most('dMlp') };
    const withLoss = { ...training, testLoss: heldOutLoss(m, program, job.settings.flags), ...(ref ? { size } : {}) };
    const verify = verifyFigures(m, program, job.settings.analyses, job);
    const compare = await compareFigures(m, program, job.settings.analyses, job);
    const volume = await volumeFigures(m, program, job);
    const connect = await connectFigures(m, program, job);
    const discovery = await discoveryFigures(m, program, job);
    return {
      training: withLoss,
      ...(verify ? { verify } : {}),
      ...(compare ? { compare } : {}),
      ...(volume ? { volume } : {}),
      ...(connect ? { connect } : {}),
      ...(discovery ? { discovery } : {}),
    };
  });
  return { key: job.key, figures, model: serializeModel(result.model), wallS: (performance.now() - t0) / 1000, backend: tf.getBackend() };
}
