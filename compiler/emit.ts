/**
 * Pass 4: building the blocks the plan lists (plan.ts), in its order, over named residual
 * directions. Nothing is chosen here: each form and leaf is read out as the plan says (one-hot over
 * the s-op's directions, a relabelling, a sum of read-outs, a head's output line), heads are built
 * in heads.ts and neurons in blocks/. The basis registers each direction as a form or block first
 * names it, which orders directions of one graph node that no other rule orders.
 */
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { isNumeric, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { guardAtBos } from './blocks/bosGuard.ts';
import { defaultFillNeuron } from './blocks/defaults.ts';
import { mapNeurons } from './blocks/mapMlp.ts';
import { comboCount } from './fuse.ts';
import { discretisedNeurons, type NumLeaf } from './blocks/numericalMlp.ts';
import type { Graph } from './graph.ts';
import { buildAggregateHead, buildWidthHead, type HeadContext } from './heads.ts';
import { labelText, type LabelText } from './labelText.ts';
import { readCategorical, readNumerical } from './linear.ts';
import { combine, lin, ONE, unit, type Dir, type LinComb } from './linalg.ts';
import type { Build, Plan } from './plan.ts';
import { Basis, NONE_SELECTED, temporaryName, type Spaces } from './spaces.ts';
import { Demands } from './memo.ts';
import { leafId, type Block, type CatEntry, type Leaf, type LeafPlan, type Neuron } from './types.ts';

export interface Emitted {
  readonly basis: Basis;
  readonly blocks: readonly Block[];
  /** One read-out per output class (categorical) or a single one (numerical). */
  readonly unembed: readonly LinComb[];
  readonly outputValues?: readonly Value[];
}

export function emit(graph: Graph, spaces: Spaces, plan: Plan, demands = new Demands()): Emitted {
  return new Emitter(graph, spaces, plan, demands).run();
}

/** One-hot entries over directions, plus the undefined value's indicator (one − Σ) when it can occur. */
function oneHotEntries(values: readonly Value[], dirOf: (v: Value) => Dir, mayBeNull: boolean): CatEntry[] {
  const entries: CatEntry[] = values.map((v) => ({ value: v, ind: unit(dirOf(v)) }));
  if (mayBeNull) entries.push({ value: null, ind: combine([[unit(ONE), 1], ...entries.map((e) => [e.ind, -1] as const)]) });
  return entries;
}

/** A one-hot leaf's entries over the directions `dirOf` names (its values: some, then undefined). */
function oneHotLeaf(leaf: LeafPlan, dirOf: (v: Value) => Dir): CatEntry[] {
  const values = leaf.entries.map((e) => e.value).filter((v): v is Value => v !== null);
  return oneHotEntries(values, dirOf, true);
}

class Emitter implements HeadContext {
  private readonly basis = new Basis();
  private readonly blocks: Block[] = [];
  private readonly cats = new Map<number, CatEntry[]>();
  private readonly nums = new Map<number, LinComb>();
  private readonly leaves = new Map<string, Leaf>();
  private readonly temps = new Map<number, Dir>();
  readonly text: LabelText;

  constructor(
    readonly graph: Graph,
    readonly spaces: Spaces,
    private readonly plan: Plan,
    private readonly demands: Demands,
  ) {
    this.text = labelText(graph, plan);
  }

  run(): Emitted {
    // Each build is a root of demands: it pushes its block only once all it reads is met.
    for (const b of this.plan.builds) this.demands.run(() => this.build(b));
    const out = this.graph.output;
    if (this.enc(out) === 'numerical') return { basis: this.basis, blocks: this.blocks, unembed: [this.demands.run(() => this.numRepr(out))] };
    const entries = this.demands.run(() => this.catRepr(out));
    const values = this.set(out).values;
    const unembed = values.map((v) => entries.find((e) => e.value !== null && sameValue(e.value, v))?.ind ?? lin());
    return { basis: this.basis, blocks: this.blocks, unembed, outputValues: values };
  }

  set(i: number): ValueSet {
    return this.spaces.sets[i]!;
  }
  enc(i: number) {
    return this.spaces.encodings[i]!;
  }
  private name(i: number): string {
    return this.graph.nodes[i].name;
  }

  // ---- directions ------------------------------------------------------------------------------

  sopCatDir(i: number, v: Value, sop = this.name(i)): Dir {
    return this.basis.value(i, sop, v);
  }
  sopNumDir(i: number): Dir {
    return this.basis.line(i, this.name(i));
  }
  tempDir(i: number, what: string): Dir {
    return this.basis.temporary(i, this.name(i), what);
  }

  // ---- forms and leaves, read out as planned --------------------------------------------------

  catRepr(i: number): CatEntry[] {
    return this.demands.memoised(this.cats, i, () => {
      const form = this.plan.categorical.get(i)!;
      const set = this.set(i);
      if (form.how === 'embedding') {
        const kind = this.graph.nodes[i].node.kind as 'tokens' | 'indices';
        return set.values.map((v) => ({ value: v, ind: unit(this.basis.input(kind, i, v)) }));
      }
      if (form.how === 'constant' || form.how === 'linear') return readCategorical(form.fold, this.leavesOf(form.leaves));
      return oneHotEntries(set.values, (v) => this.sopCatDir(i, v), set.mayBeNull);
    });
  }

  numRepr(i: number): LinComb {
    return this.demands.memoised(this.nums, i, () => {
      const form = this.plan.numerical.get(i)!;
      const free = form.how === 'constant' || form.how === 'linear';
      return free ? readNumerical(form.fold, this.leavesOf(form.leaves)) : unit(this.sopNumDir(i));
    });
  }

  private leavesOf(plans: readonly LeafPlan[]): Leaf[] {
    return plans.map((l) => this.leaf(l));
  }

  private leaf(plan: LeafPlan): Leaf {
    const id = leafId(plan);
    let leaf = this.leaves.get(id);
    if (!leaf) this.leaves.set(id, (leaf = this.readLeaf(plan)));
    return leaf;
  }

  private readLeaf(plan: LeafPlan): Leaf {
    const src = plan.source;
    if (plan.kind === 'num') {
      if (src.of === 'sop') return { ...plan, x: this.numRepr(src.node) };
      if (src.of === 'head') return { ...plan, x: unit(this.sopNumDir(src.node)) };
      if (src.of === 'width') return { ...plan, x: unit(this.temps.get(src.node)!) };
      throw new Error(`no numerical read-out for a ${src.of} leaf`);
    }
    if (src.of === 'sop') return { ...plan, entries: this.catRepr(src.node) };
    if (src.of === 'head') return { ...plan, entries: oneHotLeaf(plan, (v) => this.sopCatDir(src.node, v)) };
    if (src.of === 'discretised' && src.from.of === 'head') {
      const i = src.from.node;
      return { ...plan, entries: oneHotLeaf(plan, (v) => this.sopCatDir(i, v, plan.sop)) };
    }
    if (src.of === 'noneSelected') {
      const noneDir = this.temps.get(src.node)!;
      return {
        ...plan,
        entries: [
          {
            value: false,
            ind: lin([
              [ONE, 1],
              [noneDir, -1],
            ]),
          },
          { value: true, ind: unit(noneDir) },
        ],
      };
    }
    throw new Error(`no categorical read-out for a ${src.of} leaf`);
  }

  // ---- blocks ----------------------------------------------------------------------------------

  private build(b: Build): void {
    const i = b.node;
    const n = this.graph.nodes[i].node;
    switch (b.block) {
      case 'head': {
        if (b.kind === 'selector-width') {
          const { block, tempDir } = buildWidthHead(this, i);
          this.blocks.push(block);
          this.temps.set(i, tempDir);
          return;
        }
        const { block, noneDir } = buildAggregateHead(this, i, b.noneSelected);
        this.blocks.push(block);
        if (noneDir) this.temps.set(i, noneDir);
        return;
      }
      case 'default': {
        const categorical = b.encoding === 'categorical';
        const write = categorical ? unit(this.sopCatDir(i, b.value)) : unit(this.sopNumDir(i), Number(b.value));
        const reads = [temporaryName(this.name(i), NONE_SELECTED)];
        this.blocks.push({
          type: 'mlp',
          neurons: [defaultFillNeuron(this.temps.get(i)!, write)],
          combinations: 1,
          label: { expr: this.text.describe(n), writes: this.name(i), reads, kind: categorical ? 'categorical-map' : 'numerical-map' },
        });
        return;
      }
      case 'discretise': {
        const leaf = this.leaf(b.leaf) as NumLeaf;
        const sop = b.into.sop;
        const out = (vals: readonly MaybeValue[]): LinComb | undefined => (vals[0] === null ? lin() : unit(this.sopCatDir(i, vals[0], sop)));
        this.blocks.push({
          type: 'mlp',
          neurons: this.guard(discretisedNeurons(leaf, [], out)),
          combinations: comboCount([leaf]),
          label: { expr: `categorical(${this.text.reference(n)})`, writes: sop, reads: [leaf.sop], kind: 'numerical-map' },
        });
        return;
      }
      case 'map':
        return this.buildMap(b);
    }
  }

  private buildMap(b: Extract<Build, { block: 'map' }>): void {
    const i = b.node;
    const leaves = this.leavesOf(b.leaves);
    const cat = b.writes === 'categorical';
    const out = (v: MaybeValue): LinComb => {
      const parts: [LinComb, number][] = [];
      if (cat && v !== null) parts.push([unit(this.sopCatDir(i, v)), 1]);
      if (!cat && v !== null && isNumeric(v) && Number(v) !== 0) parts.push([unit(this.sopNumDir(i)), Number(v)]);
      return combine(parts);
    };
    const at = (vals: readonly MaybeValue[]): LinComb | undefined => {
      const v = b.expr.fn(vals);
      return typeof v === 'symbol' ? undefined : out(v);
    };
    const neurons = mapNeurons(leaves, at);
    if (cat) for (const v of this.set(i).values) this.sopCatDir(i, v);
    else this.sopNumDir(i);
    this.blocks.push({
      type: 'mlp',
      neurons: this.guard(neurons),
      combinations: comboCount(leaves),
      label: { expr: this.text.describe(this.graph.nodes[i].node), writes: this.name(i), reads: [...new Set(leaves.map((l) => l.sop))], kind: b.kind },
    });
  }

  private guard(neurons: Neuron[]): Neuron[] {
    return guardAtBos(neurons, (d) => this.basis.isTemporary(d));
  }
}

function sameValue(a: MaybeValue, b: MaybeValue): boolean {
  return a === b || (a !== null && b !== null && typeof a === typeof b && String(a) === String(b));
}
