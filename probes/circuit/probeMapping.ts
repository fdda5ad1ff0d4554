/**
 * Compiled nodes mapped onto learned ones by what they compute rather than by how they attend:
 * each compiled head and MLP writes one program variable (its labels' `writes`); a linear probe of
 * that variable is fitted from each learned node's own output (a head's attn.hook_result, an MLP's
 * hook_mlp_out) at every real position, held out as `probe` does (probes/linearProbe.ts), and the
 * compiled node maps onto the learned node of its kind (a head onto a head, an MLP onto an MLP)
 * whose output decodes the variable best, when that probe reaches `minAccuracy` on held-out
 * inputs. The embeddings and the logits map onto themselves.
 */
import { circuitGraph, nodeName, type CircuitNode } from '../../src/model/circuitGraph.ts';
import { layerHook, type HookName } from '../../src/model/hooks.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { Program } from '../../src/rasp/program.ts';
import { collectPositions } from '../collect.ts';
import { probeReads, type SampleActivations } from '../linearProbe.ts';
import type { ProbeSet } from '../probeSet.ts';
import type { NodeMapping } from './against.ts';

/** The held-out accuracy a learned node's probe must reach for the compiled node to map onto it. */
export const PROBE_MAPPING_ACCURACY = 0.9;

export interface ProbeMappingOptions {
  readonly seed?: number;
  readonly minAccuracy?: number;
  readonly batchSize?: number;
}

/** What a compiled node writes, from its labels (an MLP may implement several maps): none for the embeddings and the logits. */
function writes(m: ModelData, n: CircuitNode): string[] {
  if (n.kind === 'head') return m.labels.heads.filter((h) => h.layer === n.layer && h.head === n.head).map((h) => h.writes);
  if (n.kind === 'mlp') return [...new Set(m.labels.mlps.filter((x) => x.layer === n.layer).map((x) => x.writes))];
  return [];
}

/** Columns [from, from + width) of every sample. */
function columns(a: SampleActivations, from: number, width: number): SampleActivations {
  const n = a.values.length / a.width;
  const values = new Float32Array(n * width);
  for (let s = 0; s < n; s++) values.set(a.values.subarray(s * a.width + from, s * a.width + from + width), s * width);
  return { width, values };
}

export async function probeMapping(
  compiled: ModelData,
  learned: LoadedModel,
  program: Program,
  set: ProbeSet,
  opts: ProbeMappingOptions = {},
): Promise<NodeMapping[]> {
  const cg = circuitGraph(compiled.config);
  const lg = circuitGraph(learned.config);
  const wanted = new Map(cg.nodes.map((n) => [nodeName(n), writes(compiled, n)]));
  const variables = [...new Set([...wanted.values()].flat())];
  // Every learned head's and MLP's output, one read each.
  const candidates = lg.senders.filter((n) => n.kind === 'head' || n.kind === 'mlp');
  const hooks: HookName[] = [];
  learned.config.layers.forEach((L, l) => {
    if (L.nHeads > 0) hooks.push(layerHook(l, 'attn.hook_result'));
    if (L.dMlp > 0) hooks.push(layerHook(l, 'hook_mlp_out'));
  });
  const { samples, acts } = await collectPositions(learned, set, hooks, opts);
  const D = learned.config.dModel;
  const reads = candidates.map((n) =>
    n.kind === 'head' ? columns(acts.get(layerHook(n.layer, 'attn.hook_result'))!, n.head * D, D) : acts.get(layerHook(n.layer, 'hook_mlp_out'))!,
  );
  const fitted = variables.length ? probeReads(program, set, samples, reads, { seed: opts.seed, variables }).variables : [];
  const accuracy = new Map(fitted.map((f) => [f.variable.name, f.fits.map((x) => x.test)]));
  const min = opts.minAccuracy ?? PROBE_MAPPING_ACCURACY;
  return cg.nodes.map((n): NodeMapping => {
    const name = nodeName(n);
    if (n.kind !== 'head' && n.kind !== 'mlp') return { compiled: name, learned: name, by: 'itself' };
    const vs = (wanted.get(name) ?? []).filter((v) => accuracy.has(v));
    if (vs.length === 0) return { compiled: name, learned: null, by: 'probes' };
    // The learned node of the same kind whose output decodes the compiled node's variables best (their mean accuracy).
    const scores = candidates.map((c, i) => (c.kind === n.kind ? vs.reduce((s, v) => s + accuracy.get(v)![i], 0) / vs.length : -1));
    const bestAcc = Math.max(-1, ...scores);
    const best = scores.indexOf(bestAcc);
    const variable = vs.join(', ');
    if (bestAcc < 0) return { compiled: name, learned: null, by: 'probes', variable };
    const closest = nodeName(candidates[best]);
    // Others that decode it as well (the first in the graph's order is taken).
    const tied = candidates.filter((_, i) => i !== best && scores[i] === bestAcc).map(nodeName);
    return bestAcc >= min
      ? { compiled: name, learned: closest, by: 'probes', variable, accuracy: bestAcc, ...(tied.length ? { tied } : {}) }
      : { compiled: name, learned: null, by: 'probes', variable, accuracy: bestAcc, closest };
  });
}
