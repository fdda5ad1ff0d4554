import { describe, expect, it } from 'vitest';
import { linearProbes } from '../../probes/linearProbe.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
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
