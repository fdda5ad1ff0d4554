/**
 * The alignment summary of two models of one program (typically compiled A, learned B): do their
 * outputs agree (also on lengths beyond the training range), which head of B does each head of A's
 * job (and, where B's labels carry an alignment, as an SIIT model's do, which heads of B it names),
 * their ablation profiles side by side, where each variable first becomes linearly decodable,
 * their pruning curves and neuron sparsity.
 */
import type { Program } from '../src/rasp/program.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE, outputsMatch } from '../src/model/scoring.ts';
import type { MaybeValue } from '../src/rasp/values.ts';
import { ablationSweep, type AblationProfile } from './ablation.ts';
import { labelledAlignment } from './abstraction/alignmentMap.ts';
import { headSimilarity, matchHeads, type HeadMatch, type HeadSimilarity } from './headSimilarity.ts';
import { linearProbes, type LinearProbeReport } from './linearProbe.ts';
import { neuronStats, type LayerNeuronSummary } from './neurons.ts';
import { DEFAULT_PROBE_SAMPLES } from './probeSamples.ts';
import { makeProbeSet, sharedTask, type ProbeSet, type ProbeTask } from './probeSet.ts';
import { pruningCurve, type PruneCurve } from './pruning.ts';

export interface OutputAgreement {
  readonly minLen: number;
  readonly maxLen: number;
  readonly inputs: number;
  /** Share of inputs on which A and B give the same output at every defined position. */
  readonly agreement: number;
  /** Share of inputs each model gets exactly right. */
  readonly aExact: number;
  readonly bExact: number;
}

export interface CompareReport {
  readonly program: string;
  readonly outputs: { readonly inRange: OutputAgreement; readonly outOfRange: OutputAgreement | null };
  readonly heads: { readonly similarity: HeadSimilarity; readonly matches: HeadMatch[] };
  readonly ablation: { readonly a: AblationProfile; readonly b: AblationProfile };
  readonly decodable: { readonly variable: string; readonly a: number | null; readonly b: number | null }[];
  /** Both models' linear probes in full (per read point), which `decodable` summarises. */
  readonly probes: { readonly a: LinearProbeReport; readonly b: LinearProbeReport };
  readonly pruning: { readonly a: PruneCurve; readonly b: PruneCurve };
  readonly neurons: { readonly a: LayerNeuronSummary[]; readonly b: LayerNeuronSummary[] };
}

export interface CompareOptions {
  readonly samples?: number;
  readonly seed?: number;
  readonly batchSize?: number;
  /** Logistic-refinement steps of the linear probes. */
  readonly probeSteps?: number;
  /** How far a numerical output may be from the program's, or from the other model's, and count as right (default NUMERIC_TOLERANCE). */
  readonly tolerance?: number;
}

/** A model's output, blank (null) where the program's output is undefined: those positions are not compared, as in scoring. */
const whereDefined = (expected: readonly MaybeValue[], out: readonly MaybeValue[]): MaybeValue[] => out.map((v, i) => (expected[i] === null ? null : v));

async function agreementOn(a: LoadedModel, b: LoadedModel, set: ProbeSet, task: ProbeTask, opts: CompareOptions): Promise<OutputAgreement> {
  const oa = a.outputs(set.inputs, { batchSize: opts.batchSize });
  const ob = b.outputs(set.inputs, { batchSize: opts.batchSize });
  const n = set.inputs.length;
  const tol = opts.tolerance ?? NUMERIC_TOLERANCE;
  const share = (f: (i: number) => boolean) => (n ? set.inputs.filter((_, i) => f(i)).length / n : 0);
  const exact = (m: LoadedModel, out: MaybeValue[][]) => share((i) => outputsMatch(m.config.output, set.expected[i], out[i], tol));
  return {
    minLen: task.minLen,
    maxLen: task.maxLen,
    inputs: n,
    agreement: share((i) => outputsMatch(a.config.output, whereDefined(set.expected[i], oa[i]), whereDefined(set.expected[i], ob[i]), tol)),
    aExact: exact(a, oa),
    bExact: exact(b, ob),
  };
}

/** The first part of the comparison on its own (the model zoo records it per model): outputs on and beyond the shared lengths, and head matches. */
export async function compareOutputsAndHeads(
  a: LoadedModel,
  b: LoadedModel,
  program: Program,
  opts: CompareOptions = {},
): Promise<Pick<CompareReport, 'outputs' | 'heads'> & { readonly set: ProbeSet }> {
  const n = opts.samples ?? DEFAULT_PROBE_SAMPLES;
  const seed = opts.seed ?? 0;
  const { task, beyond } = sharedTask(a, b);
  const set = makeProbeSet(program, { ...task, n, seed });
  const inRange = await agreementOn(a, b, set, task, opts);
  const outOfRange = beyond ? await agreementOn(a, b, makeProbeSet(program, { ...beyond, n, seed }), beyond, opts) : null;
  const similarity = await headSimilarity(a, b, set.inputs, { batchSize: opts.batchSize });
  return { outputs: { inRange, outOfRange }, heads: { similarity, matches: withAlignment(matchHeads(similarity, a), similarity, a, b) }, set };
}

/** Each head of A with the heads B's labels align with its variable, where B's labels carry an alignment (an SIIT model's); else as they were. */
function withAlignment(matches: HeadMatch[], sim: HeadSimilarity, a: LoadedModel, b: LoadedModel): HeadMatch[] {
  const alignment = labelledAlignment(b.data);
  if (!alignment) return matches;
  return matches.map((m, i) => {
    const writes = a.labels.heads.find((h) => h.layer === m.head.layer && h.head === m.head.head)?.writes;
    const heads = writes === undefined ? [] : (alignment.get(writes) ?? []).filter((c) => c.kind === 'head');
    return {
      ...m,
      aligned: heads.map((h) => ({
        head: { layer: h.layer, head: h.head },
        similarity: sim.similarity[i][sim.headsB.findIndex((x) => x.layer === h.layer && x.head === h.head)],
      })),
    };
  });
}

export async function compareModels(a: LoadedModel, b: LoadedModel, program: Program, opts: CompareOptions = {}): Promise<CompareReport> {
  const seed = opts.seed ?? 0;
  const bs = opts.batchSize;
  const tolerance = opts.tolerance;
  const { outputs, heads, set } = await compareOutputsAndHeads(a, b, program, opts);
  const sweep = (m: LoadedModel) => ablationSweep(m, set, { modes: ['zero', 'mean'], seed, batchSize: bs, tolerance });
  const probes = (m: LoadedModel) => linearProbes(m, program, set, { seed, steps: opts.probeSteps, batchSize: bs });
  const pa = await probes(a);
  const pb = await probes(b);
  return {
    program: program.name,
    outputs,
    heads,
    ablation: { a: await sweep(a), b: await sweep(b) },
    decodable: pa.variables.map((v) => ({
      variable: v.variable,
      a: v.firstDecodable,
      b: pb.variables.find((w) => w.variable === v.variable)?.firstDecodable ?? null,
    })),
    probes: { a: pa, b: pb },
    pruning: {
      a: await pruningCurve(a, set, 'global', { batchSize: bs, tolerance }),
      b: await pruningCurve(b, set, 'global', { batchSize: bs, tolerance }),
    },
    neurons: { a: (await neuronStats(a, set, { batchSize: bs })).layers, b: (await neuronStats(b, set, { batchSize: bs })).layers },
  };
}
