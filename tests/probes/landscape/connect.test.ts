import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { barrierOf, connectModels, type NamedSet } from '../../../probes/landscape/connect.ts';
import { atScaleOf, checkSameShape, pathPoint, shapeDifference } from '../../../probes/landscape/weightSpace.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { initWeights } from '../../../src/model/init.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { reverse } from '../../compiler/programs.ts';
import { cli } from '../../cli/harness.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LEARNED = 'fixtures/models/reverse.learned.safetensors';
const COMPILED = 'fixtures/models/reverse.compiled.safetensors';
const learned = loadModel(LEARNED);
/** A model of the learned one's shape that knows nothing: its random initialisation. */
const untrained: ModelData = { ...learned, weights: initWeights(learned.config, 7) };
const task = modelTask(learned);
const sets: NamedSet[] = [{ name: 'trained', ...task, set: makeProbeSet(reverse(), { ...task, n: 60, seed: 0 }) }];

describe('the straight path between two models', () => {
  it('from a model to itself is that model at every point: every score equal, barrier 0', async () => {
    const r = await connectModels(learned, learned, sets, { points: 5 });
    const [s] = r.sets;
    expect(s.path.map((p) => p.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (const p of s.path) expect({ ...p, t: 0 }).toEqual({ ...s.path[0], t: 0 });
    expect(s.barrier).toEqual({ loss: 0, exactMatch: 0, tokenAccuracy: 0 });
    expect(s.path[0].exactMatch).toBeGreaterThan(0.9);
  });

  it('is symmetric: A to B is B to A reversed, bit for bit', async () => {
    const ab = await connectModels(learned, untrained, sets, { points: 4, align: false });
    const ba = await connectModels(untrained, learned, sets, { points: 4, align: false });
    const scores = (path: (typeof ab.sets)[0]['path']) => path.map(({ t: _t, ...rest }) => rest);
    expect(scores(ba.sets[0].path)).toEqual(scores(ab.sets[0].path).reverse());
    expect(ba.sets[0].barrier).toEqual(ab.sets[0].barrier);
    // The ends are the models themselves; an untrained end costs more than the trained one.
    expect(ab.sets[0].path[3].loss).toBeGreaterThan(ab.sets[0].path[0].loss);
  });

  it('is symmetric when aligned too: B matched to A and A matched to B give one path, up to float32 sums', async () => {
    const seed1 = loadModel('fixtures/models/reverse.learned.seed1.safetensors');
    const ab = await connectModels(learned, seed1, sets, { points: 3 });
    const ba = await connectModels(seed1, learned, sets, { points: 3 });
    ab.sets[0].path.forEach((p, i) => expect(ba.sets[0].path[2 - i].loss).toBeCloseTo(p.loss, 4));
    expect(ba.sets[0].barrier.loss).toBeCloseTo(ab.sets[0].barrier.loss, 4);
  });

  it('ends at the two models exactly', () => {
    expect(pathPoint(learned, untrained, 0, 10).weights).toEqual(learned.weights);
    expect(pathPoint(learned, untrained, 10, 10).weights).toEqual(untrained.weights);
  });

  it('reads the barrier as the highest loss above the ends’ mean and the lowest accuracy below it', () => {
    const path = [
      { t: 0, loss: 0.2, exactMatch: 1, tokenAccuracy: 1 },
      { t: 0.5, loss: 1.5, exactMatch: 0.25, tokenAccuracy: 0.5 },
      { t: 1, loss: 0.4, exactMatch: 0.5, tokenAccuracy: 0.75 },
    ];
    const b = barrierOf(path);
    expect(b.loss).toBeCloseTo(1.2, 12);
    expect(b.exactMatch).toBeCloseTo(0.5, 12);
    expect(b.tokenAccuracy).toBeCloseTo(0.375, 12);
    // A path below its ends' mean has no barrier worth a negative number: the max includes the ends.
    expect(barrierOf([path[0], { ...path[0], t: 1 }]).loss).toBe(0);
  });

  it('folds a different attention scale into W_Q, keeping the function', async () => {
    const other = atScaleOf({ ...learned, config: { ...learned.config, attnScale: 1 } }, learned);
    expect(other.config.attnScale).toBe(1);
    const inputs = sets[0].set.inputs.slice(0, 20);
    const [x, y] = [await loaded(learned).logits(inputs), await loaded(other).logits(inputs)];
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i], 4);
  });

  it('names the first dimension two shapes differ in', () => {
    const c = learned.config;
    expect(shapeDifference(c, c)).toBeNull();
    expect(shapeDifference(c, { ...c, layers: c.layers.slice(1) })).toBe('layers 2 vs 1');
    expect(shapeDifference(c, { ...c, layers: [c.layers[0], { ...c.layers[1], dMlp: 8 }] })).toBe('layer 1: d_mlp 64 vs 8');
    expect(shapeDifference(c, { ...c, layers: [{ ...c.layers[0], nHeads: 4 }, c.layers[1]] })).toBe('layer 0: heads 2 vs 4');
    expect(shapeDifference(c, { ...c, nCtx: 12 })).toBe('n_ctx 11 vs 12');
    expect(shapeDifference(c, { ...c, attnScale: 1 })).toBeNull();
    expect(() => checkSameShape(learned, loadModel(COMPILED), ['a.st', 'b.st'])).toThrow(/a\.st and b\.st differ in shape \(d_model 32 vs 33\)/);
  });
});

describe('rasplab connect', () => {
  it('prints the path and the barrier, and --json the data', async () => {
    const r = await cli('connect', LEARNED, LEARNED, '--points', '3', '--samples', '40', '--test-lengths', '9');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/trained lengths \(lengths 1–8, 40 inputs\)/);
    expect(r.out).toMatch(/length 9 \(length 9, 40 inputs\)/);
    expect(r.out).toMatch(/barrier: loss 0\.0000, exact match 0\.0%, token accuracy 0\.0%/);
    const j = await cli('connect', LEARNED, LEARNED, '--points', '2', '--samples', '20', '--json');
    const data = JSON.parse(j.out);
    expect(data.points).toBe(2);
    expect(data.sets[0].barrier).toEqual({ loss: 0, exactMatch: 0, tokenAccuracy: 0 });
  });

  it.each([
    ['models of different shapes', [COMPILED, LEARNED], /differ in shape \(d_model 33 vs 32\).*--shape-of/],
    ['one point', [LEARNED, LEARNED, '--points', '1'], /--points must be at least 2/],
    [
      'a test length beyond the context',
      [LEARNED, LEARNED, '--test-lengths', '9,11'],
      /--test-lengths 11 is longer than the models take \(n_ctx 11: at most 10\)/,
    ],
    ['a missing model', [LEARNED, 'nope.safetensors'], /no such model file: nope\.safetensors/],
  ])('refuses %s in one line, exit 2', async (_name, args, message) => {
    const r = await cli('connect', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
