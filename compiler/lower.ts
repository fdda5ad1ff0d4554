/**
 * Pass 2 (second half) and 3: choosing each s-op's representation, on demand from the output
 * backwards so nothing is built that nobody reads, and recording each choice in the plan (plan.ts).
 *
 *   catRepr(n): indicators of n's values — free for tokens, indices, constants, categorical
 *     aggregates (their one-hot output) and maps of at most one categorical leaf (a relabelling);
 *     otherwise an MLP writes one-hot directions `n:v` (a conversion map, when n is numerical).
 *   numRepr(n): a line whose value is n's — free for numerical aggregates, constants, categorical
 *     s-ops with numeric values (Σ v·indicator) and additive maps; otherwise an MLP writes `n`.
 *   exprOf(n): n as a function of leaves, maps inlined (fuse.ts), for the MLPs of its consumers.
 * The blocks themselves are built elsewhere: heads in heads.ts, the leaves MLPs read in leaves.ts,
 * neurons in blocks/. This file keeps what was chosen (memoised per node) and the order blocks
 * were built in, which the layout relies on.
 */
import type { ScalarFn } from '../src/rasp/ast.ts';
import { describe, describeReference, nodeWithDefinition } from '../src/rasp/describe.ts';
import { RaspError } from '../src/rasp/errors.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { formatValue, isNumeric, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { guardAtBos } from './blocks/bosGuard.ts';
import type { CatLeaf } from './blocks/categoricalMlp.ts';
import { defaultFillNeuron } from './blocks/defaults.ts';
import { discretisedNeurons, type NumLeaf } from './blocks/numericalMlp.ts';
import { mapNeurons } from './blocks/mapMlp.ts';
import { composeMap, DEFAULT_FUSE_LIMIT, type FuseInput } from './fuse.ts';
import type { Graph } from './graph.ts';
import { buildAggregateHead, buildWidthHead } from './heads.ts';
import { catLeaf, noneSelectedLeaf, numLeaf, oneHotEntries, rawAggregateLeaf, widthLeaf, type LeafContext } from './leaves.ts';
import { foldCategorical, foldNumerical } from './linear.ts';
import { combine, lin, ONE, unit, type Dir, type LinComb } from './linalg.ts';
import { PlanRecorder, type NodePlan, type Representation } from './plan.ts';
import { Basis, type Spaces } from './spaces.ts';
import { leafId, type Block, type CatEntry, type Expr, type Leaf, type MlpBlock, type Neuron } from './types.ts';

export interface LowerOptions {
  readonly maxLen: number;
  readonly fuseLimit?: number;
}

export interface Lowered {
  readonly basis: Basis;
  readonly blocks: readonly Block[];
  /** One read-out per output class (categorical) or a single one (numerical). */
  readonly unembed: readonly LinComb[];
  readonly outputValues?: readonly Value[];
  /** How each s-op was represented (plan.ts). */
  readonly plan: readonly NodePlan[];
}

export function lower(graph: Graph, spaces: Spaces, opts: LowerOptions): Lowered {
  return new Lowerer(graph, spaces, opts).run();
}

class Lowerer implements LeafContext {
  readonly basis = new Basis();
  readonly blocks: Block[] = [];
  private readonly plan: PlanRecorder;
  private readonly exprs = new Map<number, Expr>();
  private readonly cats = new Map<number, CatEntry[]>();
  private readonly nums = new Map<number, LinComb>();
  private readonly numFreeMemo = new Map<number, LinComb | null>();
  private readonly catFreeMemo = new Map<number, boolean>();
  private readonly heads = new Map<number, { noneDir?: Dir; tempDir?: Dir }>();
  private readonly conversions = new Map<string, CatLeaf>();
  private readonly fuseLimit: number;

  constructor(
    readonly graph: Graph,
    readonly spaces: Spaces,
    readonly opts: LowerOptions,
  ) {
    this.fuseLimit = opts.fuseLimit ?? DEFAULT_FUSE_LIMIT;
    this.plan = new PlanRecorder(graph);
  }

  run(): Lowered {
    const out = this.graph.output;
    if (this.enc(out) === 'numerical') {
      this.requireNumeric(out);
      const unembed = [this.numRepr(out)];
      return { basis: this.basis, blocks: this.blocks, unembed, plan: this.plan.plans() };
    }
    const entries = this.catRepr(out);
    const values = this.set(out).values;
    const unembed = values.map((v) => entries.find((e) => e.value !== null && sameValue(e.value, v))?.ind ?? lin());
    return { basis: this.basis, blocks: this.blocks, unembed, outputValues: values, plan: this.plan.plans() };
  }

  // ---- facts about nodes ---------------------------------------------------------------------

  node(i: number) {
    return this.graph.nodes[i].node;
  }
  name(i: number): string {
    return this.graph.nodes[i].name;
  }
  set(i: number): ValueSet {
    return this.spaces.sets[i]!;
  }
  enc(i: number) {
    return this.spaces.encodings[i]!;
  }
  private describe = (i: number): string => describe(this.node(i));
  private culprit = (i: number): string => nodeWithDefinition(this.node(i));

  requireNumeric(i: number): void {
    const bad = this.set(i).values.find((v) => !isNumeric(v));
    if (bad !== undefined)
      throw new RaspError(
        `cannot compile ${this.culprit(i)} as a numerical s-op: it can hold the non-numeric value ${formatValue(bad)}`,
        this.node(i).loc,
      );
  }

  /** A categorical aggregate's or numerical aggregate's default that needs a fill neuron. */
  fillDefault(i: number): Value | null {
    const n = this.node(i);
    if (n.kind !== 'aggregate' || n.defaultValue === null) return null;
    if (this.enc(i) === 'numerical' && isNumeric(n.defaultValue) && Number(n.defaultValue) === 0) return null;
    return n.defaultValue;
  }

  // ---- directions ------------------------------------------------------------------------------

  private baseEntries(i: number): CatEntry[] {
    const kind = this.node(i).kind as 'tokens' | 'indices';
    return this.set(i).values.map((v) => ({ value: v, ind: unit(this.basis.input(kind, i, v)) }));
  }

  sopCatDir(i: number, v: Value, sop = this.name(i)): Dir {
    return this.basis.value(i, sop, v);
  }
  sopNumDir(i: number): Dir {
    return this.basis.line(i, this.name(i));
  }
  tempDir(i: number, what: string): Dir {
    return this.basis.temporary(i, this.name(i), what);
  }

  // ---- attention heads -------------------------------------------------------------------------

  aggregateHead(i: number): { noneDir?: Dir } {
    const hit = this.heads.get(i);
    if (hit) return hit;
    const { block, noneDir } = buildAggregateHead(this, i);
    this.blocks.push(block);
    this.heads.set(i, { noneDir });
    this.plan.head(i, block.label.kind);
    return { noneDir };
  }

  widthHead(i: number): Dir {
    const hit = this.heads.get(i);
    if (hit?.tempDir) return hit.tempDir;
    const { block, tempDir } = buildWidthHead(this, i);
    this.blocks.push(block);
    this.heads.set(i, { tempDir });
    this.plan.head(i, 'selector-width');
    return tempDir;
  }

  // ---- expressions --------------------------------------------------------------------

  exprOf(i: number): Expr {
    const hit = this.exprs.get(i);
    if (hit) return hit;
    const e = this.buildExpr(i);
    this.exprs.set(i, e);
    return e;
  }

  private buildExpr(i: number): Expr {
    const n = this.node(i);
    const identity = (leaf: Leaf): Expr => ({ leaves: [leaf], inlined: [], fn: (v) => v[0] });
    switch (n.kind) {
      case 'tokens':
      case 'indices':
        return identity(catLeaf(this, i));
      case 'const':
        return { leaves: [], inlined: [], fn: () => n.value };
      case 'length':
      case 'selectorWidth':
        return identity(widthLeaf(this, i));
      case 'aggregate': {
        const d = this.fillDefault(i);
        if (d === null) return identity(this.enc(i) === 'numerical' ? numLeaf(this, i) : catLeaf(this, i));
        return { leaves: [rawAggregateLeaf(this, i), noneSelectedLeaf(this, i)], inlined: [], fn: (v) => (v[1] === true ? d : v[0]) };
      }
      case 'map':
        return composeMap(n.fn as ScalarFn, this.graph.nodes[i].inputs.map((j) => this.fuseInput(j)), this.fuseLimit, (e) => {
          const nums = e.leaves.filter((l) => l.kind === 'num').length;
          return nums <= 1 || (this.enc(i) === 'numerical' && foldNumerical(e) !== undefined);
        });
      default:
        throw new Error(`not an s-op: ${n.kind}`);
    }
  }

  private fuseInput(j: number): FuseInput {
    const n = this.node(j);
    if (n.kind === 'const') return { kind: 'const', value: n.value };
    if (this.catFree(j)) return { kind: 'leaf', leaf: catLeaf(this, j) };
    if (this.enc(j) === 'numerical' && this.numFree(j)) return { kind: 'leaf', leaf: numLeaf(this, j) };
    const asNum = this.enc(j) === 'numerical';
    return {
      kind: 'expr',
      node: j,
      expr: this.exprOf(j),
      materialize: () => (asNum ? numLeaf(this, j) : catLeaf(this, j)),
      materializesAs: asNum ? 'num' : 'cat',
    };
  }

  // ---- free representations ------------------------------------------------------------------

  private catFree(i: number): boolean {
    const hit = this.catFreeMemo.get(i);
    if (hit !== undefined) return hit;
    const n = this.node(i);
    let free: boolean;
    if (n.kind === 'tokens' || n.kind === 'indices' || n.kind === 'const') free = true;
    else if (n.kind === 'aggregate') free = this.enc(i) === 'categorical' && this.fillDefault(i) === null;
    else if (n.kind === 'map') free = foldCategorical(this.exprOf(i)) !== undefined;
    else free = false;
    this.catFreeMemo.set(i, free);
    return free;
  }

  private numFree(i: number): LinComb | undefined {
    if (this.numFreeMemo.has(i)) return this.numFreeMemo.get(i) ?? undefined;
    const n = this.node(i);
    let x: LinComb | undefined;
    if (n.kind === 'const') x = isNumeric(n.value) ? unit(ONE, Number(n.value)) : undefined;
    else if (n.kind === 'aggregate' && this.enc(i) === 'numerical' && this.fillDefault(i) === null) {
      this.aggregateHead(i);
      x = unit(this.sopNumDir(i));
    } else if (this.catFree(i) && this.set(i).values.every(isNumeric))
      x = combine(this.catRepr(i).filter((e) => e.value !== null).map((e) => [e.ind, Number(e.value)] as const));
    else if (n.kind === 'map') x = foldNumerical(this.exprOf(i));
    this.numFreeMemo.set(i, x ?? null);
    return x;
  }

  // ---- representations -----------------------------------------------------------------------

  catRepr(i: number): CatEntry[] {
    const hit = this.cats.get(i);
    if (hit) return hit;
    const { entries, how } = this.buildCatRepr(i);
    this.cats.set(i, entries);
    this.plan.representation(i, 'categorical', how);
    return entries;
  }

  private buildCatRepr(i: number): { entries: CatEntry[]; how: Representation } {
    const n = this.node(i);
    const set = this.set(i);
    if (n.kind === 'tokens' || n.kind === 'indices') return { entries: this.baseEntries(i), how: 'embedding' };
    if (n.kind === 'const') return { entries: [{ value: n.value, ind: unit(ONE) }], how: 'constant' };
    if (n.kind === 'aggregate' && this.enc(i) === 'categorical') {
      this.aggregateHead(i);
      const d = this.fillDefault(i);
      const entries = oneHotEntries(set.values, (v) => this.sopCatDir(i, v), set.mayBeNull);
      if (d === null) return { entries, how: 'head' };
      this.pushFill(i, unit(this.sopCatDir(i, d)), 'categorical-map');
      return { entries, how: 'head-and-default' };
    }
    if (n.kind === 'map' && this.catFree(i)) return { entries: foldCategorical(this.exprOf(i))!, how: 'linear' };
    // An MLP writes one-hot directions (for a numerical s-op: a conversion map).
    this.pushMlp(i, { cat: true, num: false });
    return { entries: oneHotEntries(set.values, (v) => this.sopCatDir(i, v), set.mayBeNull), how: 'mlp' };
  }

  numRepr(i: number): LinComb {
    const hit = this.nums.get(i);
    if (hit) return hit;
    this.requireNumeric(i);
    const n = this.node(i);
    let x = this.numFree(i);
    let how: Representation;
    if (x) how = n.kind === 'const' ? 'constant' : n.kind === 'aggregate' && this.enc(i) === 'numerical' ? 'head' : 'linear';
    else {
      const d = this.fillDefault(i);
      if (n.kind === 'aggregate' && this.enc(i) === 'numerical' && d !== null) {
        this.aggregateHead(i);
        x = unit(this.sopNumDir(i));
        this.pushFill(i, unit(this.sopNumDir(i), Number(d)), 'numerical-map');
        how = 'head-and-default';
      } else {
        this.pushMlp(i, { cat: false, num: true });
        x = unit(this.sopNumDir(i));
        how = 'mlp';
      }
    }
    this.nums.set(i, x);
    this.plan.representation(i, 'numerical', how);
    return x;
  }

  // ---- MLP blocks ----------------------------------------------------------------------------

  private pushFill(i: number, write: LinComb, kind: MlpBlock['label']['kind']): void {
    const noneDir = this.aggregateHead(i).noneDir!;
    this.blocks.push({
      type: 'mlp',
      neurons: [defaultFillNeuron(noneDir, write)],
      label: { expr: this.describe(i), writes: this.name(i), reads: [`${this.name(i)}:none_selected`], kind },
    });
  }

  /** A categorical version of a numerical leaf (an MLP discretising it), for maps of several numerical inputs. */
  private toCategorical(leaf: NumLeaf): CatLeaf {
    const id = leafId(leaf);
    const hit = this.conversions.get(id);
    if (hit) return hit;
    const src = leaf.source;
    let conv: CatLeaf;
    // An s-op (or a width) has a categorical representation of its own; a head's raw output does not.
    if (src.of === 'sop' || src.of === 'width') conv = catLeaf(this, src.node);
    else {
      if (src.of !== 'head') throw new Error(`no categorical form for a ${src.of} leaf`);
      const i = src.node;
      const sop = `${leaf.sop}.raw`;
      const values = leaf.entries.map((e) => e.value).filter((v): v is Value => v !== null);
      const out = (vals: readonly MaybeValue[]): LinComb | undefined => (vals[0] === null ? lin() : unit(this.sopCatDir(i, vals[0], sop)));
      this.blocks.push({
        type: 'mlp',
        neurons: this.guard(discretisedNeurons(leaf, [], out)),
        label: { expr: `categorical(${describeReference(this.node(i))})`, writes: sop, reads: [leaf.sop], kind: 'numerical-map' },
      });
      conv = { source: { of: 'discretised', from: src }, kind: 'cat', sop, entries: oneHotEntries(values, (v) => this.sopCatDir(i, v, sop), true) };
    }
    this.conversions.set(id, conv);
    return conv;
  }

  private pushMlp(i: number, want: { cat: boolean; num: boolean }): void {
    const expr = this.exprOf(i);
    for (const k of expr.inlined) this.plan.fused(k, i);
    let leaves = [...expr.leaves];
    const numIdx = leaves.flatMap((l, j) => (l.kind === 'num' ? [j] : []));
    if (numIdx.length > 1) {
      // One numerical input is discretised in this MLP; the others are made categorical a layer earlier.
      const keep = numIdx.reduce((a, b) => (leaves[b].entries.length > leaves[a].entries.length ? b : a));
      leaves = leaves.map((l, j) => (l.kind === 'num' && j !== keep ? this.toCategorical(l) : l));
    }
    const out = (v: MaybeValue): LinComb => {
      const parts: [LinComb, number][] = [];
      if (want.cat && v !== null) parts.push([unit(this.sopCatDir(i, v)), 1]);
      if (want.num && v !== null && isNumeric(v) && Number(v) !== 0) parts.push([unit(this.sopNumDir(i)), Number(v)]);
      return combine(parts);
    };
    const at = (vals: readonly MaybeValue[]): LinComb | undefined => {
      const v = expr.fn(vals);
      return typeof v === 'symbol' ? undefined : out(v);
    };
    const neurons = mapNeurons(leaves, at);
    if (want.cat) for (const v of this.set(i).values) this.sopCatDir(i, v);
    if (want.num) this.sopNumDir(i);
    const kind = expr.leaves.some((l) => l.source.of === 'width')
      ? 'selector-width-readout'
      : leaves.some((l) => l.kind === 'num') || want.num
        ? 'numerical-map'
        : 'categorical-map';
    this.blocks.push({
      type: 'mlp',
      neurons: this.guard(neurons),
      label: { expr: this.describe(i), writes: this.name(i), reads: [...new Set(leaves.map((l) => l.sop))], kind },
    });
  }

  private guard(neurons: Neuron[]): Neuron[] {
    return guardAtBos(neurons, (d) => this.basis.isTemporary(d));
  }
}

function sameValue(a: MaybeValue, b: MaybeValue): boolean {
  return a === b || (a !== null && b !== null && typeof a === typeof b && String(a) === String(b));
}
