/**
 * The compiler's plan (compiler/plan.ts): how each s-op reaches the residual stream, as a reader
 * would explain the compiled model, and consistent with the blocks the model holds.
 */
import { describe, expect, it } from 'vitest';
import { emit } from '../../compiler/emit.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { compile, type NodePlan } from '../../compiler/index.ts';
import type { Build } from '../../compiler/plan.ts';
import { planProgram } from '../../compiler/planner.ts';
import { inferSpaces } from '../../compiler/spaces.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { libraryNames, libraryPath } from '../support/libraryExamples.ts';

function planOf(name: string): Map<string, NodePlan> {
  const p = loadProgram(libraryPath(name));
  const { plan } = compile(p, { vocab: p.vocab ?? [1, 2, 3], maxLen: 5 });
  return new Map(plan.map((n) => [n.name, n]));
}

describe('the plan', () => {
  it('reverse: length is a width head read out inside opp_index’s MLP; reverse is its head’s one-hot', () => {
    const plan = planOf('reverse');
    const opp = plan.get('opp_index')!;
    expect(plan.get('tokens')).toMatchObject({ categorical: 'embedding' });
    expect(plan.get('length')).toMatchObject({ head: 'selector-width', fusedInto: [opp.node] });
    expect(plan.get('length')!.categorical).toBeUndefined();
    expect(opp).toMatchObject({ categorical: 'mlp', fusedInto: [] });
    expect(plan.get('reverse')).toMatchObject({ head: 'categorical-aggregate', categorical: 'head' });
  });

  it('shift_by: a relabelling of indices costs nothing; a default is filled in after the head', () => {
    const plan = planOf('shift_by');
    expect(plan.get('prev_index')).toMatchObject({ categorical: 'linear' });
    expect(plan.get('shift_by')).toMatchObject({ head: 'categorical-aggregate', categorical: 'head-and-default' });
  });

  it('frac_prevs: an indicator is read as a number for free; the mean is its head’s output', () => {
    const plan = planOf('frac_prevs');
    expect(plan.get('is_x')).toMatchObject({ numerical: 'linear' });
    expect(plan.get('frac_prevs')).toMatchObject({ head: 'numerical-aggregate', numerical: 'head' });
  });

  for (const name of libraryNames())
    it(`${name}: every head and MLP the plan names is in the model, and nothing else`, () => {
      const p = loadProgram(libraryPath(name));
      const { model, plan } = compile(p, { vocab: p.vocab ?? [1, 2, 3], maxLen: 5 });
      const heads = plan.filter((n) => n.head).map((n) => `${n.name} ${n.head}`);
      expect(model.labels.heads.map((h) => `${h.writes} ${h.kind}`).sort()).toEqual(heads.sort());
      const mlpWriters = new Set(model.labels.mlps.map((m) => m.writes));
      for (const n of plan)
        if (n.categorical === 'mlp' || n.numerical === 'mlp' || n.categorical === 'head-and-default' || n.numerical === 'head-and-default')
          expect(mlpWriters, n.name).toContain(n.name);
    });

  for (const name of libraryNames())
    it(`${name}: the plan is made before any block, and emission builds what it lists, in its order`, () => {
      const p = loadProgram(libraryPath(name));
      const opts = { vocab: p.vocab ?? [1, 2, 3], maxLen: 5 };
      const graph = buildGraph(p);
      const spaces = inferSpaces(graph, opts);
      const plan = planProgram(graph, spaces);
      expect(compile(p, opts).plan).toEqual(plan.nodes);
      const writes = (b: Build) => (b.block === 'discretise' ? b.into.sop : graph.nodes[b.node].name);
      const listed = plan.builds.map((b) => `${b.block === 'head' ? 'attn' : 'mlp'} ${writes(b)}`);
      expect(emit(graph, spaces, plan).blocks.map((b) => `${b.type} ${b.label.writes}`)).toEqual(listed);
    });
});
