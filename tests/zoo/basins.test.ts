/** Basins by the barrier between every pair: single-linkage components, same-shape pairs only, a permuted twin in its original's basin. */
import { beforeAll, describe, expect, it } from 'vitest';
import { permuteModel, type Permutation } from '../../probes/landscape/align.ts';
import { components, linearBasins } from '../../probes/zoo/basins.ts';
import { makeProbeSet, modelTask } from '../../probes/probeSet.ts';
import { resolveProgram } from '../../cli/resolveProgram.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { loadModel } from '../../src/model/modelFile.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('components', () => {
  it('joins chains (single linkage), keeps the given order within a group, and puts the largest group first', () => {
    expect(
      components(
        ['a', 'b', 'c', 'd', 'e'],
        [
          ['d', 'e'],
          ['a', 'c'],
          ['c', 'b'],
        ],
      ),
    ).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(components(['a', 'b'], [])).toEqual([['a'], ['b']]);
  });
});

describe('linearBasins', () => {
  const learned = loadModel('fixtures/models/reverse.learned.safetensors');
  const compiled = loadModel('fixtures/models/reverse.compiled.safetensors');
  const backwards = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
  const permutation: Permutation = {
    residual: backwards(learned.config.dModel),
    layers: learned.config.layers.map((L, layer) => ({ layer, heads: backwards(L.nHeads), neurons: backwards(L.dMlp) })),
  };
  const twin = permuteModel(learned, permutation);
  const models = [
    { key: 'learned', data: learned },
    { key: 'compiled', data: compiled },
    { key: 'twin', data: twin },
  ];

  it('puts a permuted copy in its original’s basin and joins no models of different shapes', async () => {
    const task = modelTask(learned);
    const program = await resolveProgram('reverse');
    const set = { name: 'trained', ...task, set: makeProbeSet(program, { ...task, n: 40, seed: 0 }) };
    const b = await linearBasins(models, set, { threshold: 0.05, points: 3 });
    expect(b.pairs.map((p) => [p.a, p.b])).toEqual([['learned', 'twin']]); // the compiled model has another shape
    expect(b.pairs[0].exactMatch).toBeLessThan(0.01);
    expect(b.groups).toEqual([['learned', 'twin'], ['compiled']]);
    // no barrier is below 0: at threshold 0 every model is its own basin
    const none = await linearBasins(models, set, { threshold: 0, points: 3 });
    expect(none.groups).toHaveLength(3);
  });
});
