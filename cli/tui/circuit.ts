/**
 * The discovered circuit in the terminal UI: which heads and MLPs it holds (the tree marks them
 * ◆) and which it leaves out (one key ablates all of those). Found once, before the UI starts, by
 * ACDC on the first probe inputs (probes/circuit/discover.ts). ACDC works on whole heads and MLPs; a
 * compiled model's MLP neurons in its true circuit at the grain of neurons (what `discover --neurons`
 * scores against) are marked ◆ too, under their MLP.
 */
import { allComponents, componentKey, sameComponent, type ComponentRef } from '../../src/model/components.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelConfig } from '../../src/model/types.ts';
import { takeSet, type ProbeSet, type ProbeTask } from '../../probes/probeSet.ts';

export interface CircuitMarks {
  /** The method that found it. */
  readonly method: string;
  /** Component keys of the heads and MLPs in the circuit. */
  readonly inside: ReadonlySet<string>;
  /** What the tree marks ◆: those and the MLP neurons (`mlp0.n3`) in the circuit. */
  readonly marked: ReadonlySet<string>;
  /** The heads and MLPs outside it, in the tree's order. */
  readonly outside: readonly ComponentRef[];
}

/** How many probe inputs the UI's discovery runs on: enough for a compiled model's circuit, quick at startup. */
export const TUI_DISCOVERY_INPUTS = 64;

/**
 * Marks from the names of the circuit's nodes (heads `1.0`, MLPs `mlp0` and neurons `mlp0.n3` are named
 * as their components are). What is outside is the heads and MLPs of none of it: an MLP with a neuron inside is not.
 */
export function circuitMarks(config: ModelConfig, method: string, nodes: readonly string[]): CircuitMarks {
  const names = new Set(nodes);
  const parts = allComponents(config, { layers: false, neurons: true }).filter((c) => c.kind === 'head' || c.kind === 'mlp' || c.kind === 'neuron');
  const marked = parts.filter((c) => names.has(componentKey(c)));
  const inside = new Set(marked.filter((c) => c.kind !== 'neuron').map(componentKey));
  const holds = (c: ComponentRef) => marked.some((m) => sameComponent(m, c) || (m.kind === 'neuron' && c.kind === 'mlp' && m.layer === c.layer));
  return { method, inside, marked: new Set(marked.map(componentKey)), outside: parts.filter((c) => c.kind !== 'neuron' && !holds(c)) };
}

/** Each model's circuit, or null where no corruption changes its output. */
export async function discoverMarks(
  models: readonly LoadedModel[],
  program: Program,
  set: ProbeSet,
  task: ProbeTask,
  seed: number,
): Promise<(CircuitMarks | null)[]> {
  const { discover, knownCircuit } = await import('../../probes/circuit/discover.ts');
  const { circuitGraph, nodeName } = await import('../../src/model/circuitGraph.ts');
  const few = takeSet(set, 0, TUI_DISCOVERY_INPUTS);
  const out: (CircuitMarks | null)[] = [];
  for (const model of models) {
    try {
      const [d] = await discover({ model, program, set: few, task }, ['acdc'], { faithfulnessPoints: 0, seed });
      const g = circuitGraph(model.config, { neurons: true });
      const neuronNames = new Set(g.nodes.filter((n) => n.kind === 'neuron').map(nodeName));
      const neurons = knownCircuit(model.data, g)?.nodes.filter((n) => neuronNames.has(n)) ?? [];
      out.push(circuitMarks(model.config, d.method, [...d.circuit.nodes, ...neurons]));
    } catch (e) {
      if (!isUserError(e)) throw e;
      out.push(null);
    }
  }
  return out;
}
