/**
 * MLP neurons: activation statistics over a probe set (fraction of real-token positions where a
 * neuron fires, dead neurons, the inputs that excite it most) and how well each neuron tracks each
 * program variable — of the value sets it may fire for (neuronTargets.ts: one value, a threshold,
 * a set), the one a single cut on its activation tells apart best, and the mutual information
 * between the binned activation and the variable.
 */
import type { MaybeValue, Value } from '../src/rasp/values.ts';
import { valueKey } from '../src/rasp/values.ts';
import { layerHook, type HookName } from '../src/model/hooks.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { collectPositions } from './collect.ts';
import type { ProbeSet } from './probeSet.ts';
import { fixedTargets, rankedTargets } from './neuronTargets.ts';
import { bestCut, mutualInformation, type Cut } from './stats.ts';
import type { ProgramVariable } from './variables.ts';

export interface TopActivation {
  readonly input: Value[];
  /** Input position (BOS excluded). */
  readonly position: number;
  readonly activation: number;
}

export interface NeuronStats {
  readonly layer: number;
  readonly neuron: number;
  /** Fraction of real-token positions where the activation exceeds the threshold. */
  readonly fractionActive: number;
  readonly mean: number;
  readonly max: number;
  readonly dead: boolean;
  readonly top: TopActivation[];
}

export interface LayerNeuronSummary {
  readonly layer: number;
  readonly dMlp: number;
  readonly dead: number;
  readonly meanFractionActive: number;
}

export interface NeuronReport {
  readonly layers: LayerNeuronSummary[];
  readonly neurons: NeuronStats[];
}

/** Each MLP layer's hook_post over real-token positions: [layer] → {values [sample][neuron], where}. */
export interface NeuronActivations {
  readonly layers: { readonly layer: number; readonly dMlp: number; readonly values: Float32Array }[];
  /** For every sample: which input and which input position. */
  readonly samples: { readonly input: number; readonly position: number }[];
}

export async function neuronActivations(model: LoadedModel, set: ProbeSet, opts: { batchSize?: number } = {}): Promise<NeuronActivations> {
  const layers = model.config.layers.flatMap((L, layer) => (L.dMlp > 0 ? [{ layer, dMlp: L.dMlp }] : []));
  const hook = (l: number): HookName => layerHook(l, 'mlp.hook_post');
  const { samples, acts } = await collectPositions(
    model,
    set,
    layers.map((l) => hook(l.layer)),
    opts,
  );
  return { layers: layers.map((l) => ({ ...l, values: acts.get(hook(l.layer))!.values })), samples };
}

export async function neuronStats(
  model: LoadedModel,
  set: ProbeSet,
  opts: { batchSize?: number; threshold?: number; topK?: number; acts?: NeuronActivations } = {},
): Promise<NeuronReport> {
  const acts = opts.acts ?? (await neuronActivations(model, set, opts));
  const thr = opts.threshold ?? 1e-6;
  const k = opts.topK ?? 5;
  const N = acts.samples.length;
  const neurons: NeuronStats[] = [];
  const layers: LayerNeuronSummary[] = [];
  for (const { layer, dMlp, values } of acts.layers) {
    let dead = 0;
    let fracSum = 0;
    for (let n = 0; n < dMlp; n++) {
      let active = 0;
      let sum = 0;
      let max = -Infinity;
      const top: number[] = [];
      for (let s = 0; s < N; s++) {
        const a = values[s * dMlp + n];
        if (a > thr) active++;
        sum += a;
        if (a > max) max = a;
        // Keep the k largest sample indices, sorted descending; a sample where the neuron is silent excites it not at all.
        if (a > thr && (top.length < k || a > values[top[top.length - 1] * dMlp + n])) {
          top.push(s);
          top.sort((x, y) => values[y * dMlp + n] - values[x * dMlp + n]);
          if (top.length > k) top.pop();
        }
      }
      const fractionActive = N ? active / N : 0;
      if (active === 0) dead++;
      fracSum += fractionActive;
      neurons.push({
        layer,
        neuron: n,
        fractionActive,
        mean: N ? sum / N : 0,
        max: N ? max : 0,
        dead: active === 0,
        top: top.map((s) => ({ input: set.inputs[acts.samples[s].input], position: acts.samples[s].position, activation: values[s * dMlp + n] })),
      });
    }
    layers.push({ layer, dMlp, dead, meanFractionActive: dMlp ? fracSum / dMlp : 0 });
  }
  return { layers, neurons };
}

export interface NeuronVariableFit {
  readonly layer: number;
  readonly neuron: number;
  readonly variable: string;
  /** The values the neuron fires for, e.g. `== 1`, `<= 2`, `in {a, c}`; `-` when no cut tells any apart. */
  readonly target: string;
  /** Balanced accuracy (mean of the hit rates on both sides) of the best cut for that target: what picks it. */
  readonly balancedAccuracy: number;
  /** Plain accuracy of that cut, and the majority-class baseline. */
  readonly accuracy: number;
  readonly baseline: number;
  /** Mutual information (bits) between the activation (binned) and the variable. */
  readonly mutualInformation: number;
}

/** What a neuron that no cut explains gets (a dead or constant one): no target, and no accuracy to show. */
const NOTHING: Cut & { target: string } = { target: '-', balancedAccuracy: 0.5, accuracy: 0, baseline: 0, cut: Infinity };

/** For every neuron and variable: the target a single cut on the activation tells apart best, and the mutual information. */
export function neuronVariableFits(acts: NeuronActivations, variables: readonly ProgramVariable[], opts: { bins?: number } = {}): NeuronVariableFit[] {
  const out: NeuronVariableFit[] = [];
  const N = acts.samples.length;
  const perVar = variables.map((v) => {
    const vals: MaybeValue[] = acts.samples.map((s) => v.values[s.input][s.position]);
    return { targets: fixedTargets(v, vals), keys: vals.map(valueKey) };
  });
  const col = new Float32Array(N);
  for (const { layer, dMlp, values } of acts.layers) {
    for (let n = 0; n < dMlp; n++) {
      for (let s = 0; s < N; s++) col[s] = values[s * dMlp + n];
      const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => col[a] - col[b]);
      for (const { targets, keys } of perVar) {
        let best: Cut & { target: string } = NOTHING;
        for (const t of [...targets.fixed, ...rankedTargets(targets, col)]) {
          const c = bestCut(col, order, t.y);
          // Ties go to the lower cut (where the neuron starts to fire), then to the simpler name (fixed targets first).
          const better = c.balancedAccuracy > best.balancedAccuracy + 1e-12;
          const asGoodLower = c.balancedAccuracy > 0.5 + 1e-12 && c.balancedAccuracy > best.balancedAccuracy - 1e-12 && c.cut < best.cut;
          if (better || asGoodLower) best = { ...c, target: t.name };
        }
        out.push({
          layer,
          neuron: n,
          variable: targets.variable.name,
          target: best.target,
          balancedAccuracy: best.balancedAccuracy,
          accuracy: best.accuracy,
          baseline: best.baseline,
          mutualInformation: mutualInformation(col, order, keys, opts.bins ?? 8),
        });
      }
    }
  }
  return out;
}
