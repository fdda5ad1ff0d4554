/**
 * The RASP → transformer compiler, one file per pass:
 *   1. graph.ts      program → graph of s-ops and selectors, common subexpressions merged
 *   2. spaces.ts     value sets and encodings (storable.ts: refused when no model file could hold them;
 *                    copies.ts: refused where a categorical aggregate averages, as RASP does)
 *      products.ts   composite selectors read through product s-ops of their own
 *   3. planner.ts    the plan (plan.ts), from 1 and 2 alone: each s-op's forms, maps fused
 *                    (fuse.ts, linear.ts, leaves.ts), and the blocks to build, in order
 *   4. emit.ts       those blocks over named residual directions (heads.ts, blocks/), labelled
 *                    in RASP (labelText.ts)
 *      prune.ts      directions nothing reads dropped
 *   5. layout.ts     blocks into layers
 *   6. assemble.ts   weights in the model format
 *   7. stats.ts      size figures
 *      the true circuit (src/model/trueCircuit.ts) into the labels, on first read, for circuit discovery to be scored on
 * A block can be run in its own basis (applyBlock.ts).
 *
 * A compiled model computes the program at every non-BOS position; the BOS position holds 0 in
 * every s-op direction. `causal` only sets the model's attention mask: selectors that look at later
 * positions still compile, and verification shows where the model then disagrees.
 * A construct the compiler cannot build raises a RaspError naming the expression and why.
 */
import { UserError } from '../src/rasp/errors.ts';
import type { Program } from '../src/rasp/program.ts';
import type { Value } from '../src/rasp/values.ts';
import { castName, type TokenCast } from '../src/rasp/tokenCasts.ts';
import type { CircuitLabel, DirectionLabel, ModelData, ModelLabels } from '../src/model/types.ts';
import { selectsEveryQueryOnTask } from '../src/rasp/coverage.ts';
import { assemble } from './assemble.ts';
import { emit } from './emit.ts';
import { buildGraph, type Graph } from './graph.ts';
import { layout } from './layout.ts';
import { Demands } from './memo.ts';
import type { NodePlan } from './plan.ts';
import { planProgram } from './planner.ts';
import { addSelectorProducts, type SelectorProduct } from './products.ts';
import { prune } from './prune.ts';
import { inferSpaces, NONE_SELECTED, temporaryName, type Spaces } from './spaces.ts';
import { checkStorable } from './storable.ts';
import { checkCopies } from './copies.ts';
import { modelStats, type CompileStats } from './stats.ts';
import { trueCircuit } from '../src/model/trueCircuit.ts';

export type { CompileStats } from './stats.ts';
export type { NodePlan, Representation } from './plan.ts';

export interface CompileOptions {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  readonly causal?: boolean;
  /** Most leaf-value combinations one fused MLP may enumerate (default 2,000). */
  readonly fuseLimit?: number;
  /** How deep the planner's and emitter's demands nest before one is set aside (memo.ts); the model is the same at any depth. */
  readonly demandDepth?: number;
}

/** One MLP block: the s-op it writes, in which layer, with how many neurons, from how many combinations. */
export interface MlpEnumeration {
  readonly layer: number;
  readonly writes: string;
  readonly neurons: number;
  readonly combinations: number;
}

export interface CompileResult {
  readonly model: ModelData;
  readonly stats: CompileStats;
  /** Every MLP block, in layer order: what fusing cost (issue 19 asks that it be shown). */
  readonly mlps: readonly MlpEnumeration[];
  /** How each s-op is represented: free, by its head, by an MLP, or fused into a consumer's MLP. */
  readonly plan: readonly NodePlan[];
  /** The s-ops added to read composite selectors (products.ts), with what each costs in the model. */
  readonly products: readonly ProductCost[];
}

/** What one composite selector's product s-op costs: its one-hot directions and the neurons and layer of the MLP that writes it. */
export interface ProductCost extends Omit<SelectorProduct, 'node'> {
  readonly directions: number;
  readonly neurons: number;
  readonly layer: number | null;
}

/**
 * The residual labels with `idle` set on each aggregate's none-selected line that no input of the
 * task sets: where every input the program accepts (tried one by one, for tasks of at most
 * EXHAUSTIVE_INPUTS inputs) has a key selected at every query. The default stays compiled in, as the
 * program writes it; only the true circuit leaves it out, since no accepted input reads it.
 */
function markIdleDefaults(graph: Graph, program: Program, opts: CompileOptions, residual: readonly DirectionLabel[]): DirectionLabel[] {
  const idle = new Set<string>();
  for (const n of graph.nodes) {
    const ast = n.node;
    const line = temporaryName(n.name, NONE_SELECTED);
    if (ast.kind !== 'aggregate' || !residual.some((d) => d.sop === line)) continue;
    if (selectsEveryQueryOnTask(ast.selector, program.output, opts.vocab, opts.maxLen) === true) idle.add(line);
  }
  return residual.map((d) => (idle.has(d.sop) ? { ...d, idle: true } : d));
}

export function compile(program: Program, opts: CompileOptions): CompileResult {
  if (!Number.isInteger(opts.maxLen) || opts.maxLen < 1) throw new UserError(`maximum length must be a positive integer, got ${opts.maxLen}`);
  if (opts.vocab.length === 0) throw new UserError('the vocabulary is empty');
  if (opts.vocab.some((v) => v === 'BOS')) throw new UserError("the vocabulary may not contain 'BOS' (the model's start token)");
  const built = buildGraph(program);
  const cast = tokensCast(built);
  const inferred = spacesWithMeans(built, opts);
  const { graph, spaces, products } = addSelectorProducts(built, inferred);
  const plan = planProgram(graph, spaces, { fuseLimit: opts.fuseLimit, demandDepth: opts.demandDepth });
  const emitted = emit(graph, spaces, plan, new Demands(opts.demandDepth));
  const { blocks, kept } = prune(emitted.blocks, emitted.unembed);
  const layers = layout(blocks);
  const out = graph.nodes[graph.output];
  const assembled = assemble({
    program,
    outputName: out.name,
    vocab: opts.vocab,
    tokensCast: cast,
    maxLen: opts.maxLen,
    causal: opts.causal ?? false,
    basis: emitted.basis.ordered((d) => kept.has(d)),
    layers,
    unembed: emitted.unembed,
    output: emitted.outputValues !== undefined ? { encoding: 'categorical', values: emitted.outputValues } : { encoding: 'numerical' },
  });
  const residual = markIdleDefaults(graph, program, opts, assembled.labels.residual);
  const labelled = { ...assembled, labels: { ...assembled.labels, residual } };
  const model = withTrueCircuit(labelled);
  const mlps = layers.flatMap((l, layer) => l.mlps.map((m) => ({ layer, writes: m.label.writes, neurons: m.neurons.length, combinations: m.combinations })));
  const costs = products.map(({ node: _node, ...p }) => {
    const mlp = mlps.find((m) => m.writes === p.name);
    const directions = model.labels.residual.filter((d) => d.sop === p.name).length;
    return { ...p, directions, neurons: mlp?.neurons ?? 0, layer: mlp?.layer ?? null };
  });
  return { model, stats: modelStats(model), mlps, plan: plan.nodes, products: costs };
}

/**
 * The model with the true circuit in its labels, worked out when `labels.circuit` is first read
 * (a JSON dump, a model file, circuit discovery) rather than by every compile: it costs a sixth of
 * a small program's compile, and most compiles (the tests', a verify's) never read it. It is read
 * off the weights as compiled (trueCircuit.ts), which nothing writes into afterwards, so it is the
 * same whenever it is read; the property is enumerable and last, as a plain one was.
 */
function withTrueCircuit(m: ModelData): ModelData {
  const labels: ModelLabels = { ...m.labels };
  const model = { ...m, labels };
  Object.defineProperty(labels, 'circuit', {
    enumerable: true,
    configurable: true,
    get() {
      const circuit = trueCircuit(model);
      settleCircuit(labels, circuit);
      return circuit;
    },
    set(circuit: CircuitLabel | undefined) {
      settleCircuit(labels, circuit);
    },
  });
  return model;
}

/** `labels.circuit` as a plain property from now on. */
function settleCircuit(labels: ModelLabels, circuit: CircuitLabel | undefined): void {
  Object.defineProperty(labels, 'circuit', { value: circuit, enumerable: true, writable: true, configurable: true });
}

/**
 * The value sets and encodings, refused where no model file could hold them (storable.ts) or where a
 * categorical aggregate averages what no mean head can (copies.ts); the aggregates of numbers found
 * averaging are held as numerical aggregates, and the sets inferred again from them, until none is
 * left (what reads them may now be an aggregate that averages too).
 */
function spacesWithMeans(graph: Graph, opts: CompileOptions): Spaces {
  const averaged = new Set<number>();
  for (;;) {
    const spaces = inferSpaces(graph, opts, averaged);
    checkStorable(graph, spaces, opts);
    const found = checkCopies(graph, spaces, opts).averaged;
    if (found.length === 0) return spaces;
    for (const i of found) averaged.add(i);
  }
}

/** How the program reads its input (the embedding writes each token as read): one way only, as a model has one embedding. */
function tokensCast(graph: Graph): TokenCast {
  const casts = [...new Set(graph.nodes.flatMap((g) => (g.node.kind === 'tokens' ? [g.node.cast] : [])))];
  if (casts.length > 1) {
    const ways = casts.map(castName).join(', ');
    throw new UserError(`cannot compile a program that reads its input in ${casts.length} ways (${ways}): a model has one embedding; use one of them`);
  }
  return casts[0] ?? 'asis';
}
