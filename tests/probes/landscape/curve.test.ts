import { beforeAll, describe, expect, it } from 'vitest';
import { permuteModel, type Permutation } from '../../../probes/landscape/align.ts';
import { connectModels, type NamedSet } from '../../../probes/landscape/connect.ts';
import { bezierPoint, trainCurve } from '../../../probes/landscape/curve.ts';
import { pathPoint } from '../../../probes/landscape/weightSpace.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { selectBackend } from '../../../src/model/backend.ts';
import { initWeights } from '../../../src/model/init.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { reverse } from '../../compiler/programs.ts';
import { cli } from '../../cli/harness.ts';

beforeAll(async () => {
  // Curve training takes a gradient per step: the wasm backend runs them several times faster than cpu.
  await selectBackend('wasm');
});

const LEARNED = 'fixtures/models/reverse.learned.safetensors';
const learned = loadModel(LEARNED);
const task = modelTask(learned);
const spec = { program: reverse(), ...task };
const sets: NamedSet[] = [{ name: 'trained', ...task, set: makeProbeSet(reverse(), { ...task, n: 60, seed: 0 }) }];

const backwards = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
/**
 * The learned model with every residual direction, head and neuron in reverse order: the same
 * function, far away in weight space. Unaligned, the straight line to it has a barrier (its middle
 * averages units that do different jobs); a curve can go round it.
 */
const permutation: Permutation = {
  residual: backwards(learned.config.dModel),
  layers: learned.config.layers.map((L, layer) => ({ layer, heads: backwards(L.nHeads), neurons: backwards(L.dMlp) })),
};
const twin: ModelData = permuteModel(learned, permutation);

describe('the Bézier curve between two models', () => {
  it('ends at the two models exactly, and with its middle at the line’s midpoint it is the line', () => {
    const other: ModelData = { ...learned, weights: initWeights(learned.config, 7) };
    const mid = pathPoint(learned, other, 1, 2);
    expect(bezierPoint(learned, mid, other, 0).weights).toEqual(learned.weights);
    expect(bezierPoint(learned, mid, other, 1).weights).toEqual(other.weights);
    const onCurve = bezierPoint(learned, mid, other, 0.25).weights.get('blocks.0.attn.W_Q')!.data;
    const onLine = pathPoint(learned, other, 1, 4).weights.get('blocks.0.attn.W_Q')!.data;
    onCurve.forEach((x, k) => expect(x).toBeCloseTo(onLine[k], 5));
  });

  it('is trained from the midpoint: zero steps leave it there', () => {
    const c = trainCurve(learned, twin, spec, { steps: 0 });
    expect(c.middle.weights).toEqual(pathPoint(learned, twin, 1, 2).weights);
  });

  it('has a lower barrier than the line where the line has one, and the same ends', async () => {
    const r = await connectModels(learned, twin, sets, { points: 5, align: false, curve: { spec, steps: 30, batch: 16, lr: 0.01 } });
    const [line, curve] = [r.sets[0], r.curve!.sets[0]];
    expect(line.barrier.loss).toBeGreaterThan(1);
    expect(curve.barrier.loss).toBeLessThan(line.barrier.loss);
    expect(curve.path[0]).toEqual(line.path[0]);
    expect(curve.path[4]).toEqual(line.path[4]);
    expect(r.curve!.trainLoss.last).toBeLessThan(r.curve!.trainLoss.first);
  });

  it('is the same curve from the same seed', () => {
    const x = trainCurve(learned, twin, spec, { steps: 3, batch: 8, seed: 4 });
    const y = trainCurve(learned, twin, spec, { steps: 3, batch: 8, seed: 4 });
    expect(y.middle.weights).toEqual(x.middle.weights);
  });
});

describe('rasplab connect --curve', () => {
  const SEED1 = 'fixtures/models/reverse.learned.seed1.safetensors';

  it('prints the line’s and the curve’s scores and barriers side by side, and --json has the curve', async () => {
    const r = await cli('connect', LEARNED, SEED1, '--curve', '--curve-steps', '4', '--points', '3', '--samples', '20');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^curve: middle point trained 4 steps \(lr 0\.01, batch 32\)/m);
    expect(r.out).toMatch(/│ t +│ line loss │ exact +│ token acc │ curve loss │ exact +│ token acc │/);
    expect(r.out).toMatch(/^ {2}line barrier: {2}loss [\d.]+, exact match/m);
    expect(r.out).toMatch(/^ {2}curve barrier: loss [\d.]+, exact match/m);
    const j = JSON.parse((await cli('connect', LEARNED, SEED1, '--curve', '--curve-steps', '2', '--points', '2', '--samples', '20', '--json')).out);
    expect(j.curve.steps).toBe(2);
    expect(j.curve.sets[0].path).toHaveLength(2);
    expect(j.curve.sets[0].barrier.loss).toBeTypeOf('number');
    const plain = JSON.parse((await cli('connect', LEARNED, LEARNED, '--points', '2', '--samples', '20', '--json')).out);
    expect(plain.curve).toBeNull();
  });

  it.each([
    ['curve flags without --curve', ['--curve-steps', '5'], /--curve-steps, --curve-lr and --curve-batch go with --curve/],
    ['a learning rate that is not a positive number', ['--curve', '--curve-lr', '-1'], /--curve-lr must be a positive number, got '-1'/],
    ['zero steps', ['--curve', '--curve-steps', '0'], /--curve-steps must be a positive integer, got '0'/],
  ])('refuses %s in one line, exit 2', async (_name, args, message) => {
    const r = await cli('connect', LEARNED, SEED1, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
