import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { linearProbes, type LinearProbeReport } from '../../probes/linearProbe.ts';
import { makeProbeSet, modelTask } from '../../probes/probeSet.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { programVariables } from '../../probes/variables.ts';
import { fracPrevs, hist, reverse } from '../compiler/programs.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { compiled } from './fixtures.ts';
import { loaded } from '../support/loaded.ts';

/** Whether a variable is a function of each position's token and index over the set (then it may be decodable from the embeddings). */
function fromEmbeddings(program: Program, inputs: readonly Value[][], name: string): boolean {
  const v = programVariables(program, inputs).find((x) => x.name === name)!;
  const seen = new Map<string, unknown>();
  for (let i = 0; i < inputs.length; i++)
    for (let p = 0; p < inputs[i].length; p++) {
      const k = `${String(inputs[i][p])}@${p}`;
      if (seen.has(k) && seen.get(k) !== v.values[i][p]) return false;
      seen.set(k, v.values[i][p]);
    }
  return true;
}

const cases: [string, () => Program, Value[]][] = [
  ['reverse', reverse, ['a', 'b', 'c']],
  ['hist', hist, ['a', 'b', 'c']],
  ['frac_prevs', () => fracPrevs('x'), ['a', 'x']],
];

describe('linear probes on compiled models', () => {
  for (const [name, make, vocab] of cases) {
    it(`${name}: every variable the residual holds is exact from its block's layer on, and not before`, async () => {
      const prog = make();
      const model = compiled(prog, vocab, 5);
      const set = makeProbeSet(prog, { vocab, minLen: 1, maxLen: 5, n: 400, seed: 1 });
      const r = await linearProbes(loaded(model), prog, set, { seed: 2, steps: 60 });
      const held = r.variables.filter((v) => v.compiledPoint !== null && v.compiledPoint !== undefined);
      // At least tokens and the program's output are held in directions of their own.
      expect(held.map((v) => v.variable)).toEqual(expect.arrayContaining(['tokens', prog.output.name]));
      for (const v of held) {
        for (const p of v.points) {
          if (p.point >= v.compiledPoint!) expect(p.accuracy, `${v.variable} at ${p.hook}`).toBe(1);
          else if (!fromEmbeddings(prog, set.inputs, v.variable)) expect(p.accuracy, `${v.variable} at ${p.hook}`).toBeLessThan(1);
        }
      }
      expect(r.testInputs).toBeGreaterThan(0);
    });
  }
});

const library = (name: string) => loadProgram(fileURLToPath(new URL(`../../fixtures/programs/${name}.rasp`, import.meta.url)));
const probeOf = (r: LinearProbeReport, name: string) => r.variables.find((v) => v.variable === name)!;

describe('linear probes find what the model holds', () => {
  it('double_hist (max length 6): hist is decodable at layer 1, where the compiled model holds it, though some of its values are rare', async () => {
    const prog = library('double_hist');
    const model = compiled(prog, ['a', 'b', 'c', 'd'], 6);
    const set = makeProbeSet(prog, { vocab: ['a', 'b', 'c', 'd'], minLen: 1, maxLen: 6, n: 500, seed: 0 });
    const r = await linearProbes(loaded(model), prog, set, { seed: 0, variables: ['hist', 'n_earlier_copies'] });
    const hist = probeOf(r, 'hist');
    expect(hist.compiledPoint).toBe(1);
    expect(hist.firstDecodable).toBe(1);
    expect(hist.points.slice(1).map((p) => p.accuracy)).toEqual([1, 1]);
    // Only n_earlier_copies == 0 has a direction of its own (the one value the program reads).
    expect(probeOf(r, 'n_earlier_copies').compiledValues).toEqual([0]);
    expect(hist.compiledValues).toBeUndefined();
  });

  it("count: the compiled model holds tokens == 'a' only, and says so", async () => {
    const prog = library('count');
    const model = compiled(prog, ['a', 'b', 'c'], 4);
    const set = makeProbeSet(prog, { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 4, n: 100, seed: 0 });
    const r = await linearProbes(loaded(model), prog, set, { seed: 0, variables: ['tokens', 'count'] });
    expect(probeOf(r, 'tokens')).toMatchObject({ compiledPoint: 0, compiledValues: ['a'] });
    expect(probeOf(r, 'count').compiledValues).toBeUndefined();
  });

  it('learned reverse: opp_index is read from layer 1 as well as a converged read-out reads it, and more steps never fit worse', async () => {
    const prog = library('reverse');
    const model = loaded(loadModel(fileURLToPath(new URL('../../fixtures/models/reverse.learned.safetensors', import.meta.url))));
    const set = makeProbeSet(prog, { ...modelTask(model), n: 300, seed: 0 });
    const fit = async (steps: number) => probeOf(await linearProbes(model, prog, set, { seed: 0, steps, variables: ['opp_index'] }), 'opp_index').points[1];
    const short = await fit(50);
    const long = await fit(300);
    expect(long.trainAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(long.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(long.trainAccuracy).toBeGreaterThanOrEqual(short.trainAccuracy);
  });
});
