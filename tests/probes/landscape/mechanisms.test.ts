import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permuteModel, type Permutation } from '../../../probes/landscape/align.ts';
import { connectModels, type NamedSet } from '../../../probes/landscape/connect.ts';
import { mechanismsOnPath, type PointMechanism } from '../../../probes/landscape/mechanisms.ts';
import { DEFAULT_MATCH_THRESHOLD } from '../../../probes/headSimilarity.ts';
import { loadHypotheses } from '../../../probes/hypotheses/fileFormat.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { DEFAULT_MATCH_THRESHOLD_SHOWN } from '../../../cli/commands/connect.ts';
import { selectBackend } from '../../../src/model/backend.ts';
import { LoadedModel } from '../../../src/model/loadedModel.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import { resolveProgram } from '../../../cli/resolveProgram.ts';
import { cli } from '../../cli/harness.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const LEARNED = 'fixtures/models/reverse.learned.safetensors';
const COMPILED = 'fixtures/models/reverse.compiled.safetensors';
const HYPOTHESES = 'fixtures/hypotheses/reverse.learned.yaml';
const learned = loadModel(LEARNED);
const compiled = LoadedModel.from(loadModel(COMPILED));
afterAll(() => compiled.dispose());
const task = modelTask(learned);
// The library's program: the hypothesis file quotes its names (flip).
const reverse = await resolveProgram('reverse');
const set = makeProbeSet(reverse, { ...task, n: 40, seed: 0 });
const sets: NamedSet[] = [{ name: 'trained', ...task, set }];
const claims = loadHypotheses(HYPOTHESES).claims;
const inspect = mechanismsOnPath({ against: compiled, inputs: set.inputs, hypotheses: { program: reverse, claims, domain: task, runs: 10 } });

const backwards = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
/** The learned model with its units in reverse order: the same function, and, unaligned, a line through models that are not it. */
const permutation: Permutation = {
  residual: backwards(learned.config.dModel),
  layers: learned.config.layers.map((L, layer) => ({ layer, heads: backwards(L.nHeads), neurons: backwards(L.dMlp) })),
};
const twin = permuteModel(learned, permutation);

const matched = (m: PointMechanism) =>
  m
    .heads!.filter((h) => h.matched)
    .map((h) => h.head)
    .sort();
const held = (m: PointMechanism) => m.claims!.filter((c) => c.passed).length;

describe('mechanisms along a path', () => {
  it('from a model to itself: the same compiled heads matched and every claim held at every point', async () => {
    const r = await connectModels(learned, learned, sets, { points: 3, inspect });
    expect(r.mechanisms.map((m) => m.t)).toEqual([0, 0.5, 1]);
    for (const m of r.mechanisms) {
      expect(matched(m)).toEqual(matched(r.mechanisms[0]));
      expect(held(m)).toBe(claims.length);
    }
    // The learned model has a head doing each compiled head's job (the demo's finding).
    expect(matched(r.mechanisms[0])).toEqual(['0.0', '1.0']);
  });

  it('through the middle of an unaligned line: the ends keep the mechanism, the middle loses part of it', async () => {
    const r = await connectModels(learned, twin, sets, { points: 3, align: false, inspect });
    const [start, middle, end] = r.mechanisms;
    expect(matched(end)).toEqual(matched(start));
    expect(held(start)).toBe(claims.length);
    const lostHeads = matched(middle).length < matched(start).length;
    const lostClaims = held(middle) < held(start);
    expect(lostHeads || lostClaims).toBe(true);
    expect(middle.claims!.some((c) => !c.passed && c.counterexample !== null)).toBe(lostClaims);
  });
});

describe('rasplab connect --against --hypotheses', () => {
  it('adds the heads and claims columns, and --json the data per point', async () => {
    const args = [LEARNED, LEARNED, '--points', '2', '--samples', '20', '--against', COMPILED, '--hypotheses', HYPOTHESES, '--runs', '5'];
    const r = await cli('connect', ...args);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/│ t +│ loss +│ exact +│ token acc │ heads +│ claims │/);
    expect(r.out).toMatch(/│ 1\.00 │ [\d.]+ +│ [\d.]+% +│ [\d.]+% +│ 0\.0 1\.0 │ 5\/5 +│/);
    const j = JSON.parse((await cli('connect', ...args, '--json')).out);
    expect(j.mechanisms).toHaveLength(2);
    expect(j.mechanisms[0].heads.map((h: { head: string }) => h.head)).toEqual(['0.0', '1.0']);
    expect(j.mechanisms[1].claims).toHaveLength(5);
  });

  it('states the match threshold as the probe uses it', () => {
    expect(DEFAULT_MATCH_THRESHOLD_SHOWN).toBe(DEFAULT_MATCH_THRESHOLD);
  });

  it.each([
    ['--runs without --hypotheses', ['--runs', '5'], /--runs goes with --hypotheses/],
    ['a missing hypothesis file', ['--hypotheses', 'nope.yaml'], /nope\.yaml/],
    ['a missing compiled model', ['--against', 'nope.safetensors'], /no such model file: nope\.safetensors/],
  ])('refuses %s in one line, exit 2', async (_name, args, message) => {
    const r = await cli('connect', LEARNED, LEARNED, '--points', '2', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
