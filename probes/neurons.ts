/**
 * MLP neurons: activation statistics over a probe set (fraction of real-token positions where a
 * neuron fires, dead neurons, the inputs that excite it most) and how well each neuron tracks each
 * program variable — the best single-threshold accuracy at telling one value (or, for numerical
 * variables, one side of a cut) from the rest, and the mutual information between the binned
 * activation and the variable.
 */
import type { MaybeValue, Value } from '../src/rasp/values.ts';
import { valueKey } from '../src/rasp/values.ts';
import { layerHook, type HookName } from '../src/model/hooks.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { collectPositions } from './collect.ts';
import type { ProbeSet } from './probeSet.ts';
import { bestThresholdAccuracy, mutualInformation } from './stats.ts';
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
        // Keep the k largest sample indices, sorted descending.
        if (top.length < k || a > values[top[top.length - 1] * dMlp + n]) {
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
  /** The value (categorical) or cut "≥ v" (numerical) the neuron's threshold tells apart best. */
  readonly target: string;
  /** Best single-threshold accuracy for that target, and the majority-class baseline it must beat. */
  readonly accuracy: number;
  readonly baseline: number;
  /** Mutual information (bits) between the activation (binned) and the variable. */
  readonly mutualInformation: number;
}

/** For every neuron and variable: the best single-threshold fit, and the mutual information. */
export function neuronVariableFits(acts: NeuronActivations, variables: readonly ProgramVariable[], opts: { bins?: number } = {}): NeuronVariableFit[] {
  const out: NeuronVariableFit[] = [];
  const N = acts.samples.length;
  const perVar = variables.map((v) => {
    const vals: MaybeValue[] = acts.samples.map((s) => v.values[s.input][s.position]);
    const keys = vals.map(valueKey);
    const targets: { name: string; y: Uint8Array }[] = [];
    for (const value of v.seen) {
      targets.push({ name: `== ${String(value)}`, y: Uint8Array.from(vals, (x) => (valueKey(x) === valueKey(value) ? 1 : 0)) });
      if (v.encoding === 'numerical' && value !== v.seen[0])
        targets.push({ name: `>= ${String(value)}`, y: Uint8Array.from(vals, (x) => (x !== null && Number(x) >= Number(value) ? 1 : 0)) });
    }
    return { v, keys, targets };
  });
  const col = new Float32Array(N);
  for (const { layer, dMlp, values } of acts.layers) {
    for (let n = 0; n < dMlp; n++) {
      for (let s = 0; s < N; s++) col[s] = values[s * dMlp + n];
      const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => col[a] - col[b]);
      for (const { v, keys, targets } of perVar) {
        let best = { target: '-', accuracy: 0, baseline: 1, lift: -Infinity };
        for (const t of targets) {
          const { accuracy, baseline } = bestThresholdAccuracy(col, order, t.y);
          if (accuracy - baseline > best.lift) best = { target: t.name, accuracy, baseline, lift: accuracy - baseline };
        }
        out.push({
          layer,
          neuron: n,
          variable: v.name,
          target: best.target,
          accuracy: best.accuracy,
          baseline: best.baseline,
          mutualInformation: mutualInformation(col, order, keys, opts.bins ?? 8),
        });
      }
    }
  }
  return out;
}
