/**
 * The discovered circuit in the TUI: ACDC's circuit of compiled reverse with decoys holds the
 * three real components, the tree marks them ◆, and `o` ablates the decoys (everything outside)
 * and, pressed again, restores them.
 */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { circuitMarks, discoverMarks, type CircuitMarks } from '../../cli/tui/circuit.ts';
import { makeContext } from '../../cli/tui/context.ts';
import { keyAction, NO_KEY } from '../../cli/tui/keys.ts';
import { ModelTree } from '../../cli/tui/ModelTree.tsx';
import { initialState, reduce, type TuiContext } from '../../cli/tui/state.ts';
import { treeRows, initiallyOpen } from '../../cli/tui/tree.ts';
import { knownCircuit } from '../../probes/circuit/discover.ts';
import { circuitGraph } from '../../src/model/circuitGraph.ts';
import { formatComponent } from '../../src/model/components.ts';
import { makeProbeSet, modelTask } from '../../probes/probeSet.ts';
import { compiledLibrary, fastBackend } from '../hypotheses/support.ts';
import { withDecoys } from '../support/decoys.ts';
import { loaded } from '../support/loaded.ts';

const { program, model: base } = compiledLibrary('reverse', { maxLen: 4 });
const model = withDecoys(base);
const task = modelTask(model);
let marks: CircuitMarks;
let ctx: TuiContext;

beforeAll(async () => {
  await fastBackend();
  const set = makeProbeSet(program, { ...task, n: 40, seed: 0 });
  [marks] = (await discoverMarks([loaded(model)], program, set, task, 0)) as CircuitMarks[];
  ctx = makeContext([model], program, task, 0, [marks]);
});

describe('the discovered circuit in the TUI', () => {
  it('holds the real heads and the MLP, not the decoys', () => {
    expect(marks.method).toBe('acdc');
    expect([...marks.inside].sort()).toEqual(['0.0', '1.0', 'mlp0']);
    expect(marks.outside.map(formatComponent)).toEqual(['0.1', '1.1']);
  });

  it('o ablates everything outside it, and restores it when pressed again', () => {
    const o = keyAction('o', NO_KEY, false)!;
    expect(o).toEqual({ type: 'outside' });
    const s1 = reduce(initialState(ctx), o, ctx);
    expect(s1.sides[0].ablated.map(formatComponent)).toEqual(['0.1', '1.1']);
    expect(s1.note).toBe('ablated the 2 components outside the circuit (acdc keeps 0.0, mlp0, 1.0)');
    const s2 = reduce(s1, o, ctx);
    expect(s2.sides[0].ablated).toEqual([]);
    expect(s2.note).toBe('restored what is outside the circuit');
  });

  it('says so when no circuit was discovered, or nothing is outside it', () => {
    const none = makeContext([model], program, task, 0, [null]);
    expect(reduce(initialState(none), { type: 'outside' }, none).note).toBe('no circuit was discovered for this model');
    const all = makeContext([base], program, task, 0, [circuitMarks(base.config, 'acdc', ['embed', '0.0', 'mlp0', '1.0', 'logits'])]);
    expect(reduce(initialState(all), { type: 'outside' }, all).note).toMatch(/holds every head and MLP: nothing is outside it/);
  });

  it('marks the circuit’s components ◆ in the tree', () => {
    const rows = treeRows(model, new Set(initiallyOpen(model.config)));
    const r = render(
      createElement(ModelTree, { rows, selected: 'L0', ablated: new Set<string>(), inCircuit: marks.inside, focused: true, width: 60, height: 10 }),
    );
    const lines = stripVTControlCharacters(r.lastFrame() ?? '').split('\n');
    r.unmount();
    expect(lines.filter((l) => l.includes('◆')).map((l) => l.match(/◆ (\S+ ?\S*)/)![1].trim())).toEqual(['head 0.0', 'mlp0 ×23', 'head 1.0']);
    expect(lines.some((l) => /◆.*0\.1|◆.*1\.1/.test(l))).toBe(false);
  });

  it('marks ◆ the MLP neurons of the true circuit at the grain of neurons, under their opened MLP', () => {
    const truth = knownCircuit(model, circuitGraph(model.config, { neurons: true }))!.nodes.filter((n) => n.startsWith('mlp0.n'));
    expect(truth.length).toBeGreaterThan(0);
    expect(truth.length).toBeLessThan(model.config.layers[0].dMlp);
    expect([...marks.marked].filter((k) => k.startsWith('mlp0.n')).sort()).toEqual([...truth].sort());
    const rows = treeRows(model, new Set([...initiallyOpen(model.config), 'mlp0']));
    const r = render(
      createElement(ModelTree, { rows, selected: 'L0', ablated: new Set<string>(), inCircuit: marks.marked, focused: true, width: 60, height: 60 }),
    );
    const lines = stripVTControlCharacters(r.lastFrame() ?? '').split('\n');
    r.unmount();
    const markedNeurons = lines.map((l) => l.match(/◆ n(\d+)\b/)?.[1]).filter((n) => n !== undefined);
    expect(markedNeurons.map((n) => `mlp0.n${n}`).sort()).toEqual([...truth].sort());
  });

  it('an MLP with only some neurons in the circuit is not outside it', () => {
    const m = circuitMarks(base.config, 'truth', ['embed', '0.0', 'mlp0.n3', '1.0', 'logits']);
    expect([...m.inside]).toEqual(['0.0', '1.0']);
    expect([...m.marked]).toEqual(['0.0', 'mlp0.n3', '1.0']);
    expect(m.outside).toEqual([]);
  });
});
