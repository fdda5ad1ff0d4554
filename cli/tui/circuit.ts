/**
 * The discovered circuit in the terminal UI: which heads and MLPs it holds (the tree marks them
 * ◆) and which it leaves out (one key ablates all of those). Found once, before the UI starts, by
 * ACDC on the first probe inputs (probes/circuit/discover.ts).
 */
import { allComponents, componentKey, type ComponentRef } from '../../src/model/components.ts';
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
  /** The heads and MLPs outside it, in the tree's order. */
  readonly outside: readonly ComponentRef[];
}

/** How many probe inputs the UI's discovery runs on: enough for a compiled model's circuit, quick at startup. */
export const TUI_DISCOVERY_INPUTS = 64;

/** Marks from the names of the circuit's nodes (heads `1.0` and MLPs `mlp0` are named as their components are). */
export function circuitMarks(config: ModelConfig, method: string, nodes: readonly string[]): CircuitMarks {
  const parts = allComponents(config, { layers: false }).filter((c) => c.kind === 'head' || c.kind === 'mlp');
  const inside = new Set(parts.map(componentKey).filter((k) => nodes.includes(k)));
  return { method, inside, outside: parts.filter((c) => !inside.has(componentKey(c))) };
}

/** Each model's circuit, or null where no corruption changes its output. */
export async function discoverMarks(
  models: readonly LoadedModel[],
  program: Program,
  set: ProbeSet,
  task: ProbeTask,
  seed: number,
): Promise<(CircuitMarks | null)[]> {
  const { discover } = await import('../../probes/circuit/discover.ts');
  const few = takeSet(set, 0, TUI_DISCOVERY_INPUTS);
  const out: (CircuitMarks | null)[] = [];
  for (const model of models) {
    try {
      const [d] = await discover({ model, program, set: few, task }, ['acdc'], { faithfulnessPoints: 0, seed });
      out.push(circuitMarks(model.config, d.method, d.circuit.nodes));
    } catch (e) {
      if (!isUserError(e)) throw e;
      out.push(null);
    }
  }
  return out;
}
