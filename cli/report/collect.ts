/**
 * Gathers everything a report shows into one ReportData: for two models, compareModels (outputs,
 * head matching, ablation profiles, global pruning, neurons) plus what it does not keep (every
 * pruning method, per-layer probe accuracy, attention on example inputs, lengths beyond training);
 * for one model, the same per-model probes on its own.
 */
import type { Program } from '../../src/rasp/program.ts';
import { UserError } from '../../src/rasp/errors.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';
import { formatHead } from '../../src/model/components.ts';
import { NUMERIC_TOLERANCE } from '../../src/model/scoring.ts';
import { ablationSweep } from '../../probes/ablation.ts';
import { attentionPatterns } from '../../probes/attention.ts';
import { compareModels } from '../../probes/compare.ts';
import { linearProbes, type LinearProbeReport } from '../../probes/linearProbe.ts';
import { neuronStats } from '../../probes/neurons.ts';
import { makeProbeSet, modelTask, type ProbeSet, type ProbeTask } from '../../probes/probeSet.ts';
import { scoreModel } from '../../probes/scoreRuns.ts';
import { PRUNE_METHODS, pruningCurve, type PruneCurve } from '../../probes/pruning.ts';
import { sharedTask } from '../sharedTask.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { circuitGraph, nodeLayer, nodeName as circuitNodeName } from '../../src/model/circuitGraph.ts';
import { discover } from '../../probes/circuit/discover.ts';
import type { CircuitPanel, LandscapeSection, LengthResult, ModelSection, ReportData, TrainingCurve, VariableAccuracy } from './data.ts';

export interface ReportModel {
  readonly model: LoadedModel;
  /** The file's base name, shown in the report. */
  readonly file: string;
  readonly training: TrainingCurve | null;
}

export interface CollectOptions {
  readonly samples: number;
  readonly seed: number;
  /** The backend the probes run on (already selected), recorded in the report. */
  readonly backend: string;
  /** Inputs whose attention patterns are drawn (default: exampleInputs of the task). */
  readonly examples?: readonly Value[][];
  /** Logistic-refinement steps of the linear probes. */
  readonly probeSteps?: number;
  /** How far a numerical output may be from the program's and count as right (default NUMERIC_TOLERANCE). */
  readonly tolerance?: number;
  /** Also the loss along the line between the two models and each model's radii along this many random directions. */
  readonly landscape?: { readonly directions: number };
  /** Told what is being computed, for progress notes. */
  readonly onStage?: (what: string) => void;
  /** The circuit panel with each MLP neuron a node. */
  readonly neurons?: boolean;
}

/** Two short inputs to draw attention on: the vocabulary in order, then a longer one cycling it from its middle. */
export function exampleInputs(task: ProbeTask): Value[][] {
  const { vocab, maxLen } = task;
  const n1 = Math.max(task.minLen, Math.min(maxLen, vocab.length, 6));
  const first = Array.from({ length: n1 }, (_, i) => vocab[i % vocab.length]);
  if (maxLen <= n1) return [first];
  const shift = Math.floor(vocab.length / 2);
  return [first, Array.from({ length: maxLen }, (_, i) => vocab[(i * 2 + shift) % vocab.length])];
}

const paramCount = (m: ModelData): number => [...m.weights.values()].reduce((s, w) => s + w.data.length, 0);

/** Exact match on every length the model can hold but was not trained on (empty for compiled models). */
async function beyondTraining(m: LoadedModel, program: Program, trained: ProbeTask, opts: CollectOptions): Promise<LengthResult[]> {
  const out: LengthResult[] = [];
  for (let length = trained.maxLen + 1; length <= m.config.nCtx - 1; length++) {
    const set = makeProbeSet(program, { vocab: trained.vocab, minLen: length, maxLen: length, n: opts.samples, seed: opts.seed });
    if (set.inputs.length === 0) continue;
    const { exactMatch } = await scoreModel(m, set, { tolerance: opts.tolerance });
    out.push({ length, inputs: set.inputs.length, exactMatch });
  }
  return out;
}

async function probeAccuracy(m: LoadedModel, program: Program, set: ProbeSet, opts: CollectOptions, pre?: LinearProbeReport): Promise<VariableAccuracy[]> {
  const r = pre ?? (await linearProbes(m, program, set, { seed: opts.seed, steps: opts.probeSteps }));
  return r.variables.map((v) => ({ variable: v.variable, accuracy: v.points.map((p) => p.accuracy), firstDecodable: v.firstDecodable }));
}

/** The circuit EAP-IG finds (cheap: ten passes), or null when no corruption changes the model's output. */
async function circuitPanel(m: LoadedModel, program: Program, set: ProbeSet, task: ProbeTask, seed: number, neurons = false): Promise<CircuitPanel | null> {
  try {
    const [d] = await discover({ model: m, program, set, task }, ['eap-ig'], { faithfulnessPoints: 0, seed, neurons });
    const g = circuitGraph(m.config, { neurons });
    const n = m.config.layers.length;
    const layerOf = new Map(g.nodes.map((x) => [circuitNodeName(x), nodeLayer(x, n)]));
    return {
      method: d.method,
      kept: d.circuit.edges.length,
      nodes: [
        ...d.nodes.map((x) => ({ name: x.node, layer: layerOf.get(x.node)!, inCircuit: x.inCircuit, ...(x.inTrue !== undefined ? { inTrue: x.inTrue } : {}) })),
        { name: 'logits', layer: n, inCircuit: true, ...(d.against ? { inTrue: true } : {}) },
      ],
      edges: d.edges.map((e) => ({
        edge: e.edge,
        sender: e.sender,
        receiver: e.receiver,
        score: e.score,
        inCircuit: e.inCircuit,
        ...(e.inTrue !== undefined ? { inTrue: e.inTrue } : {}),
      })),
    };
  } catch (e) {
    if (isUserError(e)) return null;
    throw e;
  }
}

interface Precomputed {
  readonly ablation?: ModelSection['ablation'];
  readonly globalPruning?: PruneCurve;
  readonly neurons?: ModelSection['neurons'];
  readonly probes?: LinearProbeReport;
}

async function modelSection(
  rm: ReportModel,
  name: string,
  program: Program,
  set: ProbeSet,
  task: ProbeTask,
  examples: readonly Value[][],
  opts: CollectOptions,
  pre: Precomputed,
): Promise<ModelSection> {
  const m = rm.model;
  const stage = (what: string) => opts.onStage?.(`${name}: ${what}`);
  stage('ablations');
  const tolerance = opts.tolerance;
  const ablation = pre.ablation ?? (await ablationSweep(m, set, { modes: ['zero', 'mean'], seed: opts.seed, tolerance }));
  stage('pruning');
  const pruning: PruneCurve[] = [];
  for (const method of PRUNE_METHODS)
    pruning.push(method === 'global' && pre.globalPruning ? pre.globalPruning : await pruningCurve(m, set, method, { tolerance }));
  stage('linear probes');
  const probes = await probeAccuracy(m, program, set, opts, pre.probes);
  const neurons = pre.neurons ?? (await neuronStats(m, set)).layers;
  stage('attention and longer inputs');
  const attention = await attentionPatterns(m, examples);
  const own = modelTask(m);
  const beyond = await beyondTraining(m, program, own, opts);
  stage('circuit discovery');
  const circuit = await circuitPanel(m, program, set, task, opts.seed, opts.neurons);
  return {
    name,
    file: rm.file,
    origin: m.config.origin,
    layers: m.config.layers.length,
    headsPerLayer: m.config.layers.map((L) => L.nHeads),
    dModel: m.config.dModel,
    dMlp: m.config.layers.map((L) => L.dMlp),
    nCtx: m.config.nCtx,
    params: paramCount(m),
    lengths: [own.minLen, own.maxLen],
    exactMatch: ablation.baseline.exactMatch,
    headLabels: Object.fromEntries(m.labels.heads.map((h) => [formatHead(h), h.expr])),
    attention,
    ablation,
    pruning,
    probes,
    neurons,
    beyond,
    training: rm.training,
    circuit,
  };
}

/** "compiled" and "learned"; two models of one origin become "compiled A" / "compiled B". */
export function modelNames(models: readonly ModelData[]): string[] {
  const origins = models.map((m) => m.config.origin);
  const alike = origins.length === 2 && origins[0] === origins[1];
  return origins.map((o, i) => (alike ? `${o} ${'AB'[i]}` : o));
}

/** Runs every probe a report needs on one model or a pair (A first). */
export async function collectReport(models: readonly ReportModel[], program: Program, opts: CollectOptions): Promise<ReportData> {
  if (models.length < 1 || models.length > 2) throw new Error(`a report covers one or two models, got ${models.length}`);
  const data = models.map((r) => r.model);
  // What both models take, as compareModels probes it.
  const { task, note } = models.length === 2 ? sharedTask(models.map((r) => ({ spec: r.file, data: r.model }))) : { task: modelTask(data[0]), note: null };
  const set = makeProbeSet(program, { ...task, n: opts.samples, seed: opts.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the models' inputs (lengths ${task.minLen}–${task.maxLen})`);
  const examples = opts.examples ?? exampleInputs(task);
  const names = modelNames(data);
  let comparison: ReportData['comparison'] = null;
  const pre: Precomputed[] = models.map(() => ({}));
  if (models.length === 2) {
    opts.onStage?.('comparing the two models');
    const c = await compareModels(data[0], data[1], program, {
      samples: opts.samples,
      seed: opts.seed,
      probeSteps: opts.probeSteps,
      tolerance: opts.tolerance,
    });
    comparison = { outputs: c.outputs, matches: c.heads.matches };
    pre[0] = { ablation: c.ablation.a, globalPruning: c.pruning.a, neurons: c.neurons.a, probes: c.probes.a };
    pre[1] = { ablation: c.ablation.b, globalPruning: c.pruning.b, neurons: c.neurons.b, probes: c.probes.b };
  }
  const sections: ModelSection[] = [];
  for (let i = 0; i < models.length; i++) sections.push(await modelSection(models[i], names[i], program, set, task, examples, opts, pre[i]));
  const landscape = opts.landscape ? await landscapeSection(models, names, set, task, opts) : undefined;
  return {
    ...(landscape ? { landscape } : {}),
    program: program.name,
    settings: {
      samples: opts.samples,
      seed: opts.seed,
      backend: opts.backend,
      inputs: set.inputs.length,
      exhaustive: set.exhaustive,
      lengths: [task.minLen, task.maxLen],
      vocab: task.vocab,
      note,
      tolerance: data[0].config.output.encoding === 'numerical' ? (opts.tolerance ?? NUMERIC_TOLERANCE) : null,
    },
    models: sections,
    comparison,
  };
}

/** Radii are measured to a loss 0.1 above the model's own, with fewer bisections than `volume`'s default: a report's figure, not an estimate. */
const LANDSCAPE_RISE = 0.1;
const LANDSCAPE_BISECTIONS = 6;

async function landscapeSection(
  models: readonly ReportModel[],
  names: readonly string[],
  set: ProbeSet,
  task: ProbeTask,
  opts: CollectOptions,
): Promise<LandscapeSection> {
  const { shapeDifference } = await import('../../probes/landscape/weightSpace.ts');
  const { connectModels } = await import('../../probes/landscape/connect.ts');
  const { estimateVolume } = await import('../../probes/landscape/volume.ts');
  let path: LandscapeSection['path'] = null;
  if (models.length === 2 && shapeDifference(models[0].model.config, models[1].model.config) === null) {
    opts.onStage?.('the line between the two models');
    const c = await connectModels(models[0].model, models[1].model, [{ name: 'trained', ...task, set }], { tolerance: opts.tolerance });
    const s = c.sets[0];
    path = { from: names[0], to: names[1], points: s.path.map((p) => ({ t: p.t, loss: p.loss, exactMatch: p.exactMatch })), barrier: s.barrier.loss };
  }
  const volumes: LandscapeSection['volumes'][number][] = [];
  for (let i = 0; i < models.length; i++) {
    opts.onStage?.(`${names[i]}: radii along ${opts.landscape!.directions} random directions`);
    const v = await estimateVolume(models[i].model, set, {
      directions: opts.landscape!.directions,
      seed: opts.seed,
      cutoff: { rise: LANDSCAPE_RISE },
      bisections: LANDSCAPE_BISECTIONS,
      tolerance: opts.tolerance,
    });
    volumes.push({ name: names[i], directions: v.directions.length, radii: v.directions.map((d) => d.radius), logVolume: v.logVolume.estimate });
  }
  return { path, volumes };
}
