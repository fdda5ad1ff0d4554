/**
 * Pass 3: the plan (plan.ts), from the graph and value sets alone — no direction exists yet.
 * Forms are chosen on demand from the output backwards, so nothing is planned that nobody reads:
 *
 *   planCat(n): indicators of n's values — free for tokens, indices, constants, categorical
 *     aggregates (their one-hot output) and maps of at most one categorical leaf (a relabelling);
 *     otherwise an MLP writes one-hot directions (a conversion map, when n is numerical).
 *   planNum(n): a line whose value is n's — free for numerical aggregates, constants, categorical
 *     s-ops with numeric values (Σ v·indicator) and additive maps; otherwise an MLP writes it.
 *   exprOf(n): n as a function of leaves, maps inlined (fuse.ts), for the MLPs of its consumers.
 *
 * Each block is listed (Build) once what it reads is planned, so the list is in an order the
 * layout can schedule; emit.ts builds them in that order.
 */
import { aggregateDefault, type ScalarFn } from '../src/rasp/ast.ts';
import { nodeWithDefinition } from '../src/rasp/describe.ts';
import { RaspError } from '../src/rasp/errors.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { formatValue, isNumeric, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { groupReads, selectorGroups } from './blocks/selector.ts';
import { composeMap, DEFAULT_FUSE_LIMIT, type FuseInput } from './fuse.ts';
import type { Graph } from './graph.ts';
import { catLeaf, noneSelectedLeaf, numLeaf, oneHotValues, rawAggregateLeaf, widthLeaf, type CatLeafPlan, type LeafContext } from './leaves.ts';
import { categoricalFold, numericalFold, type CategoricalFold } from './linear.ts';
import { nodePlans, type Build, type CatForm, type NumForm, type Plan } from './plan.ts';
import { sideDomain, type Spaces } from './spaces.ts';
import { Demands, memoised } from './memo.ts';
import { leafId, type Expr, type LeafPlan } from './types.ts';

export interface PlanOptions {
  readonly fuseLimit?: number;
  readonly demandDepth?: number;
}

export function planProgram(graph: Graph, spaces: Spaces, opts: PlanOptions = {}): Plan {
  return new Planner(graph, spaces, opts.fuseLimit ?? DEFAULT_FUSE_LIMIT, new Demands(opts.demandDepth)).run();
}

// Top-level functions, not closures made per call: under tsx each named closure costs a defineProperty (types.ts's leafId).

const first = (v: readonly MaybeValue[]): MaybeValue => v[0];

/** The constant function `value`. */
function constantly(value: Value): Expr['fn'] {
  return () => value;
}

/** An aggregate's value with its default filled in: leaves (what the head wrote, whether it selected nothing). */
function orDefault(d: Value): Expr['fn'] {
  return (v) => (v[1] === true ? d : v[0]);
}

/** The expression that is its one leaf. */
function identity(leaf: LeafPlan): Expr {
  return { leaves: [leaf], inlined: [], fn: first };
}

class Planner implements LeafContext {
  private readonly builds: Build[] = [];
  private readonly exprs = new Map<number, Expr>();
  private readonly cats = new Map<number, CatForm>();
  private readonly nums = new Map<number, NumForm>();
  private readonly catFolds = new Map<number, CategoricalFold | null>();
  private readonly numFreeMemo = new Map<number, NumForm | null>();
  private readonly heads = new Set<number>();
  private readonly conversions = new Map<string, CatLeafPlan>();

  constructor(
    readonly graph: Graph,
    readonly spaces: Spaces,
    private readonly fuseLimit: number,
    private readonly demands: Demands,
  ) {}

  run(): Plan {
    const out = this.graph.output;
    this.demands.run(() => (this.enc(out) === 'numerical' ? this.planNum(out) : this.planCat(out)));
    const forms = { categorical: this.cats, numerical: this.nums };
    return { nodes: nodePlans(this.graph, forms, this.builds), ...forms, builds: this.builds };
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

  requireNumeric(i: number): void {
    const bad = this.set(i).values.find((v) => !isNumeric(v));
    if (bad !== undefined)
      throw new RaspError(
        `cannot compile ${nodeWithDefinition(this.node(i))} as a numerical s-op: it can hold the non-numeric value ${formatValue(bad)}`,
        this.node(i).loc,
      );
  }

  /**
   * A categorical aggregate's or numerical aggregate's default that needs a fill neuron: a written
   * one, or RASP's implicit 0 where some query can select nothing (a numerical head already reads 0
   * there, from BOS).
   */
  private fillDefault(i: number): Value | null {
    const n = this.node(i);
    if (n.kind !== 'aggregate') return null;
    if (n.defaultValue === null && !this.set(i).selectsNothing) return null;
    const d = aggregateDefault(n);
    if (this.enc(i) === 'numerical' && isNumeric(d) && Number(d) === 0) return null;
    return d;
  }

  // ---- attention heads -------------------------------------------------------------------------

  /** The categorical forms a head's scores read, in the order its builder reads them. */
  private planScores(sel: number | null): void {
    if (sel === null) return; // length: the all-true selector reads nothing
    for (const g of selectorGroups(this.graph, sel)) {
      const reads = groupReads(g, sideDomain(this, g.keys), sideDomain(this, g.queries));
      if (reads.queries && g.queries >= 0) this.planCat(g.queries);
      if (reads.keys && g.keys >= 0) this.planCat(g.keys);
    }
  }

  aggregateHead(i: number): void {
    if (!this.heads.has(i))
      this.demands.deeper(
        () => this.aggregateHead(i),
        () => this.buildAggregateHead(i),
      );
  }

  private buildAggregateHead(i: number): void {
    const [sel, sop] = this.graph.nodes[i].inputs;
    this.planScores(sel);
    const numerical = this.enc(i) === 'numerical';
    if (numerical) {
      this.requireNumeric(sop);
      this.planNum(sop);
    } else this.planCat(sop);
    const kind = numerical ? 'numerical-aggregate' : 'categorical-aggregate';
    this.builds.push({ block: 'head', node: i, kind, noneSelected: this.fillDefault(i) !== null });
    this.heads.add(i);
  }

  widthHead(i: number): void {
    if (!this.heads.has(i))
      this.demands.deeper(
        () => this.widthHead(i),
        () => this.buildWidthHead(i),
      );
  }

  private buildWidthHead(i: number): void {
    const g = this.graph.nodes[i];
    this.planScores(g.node.kind === 'length' ? null : g.inputs[0]);
    this.builds.push({ block: 'head', node: i, kind: 'selector-width', noneSelected: false });
    this.heads.add(i);
  }

  // ---- expressions ---------------------------------------------------------------------------

  private exprOf(i: number): Expr {
    return this.demands.memoised(this.exprs, i, () => this.buildExpr(i));
  }

  private buildExpr(i: number): Expr {
    const n = this.node(i);
    switch (n.kind) {
      case 'tokens':
      case 'indices':
        return identity(catLeaf(this, i));
      case 'const':
        return { leaves: [], inlined: [], fn: constantly(n.value) };
      case 'length':
      case 'selectorWidth':
        return identity(widthLeaf(this, i));
      case 'aggregate': {
        const d = this.fillDefault(i);
        if (d === null) return identity(this.enc(i) === 'numerical' ? numLeaf(this, i) : catLeaf(this, i));
        return { leaves: [rawAggregateLeaf(this, i), noneSelectedLeaf(this, i)], inlined: [], fn: orDefault(d) };
      }
      case 'map':
        return composeMap(
          n.fn as ScalarFn,
          this.graph.nodes[i].inputs.map((j) => this.fuseInput(j)),
          this.fuseLimit,
          (e) => {
            const nums = e.leaves.filter((l) => l.kind === 'num').length;
            return nums <= 1 || (this.enc(i) === 'numerical' && numericalFold(e) !== undefined);
          },
        );
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

  // ---- free forms ----------------------------------------------------------------------------

  private catFold(i: number): CategoricalFold | undefined {
    if (!this.catFolds.has(i)) this.catFolds.set(i, categoricalFold(this.exprOf(i)) ?? null);
    return this.catFolds.get(i) ?? undefined;
  }

  private catFree(i: number): boolean {
    const n = this.node(i);
    if (n.kind === 'tokens' || n.kind === 'indices' || n.kind === 'const') return true;
    if (n.kind === 'aggregate') return this.enc(i) === 'categorical' && this.fillDefault(i) === null;
    if (n.kind === 'map') return this.catFold(i) !== undefined;
    return false;
  }

  private numFree(i: number): NumForm | undefined {
    if (this.numFreeMemo.has(i)) return this.numFreeMemo.get(i) ?? undefined;
    const n = this.node(i);
    let form: NumForm | undefined;
    if (n.kind === 'const') form = isNumeric(n.value) ? { how: 'constant', leaves: [], fold: [{ read: 'one', coef: Number(n.value) }] } : undefined;
    else if (n.kind === 'aggregate' && this.enc(i) === 'numerical' && this.fillDefault(i) === null) {
      this.aggregateHead(i);
      form = { how: 'head' };
    } else if (this.catFree(i) && this.set(i).values.every(isNumeric)) {
      // Σ v·indicator over its categorical form.
      const leaf = catLeaf(this, i);
      const fold = leaf.entries.flatMap((e, entry) => (e.value === null ? [] : [{ read: { leaf: 0, entry }, coef: Number(e.value) }]));
      form = { how: 'linear', leaves: [leaf], fold };
    } else if (n.kind === 'map') {
      const e = this.exprOf(i);
      const fold = numericalFold(e);
      form = fold && { how: 'linear', leaves: e.leaves, fold };
    }
    this.numFreeMemo.set(i, form ?? null);
    return form;
  }

  // ---- forms ---------------------------------------------------------------------------------

  catValues(i: number): readonly MaybeValue[] {
    const form = this.planCat(i);
    if (form.how === 'constant' || form.how === 'linear') return form.fold.map((g) => g.value);
    const set = this.set(i);
    return form.how === 'embedding' ? set.values : oneHotValues(set.values, set.mayBeNull);
  }

  planCat(i: number): CatForm {
    return this.demands.memoised(this.cats, i, () => this.chooseCat(i));
  }

  private chooseCat(i: number): CatForm {
    const n = this.node(i);
    if (n.kind === 'tokens' || n.kind === 'indices') return { how: 'embedding' };
    if (n.kind === 'const') return { how: 'constant', leaves: [], fold: [{ value: n.value, from: 'one' }] };
    if (n.kind === 'aggregate' && this.enc(i) === 'categorical') {
      this.aggregateHead(i);
      const d = this.fillDefault(i);
      if (d === null) return { how: 'head' };
      this.builds.push({ block: 'default', node: i, encoding: 'categorical', value: d });
      return { how: 'head-and-default' };
    }
    const fold = n.kind === 'map' ? this.catFold(i) : undefined;
    if (fold) return { how: 'linear', leaves: this.exprOf(i).leaves, fold };
    // An MLP writes one-hot directions (for a numerical s-op: a conversion map).
    this.planMlp(i, 'categorical');
    return { how: 'mlp' };
  }

  planNum(i: number): void {
    if (!this.nums.has(i))
      this.demands.deeper(
        () => this.planNum(i),
        () => this.chooseNum(i),
      );
  }

  private chooseNum(i: number): void {
    this.requireNumeric(i);
    const n = this.node(i);
    let form = this.numFree(i);
    if (!form) {
      const d = this.fillDefault(i);
      if (n.kind === 'aggregate' && this.enc(i) === 'numerical' && d !== null) {
        this.aggregateHead(i);
        this.builds.push({ block: 'default', node: i, encoding: 'numerical', value: d });
        form = { how: 'head-and-default' };
      } else {
        this.planMlp(i, 'numerical');
        form = { how: 'mlp' };
      }
    }
    this.nums.set(i, form);
  }

  // ---- MLPs ----------------------------------------------------------------------------------

  /** A categorical version of a numerical leaf (an MLP discretising it), for maps of several numerical inputs. */
  private toCategorical(leaf: Extract<LeafPlan, { kind: 'num' }>): CatLeafPlan {
    return memoised(this.conversions, leafId(leaf), () => {
      const src = leaf.source;
      // An s-op (or a width) has a categorical form of its own; a head's raw output does not.
      if (src.of === 'sop' || src.of === 'width') return catLeaf(this, src.node);
      if (src.of !== 'head') throw new Error(`no categorical form for a ${src.of} leaf`);
      const values = leaf.entries.map((e) => e.value).filter((v): v is Value => v !== null);
      const entries = oneHotValues(values, true).map((value) => ({ value }));
      const conv: CatLeafPlan = { source: { of: 'discretised', from: src }, kind: 'cat', sop: `${leaf.sop}.raw`, entries };
      this.builds.push({ block: 'discretise', node: src.node, leaf, into: conv });
      return conv;
    });
  }

  private planMlp(i: number, writes: 'categorical' | 'numerical'): void {
    const expr = this.exprOf(i);
    let leaves = [...expr.leaves];
    const numIdx = leaves.flatMap((l, j) => (l.kind === 'num' ? [j] : []));
    if (numIdx.length > 1) {
      // One numerical input is discretised in this MLP; the others are made categorical a layer earlier.
      const keep = numIdx.reduce((a, b) => (leaves[b].entries.length > leaves[a].entries.length ? b : a));
      leaves = leaves.map((l, j) => (l.kind === 'num' && j !== keep ? this.toCategorical(l) : l));
    }
    const kind = expr.leaves.some((l) => l.source.of === 'width')
      ? 'selector-width-readout'
      : leaves.some((l) => l.kind === 'num') || writes === 'numerical'
        ? 'numerical-map'
        : 'categorical-map';
    this.builds.push({ block: 'map', node: i, expr, leaves, writes, kind });
  }
}
