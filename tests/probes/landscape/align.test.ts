import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignTo, permuteAxis, permuteModel, residualAxis, type Permutation } from '../../../probes/landscape/align.ts';
import { connectModels, type NamedSet } from '../../../probes/landscape/connect.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { makeRng } from '../../../src/rasp/random.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import { expectedShapes } from '../../../src/model/shapes.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { reverse } from '../../compiler/programs.ts';
import { cli } from '../../cli/harness.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SEED0 = 'fixtures/models/reverse.learned.safetensors';
const SEED1 = 'fixtures/models/reverse.learned.seed1.safetensors';
const COMPILED = 'fixtures/models/reverse.compiled.safetensors';
const a = loadModel(SEED0);
const task = modelTask(a);
const set = makeProbeSet(reverse(), { ...task, n: 48, seed: 0 });
const sets: NamedSet[] = [{ name: 'trained', ...task, set }];

function shuffled(n: number, seed: number): number[] {
  const rng = makeRng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** A random permutation of every residual direction, head and neuron of `m`. */
function randomPermutation(m: ModelData, seed: number): Permutation {
  return {
    residual: shuffled(m.config.dModel, seed),
    layers: m.config.layers.map((L, layer) => ({ layer, heads: shuffled(L.nHeads, seed + 1 + layer), neurons: shuffled(L.dMlp, seed + 11 + layer) })),
  };
}

async function sameFunction(x: ModelData, y: ModelData): Promise<void> {
  const inputs = set.inputs.slice(0, 40);
  expect(loaded(y).outputs(inputs)).toEqual(loaded(x).outputs(inputs));
  const [lx, ly] = [await loaded(x).logits(inputs), await loaded(y).logits(inputs)];
  let worst = 0;
  for (let i = 0; i < lx.length; i++) worst = Math.max(worst, Math.abs(lx[i] - ly[i]) / (1 + Math.abs(lx[i])));
  expect(worst).toBeLessThan(1e-5);
}

describe('permuting a model', () => {
  it('names the residual axis of every weight a model has', () => {
    const compiled = loadModel(COMPILED);
    for (const m of [a, compiled, { config: { ...a.config, normalization: 'LN' as const } }])
      for (const [name, shape] of expectedShapes(m.config)) {
        const axis = residualAxis(name);
        if (axis !== null) expect(shape[axis], name).toBe(m.config.dModel);
        else expect(name).toMatch(/\.b_[QKV]$|\.b_in$|^unembed\.b_U$/);
      }
  });

  it('moves entries along one axis', () => {
    const w = { shape: [2, 3, 2], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) };
    expect([...permuteAxis(w, 1, [2, 0, 1]).data]).toEqual([4, 5, 0, 1, 2, 3, 10, 11, 6, 7, 8, 9]);
  });

  it('computes the same function, for a learned and a compiled model, and its labels follow', async () => {
    const compiled = loadModel(COMPILED);
    for (const m of [a, compiled]) {
      const perm = randomPermutation(m, 3);
      const p = permuteModel(m, perm);
      expect(p.weights.get('embed.W_E')!.data).not.toEqual(m.weights.get('embed.W_E')!.data);
      await sameFunction(m, p);
    }
    const perm = randomPermutation(compiled, 3);
    const p = permuteModel(compiled, perm);
    const d = compiled.labels.residual[5];
    const moved = p.labels.residual.find((x) => x.sop === d.sop && x.value === d.value)!;
    expect(perm.residual[moved.index]).toBe(d.index);
  });
});

describe('aligning B to A', () => {
  it('undoes a permutation exactly: B aligned is A, the path flat, the barrier 0 where the unaligned one is high', async () => {
    const b = permuteModel(a, randomPermutation(a, 5));
    const { model, alignment } = alignTo(a, b);
    expect(model.weights).toEqual(a.weights);
    expect(alignment.distance.after).toBe(0);
    expect(alignment.distance.before).toBeGreaterThan(1);
    const aligned = await connectModels(a, b, sets, { points: 3 });
    const plain = await connectModels(a, b, sets, { points: 3, align: false });
    expect(aligned.sets[0].barrier.loss).toBeCloseTo(0, 5);
    expect(plain.sets[0].barrier.loss).toBeGreaterThan(0.5);
  });

  it('keeps B’s function', async () => {
    const b = loadModel(SEED1);
    const { model, alignment } = alignTo(a, b);
    expect(alignment.moved.heads + alignment.moved.neurons + alignment.moved.residual).toBeGreaterThan(0);
    expect(alignment.distance.after).toBeLessThan(alignment.distance.before);
    await sameFunction(b, model);
  });

  it('never has a higher barrier than the unaligned path on the test models', async () => {
    const pairs: [ModelData, ModelData][] = [
      [a, loadModel(SEED1)],
      [a, permuteModel(a, randomPermutation(a, 9))],
    ];
    for (const [x, y] of pairs) {
      const aligned = await connectModels(x, y, sets, { points: 5 });
      const plain = await connectModels(x, y, sets, { points: 5, align: false });
      expect(aligned.sets[0].barrier.loss).toBeLessThanOrEqual(plain.sets[0].barrier.loss);
    }
  });

  it('rasplab connect reports the permutation; --no-align reports none', async () => {
    const r = await cli('connect', SEED0, SEED1, '--points', '2', '--samples', '20');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^alignment: B permuted to match A \(\d+ residual directions, \d+ heads and \d+ neurons moved; distance [\d.]+ → [\d.]+\)/m);
    expect(r.out).toMatch(/^ {2}layer 0: heads \[[01] [01]\], neurons \d+\/64 moved/m);
    const j = JSON.parse((await cli('connect', SEED0, SEED1, '--points', '2', '--samples', '20', '--json')).out);
    expect(j.alignment.residual).toHaveLength(32);
    expect(j.alignment.layers[1].neurons).toHaveLength(64);
    const plain = await cli('connect', SEED0, SEED1, '--points', '2', '--samples', '20', '--no-align', '--json');
    expect(JSON.parse(plain.out).alignment).toBeNull();
  });
});
