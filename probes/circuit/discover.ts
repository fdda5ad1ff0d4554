/**
 * Circuit discovery on a model and a probe set: the edges and nodes a method finds, their scores,
 * and, where the model's circuit is known (a compiled model's labels), how well the scores
 * separate the true circuit from the rest (ROC and precision–recall, for edges and for nodes) and
 * how faithful the circuits of every size along the ranking are (exact match of the circuit alone,
 * every other edge patched, ÷ exact match of the full model).
 *
 * A node's score is the largest |score| of the edges it sends; a node is in a circuit when one of
 * its edges is. With `neurons`, each MLP neuron is a node; its true circuit is the compiled
 * weights' at that grain, less the senders the corruption leaves as they were at every position of
 * every probe input (EdgeRunner.unchangedSenders): a neuron that never fires there, and, under
 * `resample`, one that writes the same at every position (a read-out step every input's width
 * crosses), which send nothing any method could see. The corruption (probes/circuit/edgeRun.ts) is `resample` (the default for EAP and
 * EAP-IG: defaultCorruption): every sender's output at each position of each input replaced by
 * what it wrote at a random position of a random probe input (another token at another position,
 * where one is found; BOS from a BOS); or each sender's mean output over the probe inputs and
 * positions (`mean`, ACDC's default; the token embedding's per position, so BOS stays where it
 * is); or the partner inputs that `patch` draws
 * (probes/corruptions.ts: `token`, `length`, `variable:NAME`), whose position embedding is the same
 * in both runs, so they cannot find what reads it.
 *
 * Why `resample` for the gradient methods: a compiled selector width is read out by step neurons, and a gradient
 * method crosses a step only where the clean and the corrupted value lie on either side of it. The
 * mean of 1/(w+1) is one value between the steps, so on count_less_freq, double_hist and
 * most_frequent EAP and EAP-IG missed the read-out wherever the mean sat on the clean width's side
 * of the step that matters; a drawn position holds a width some input really has, so the steps are
 * crossed on some inputs whichever they are. Drawing positions from the whole set (not an input of
 * the same length, as resample ablation does) also changes what depends on the length or the
 * position alone (reverse's opp_index, shift_by's empty first selection), which a same-length
 * partner cannot. ACDC keeps the mean: a draw can miss an effect confined to the one or two inputs
 * of a probe set it matters on (detect_pattern's query, in 64 inputs), where the mean, the same on
 * every run, cannot. Nothing here knows the model is compiled.
 */
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import { circuitGraph, edgeName, nodeName, type CircuitGraph } from '../../src/model/circuitGraph.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { trueCircuit } from '../../src/model/trueCircuit.ts';
import type { CircuitLabel, ModelData } from '../../src/model/types.ts';
import { encodeProbeSet, type ProbeBatches } from '../batches.ts';
import { makeCorruptions, parseCorruption } from '../corruptions.ts';
import type { ProbeSet, ProbeTask } from '../probeSet.ts';
import { curves, type Curves } from './curves.ts';
import { EdgeRunner, type Backward, type CorruptSource, type DiscoveryMetric } from './edgeRun.ts';
import { acdc, eapIg, type DiscoveryMethod, type EdgeScores, type IgPath } from './methods.ts';

export type DiscoveryCorruption = 'mean' | 'resample' | 'token' | 'length' | `variable:${string}`;

export function parseDiscoveryCorruption(text: string): DiscoveryCorruption {
  if (text === 'mean' || text === 'resample') return text;
  try {
    return parseCorruption(text);
  } catch {
    throw new UserError(`unknown corruption '${text}'; use resample, mean, token, length or variable:NAME (a variable of the program)`);
  }
}

/**
 * The circuit a model is known to implement: its labels', else (files from before they held one) its compiled weights'. Null for learned models,
 * except one whose labels give its own circuit (a SIIT model's, from its alignment). Labels inherited from the model a run was
 * fine-tuned from describe that model before fine-tuning: their circuit is no known truth of this one (a caller that wants it
 * as the reference passes it, DiscoveryOptions.known). On the graph with neurons, the compiled weights' at that grain (the labels name whole MLPs).
 */
export function knownCircuit(m: ModelData, g?: CircuitGraph, silent?: ReadonlySet<string>): CircuitLabel | null {
  const compiled = m.config.origin === 'compiled' && !m.labels.inherited;
  if (g?.neurons) return compiled ? trueCircuit(m, g, { silent }) : null;
  if (m.labels.inherited) return null;
  if (m.labels.circuit) return m.labels.circuit;
  return compiled ? trueCircuit(m) : null;
}

export interface DiscoveryOptions {
  readonly method: DiscoveryMethod;
  readonly metric?: DiscoveryMetric;
  /** ACDC: the rise in the metric an edge must cause to stay (≥ 0). EAP, EAP-IG: the share of the top |score| an edge must reach (0 … 1). */
  readonly threshold?: number;
  /** EAP-IG's interpolation steps. */
  readonly steps?: number;
  /** What EAP-IG interpolates (default: the input embeddings). */
  readonly igPath?: IgPath;
  /** How EAP and EAP-IG cross nonlinearities (default `secant`: probes/circuit/edgeRun.ts). */
  readonly backward?: Backward;
  readonly corruption?: DiscoveryCorruption;
  readonly seed?: number;
  readonly batchSize?: number;
  /** Circuits along the ranking whose faithfulness is measured (default 12; 0: none). */
  readonly faithfulnessPoints?: number;
  /** The circuit to score against, where the model's labels know none (a model fine-tuned from a compiled one has its graph and, at first, its circuit). */
  readonly known?: CircuitLabel;
  /** Each MLP neuron a node of the graph (circuitGraph's `neurons`). */
  readonly neurons?: boolean;
}

export const DEFAULT_THRESHOLD = 0.01;
/**
 * Each method's corruption unless one is asked for: the mean for ACDC, resampling for EAP and EAP-IG.
 * ACDC runs the model with each edge patched and sees any change of the output, and the mean, one
 * fixed value, changes it wherever it differs from the clean one, with no draw to miss the few
 * inputs an edge matters on. EAP and EAP-IG see an effect through a step only where the clean and
 * the corrupted value lie on either side of it (see the header); a mean may sit on the clean side
 * of the step that matters for every input, where drawn values do not.
 */
export function defaultCorruption(method: DiscoveryMethod): DiscoveryCorruption {
  return method === 'acdc' ? 'mean' : 'resample';
}
export const DEFAULT_IG_STEPS = 5;

export interface ScoredEdge {
  readonly edge: string;
  readonly sender: string;
  readonly receiver: string;
  readonly score: number;
  readonly inCircuit: boolean;
  /** Whether the known circuit has it (absent when none is known). */
  readonly inTrue?: boolean;
}

export interface ScoredNode {
  readonly node: string;
  readonly score: number;
  readonly inCircuit: boolean;
  readonly inTrue?: boolean;
}

export interface FaithfulnessPoint {
  /** Edges kept: the top `edges` by |score|. */
  readonly edges: number;
  readonly exactMatch: number;
  /** exactMatch ÷ the full model's. */
  readonly faithfulness: number;
}

export interface Discovery {
  readonly method: DiscoveryMethod;
  readonly metric: DiscoveryMetric;
  readonly corruption: DiscoveryCorruption;
  readonly threshold: number;
  /** EAP and EAP-IG: how the backward pass crossed nonlinearities (absent for ACDC). */
  readonly backward?: Backward;
  readonly inputs: number;
  readonly edges: readonly ScoredEdge[];
  readonly nodes: readonly ScoredNode[];
  readonly circuit: { readonly edges: readonly string[]; readonly nodes: readonly string[] };
  /** Exact match of the full model, and of the circuit alone (every other edge patched). */
  readonly exactMatch: { readonly full: number; readonly circuit: number };
  readonly faithfulness: readonly FaithfulnessPoint[];
  /** Against the known circuit (null for a model without one). */
  readonly against: { readonly edges: Curves; readonly nodes: Curves } | null;
  readonly passes: number;
  readonly wallMs: number;
}

/** Checks a threshold against the method's range; a UserError names it. */
export function checkThreshold(method: DiscoveryMethod, tau: number): void {
  if (!Number.isFinite(tau) || tau < 0) throw new UserError(`--threshold ${tau}: a threshold is a number ≥ 0`);
  if (method !== 'acdc' && tau > 1)
    throw new UserError(`--threshold ${tau}: ${method} keeps edges scoring at least τ × the top score, so τ must lie in [0, 1]`);
}

/** The clean batches and their corruption, as a runner takes them; `inputs`: the clean inputs kept (paired corruptions drop those without a partner). */
export function discoveryBatches(
  m: LoadedModel,
  inp: { program: Program; set: ProbeSet; task: ProbeTask },
  corruption: DiscoveryCorruption,
  opts: { seed?: number; batchSize?: number } = {},
): { clean: ProbeBatches; corrupt: CorruptSource; inputs: number } {
  const batchSize = opts.batchSize;
  if (corruption === 'mean' || corruption === 'resample') {
    const corrupt: CorruptSource = corruption === 'mean' ? { kind: 'mean' } : { kind: 'resample', seed: opts.seed ?? 0 };
    return { clean: encodeProbeSet(m.config, inp.set, { batchSize }), corrupt, inputs: inp.set.inputs.length };
  }
  const pairs = makeCorruptions(inp.program, inp.set, corruption, inp.task, opts.seed ?? 0);
  if (pairs.clean.inputs.length === 0) throw new UserError(`no input has a '${corruption}' corruption that changes the program's output`);
  const nPos = 1 + [...pairs.clean.inputs, ...pairs.corrupt.inputs].reduce((n, x) => Math.max(n, x.length), 0);
  return {
    clean: encodeProbeSet(m.config, pairs.clean, { batchSize, nPos }),
    corrupt: { kind: 'paired', batches: encodeProbeSet(m.config, pairs.corrupt, { batchSize, nPos }) },
    inputs: pairs.clean.inputs.length,
  };
}

/** The top-k circuits' patch weights: 1 for every edge outside the k best by |score|. */
function topK(order: readonly number[], k: number, E: number): Float32Array {
  const w = new Float32Array(E).fill(1);
  for (let i = 0; i < k; i++) w[order[i]] = 0;
  return w;
}

/** Sizes along the ranking to measure: about `n` of them, from 1 edge to every edge the scores separate from zero. */
function sizes(nonZero: number, n: number): number[] {
  if (n <= 0 || nonZero === 0) return [];
  const out = new Set<number>();
  for (let i = 1; i <= n; i++) out.add(Math.max(1, Math.round((nonZero * i) / n)));
  return [...out].sort((a, b) => a - b);
}

function nodeScores(g: CircuitGraph, edgeScores: ArrayLike<number>, kept: readonly boolean[]) {
  const score = g.senders.map(() => 0);
  const inCircuit = g.senders.map(() => false);
  g.edges.forEach((e, i) => {
    score[e.sender] = Math.max(score[e.sender], Math.abs(edgeScores[i]));
    if (kept[i]) inCircuit[e.sender] = true;
  });
  return { score, inCircuit };
}

/** Runs one method on a prepared runner. */
export async function discoverWith(runner: EdgeRunner, opts: DiscoveryOptions & { corruption: DiscoveryCorruption; inputs: number }): Promise<Discovery> {
  const method = opts.method;
  const metric = runner.metric;
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  checkThreshold(method, threshold);
  const g = runner.graph;
  const E = g.edges.length;
  const t0 = performance.now();
  const found: EdgeScores =
    method === 'acdc'
      ? await acdc(runner, threshold)
      : await eapIg(runner, method === 'eap' ? 1 : (opts.steps ?? DEFAULT_IG_STEPS), threshold, opts.igPath, opts.backward);
  const wallMs = performance.now() - t0;
  // ACDC's rises rank the edges; EAP ranks by the size of the first-order change, whichever its sign.
  const rank = method === 'acdc' ? Array.from(found.scores) : Array.from(found.scores, Math.abs);
  // With neurons, a neuron the corruption leaves as it was (one that never fires on these inputs, or, resampled, one that writes the same
  // at every position) sends nothing any patch could change: it carries no edge of the circuit.
  const silent = g.neurons ? new Set((await runner.unchangedSenders()).flatMap((x, i) => (x ? [nodeName(g.senders[i])] : []))) : undefined;
  const known = opts.known ?? knownCircuit(runner.m, g, silent);
  const trueEdges = known ? new Set(known.edges.map((e) => e.edge)) : null;
  const trueNodes = known ? new Set(known.nodes) : null;
  const names = g.edges.map((e) => edgeName(g, e));
  const edges: ScoredEdge[] = g.edges.map((e, i) => ({
    edge: names[i],
    sender: nodeName(g.senders[e.sender]),
    receiver: nodeName(g.receivers[e.receiver].node),
    score: found.scores[i],
    inCircuit: found.kept[i],
    ...(trueEdges ? { inTrue: trueEdges.has(names[i]) } : {}),
  }));
  const ns = nodeScores(g, rank, found.kept);
  const nodes: ScoredNode[] = g.senders.map((n, i) => ({
    node: nodeName(n),
    score: ns.score[i],
    inCircuit: ns.inCircuit[i],
    ...(trueNodes ? { inTrue: trueNodes.has(nodeName(n)) } : {}),
  }));
  const full = await runner.exactMatchOf(new Float32Array(E));
  const circuitW = Float32Array.from(found.kept, (k) => (k ? 0 : 1));
  const circuitExact = await runner.exactMatchOf(circuitW);
  const order = rank.map((_, i) => i).sort((a, b) => rank[b] - rank[a]);
  const faithfulness: FaithfulnessPoint[] = [];
  for (const k of sizes(rank.filter((x) => x > 0).length, opts.faithfulnessPoints ?? 12)) {
    const em = await runner.exactMatchOf(topK(order, k, E));
    faithfulness.push({ edges: k, exactMatch: em, faithfulness: full > 0 ? em / full : Number.NaN });
  }
  return {
    method,
    metric,
    corruption: opts.corruption,
    threshold,
    ...(method === 'acdc' ? {} : { backward: opts.backward ?? 'secant' }),
    inputs: opts.inputs,
    edges,
    nodes,
    circuit: { edges: edges.filter((e) => e.inCircuit).map((e) => e.edge), nodes: [...nodes.filter((n) => n.inCircuit).map((n) => n.node), 'logits'] },
    exactMatch: { full, circuit: circuitExact },
    faithfulness,
    against:
      trueEdges && trueNodes
        ? {
            edges: curves(
              rank,
              names.map((n) => trueEdges.has(n)),
            ),
            nodes: curves(
              ns.score,
              nodes.map((n) => trueNodes.has(n.node)),
            ),
          }
        : null,
    passes: found.passes,
    wallMs,
  };
}

export interface DiscoverInput {
  readonly model: LoadedModel;
  readonly program: Program;
  readonly set: ProbeSet;
  readonly task: ProbeTask;
}

/**
 * Runs each method on one model (methods with one metric and corruption share a runner), checking
 * first that the corruption changes the output.
 */
export async function discover(inp: DiscoverInput, methods: readonly DiscoveryMethod[], opts: Omit<DiscoveryOptions, 'method'> = {}): Promise<Discovery[]> {
  const graph = circuitGraph(inp.model.config, { neurons: opts.neurons });
  const batches = new Map<DiscoveryCorruption, ReturnType<typeof discoveryBatches>>();
  const out: Discovery[] = [];
  const runners = new Map<string, EdgeRunner>();
  try {
    for (const method of methods) {
      const metric = opts.metric ?? (method === 'acdc' ? 'kl' : 'loss');
      if (method === 'eap' && metric === 'kl')
        throw new UserError('--metric kl: its gradient at the clean run is zero, so EAP would score every edge 0; use --metric loss, or eap-ig');
      const corruption = opts.corruption ?? defaultCorruption(method);
      let b = batches.get(corruption);
      if (!b) batches.set(corruption, (b = discoveryBatches(inp.model, inp, corruption, opts)));
      const key = `${metric} ${corruption}`;
      let runner = runners.get(key);
      if (!runner) {
        runner = new EdgeRunner(inp.model, graph, b.clean, b.corrupt, metric);
        runners.set(key, runner);
        await checkCorruptionMatters(runner, inp.program.name, corruption);
      }
      out.push(await discoverWith(runner, { ...opts, method, corruption, inputs: b.inputs }));
    }
    return out;
  } finally {
    for (const r of runners.values()) r.dispose();
  }
}

/** A UserError when patching every edge leaves the output as it was: no method could find anything. */
async function checkCorruptionMatters(runner: EdgeRunner, program: string, corruption: DiscoveryCorruption): Promise<void> {
  const E = runner.graph.edges.length;
  const none = new Float32Array(E);
  const every = new Float32Array(E).fill(1);
  const same = Math.abs((await runner.metricOf(every)) - (await runner.metricOf(none))) < 1e-9;
  if (same && (await runner.exactMatchOf(every)) === (await runner.exactMatchOf(none)))
    throw new UserError(
      `program ${program}: the '${corruption}' corruption changes no output of the model (patching every edge leaves it as it was), ` +
        'so there is no circuit to find',
    );
}
