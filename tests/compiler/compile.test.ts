import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { aggregate, and, indices, map, numerical, or, select, selectorWidth, tokens, zipmap } from '../../src/rasp/builder.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { parseSelectorExpression } from '../../src/rasp/expression.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import { denseForward } from './denseForward.ts';
import * as P from './programs.ts';
import { residualAllowed, TRACR_ANCHORS } from '../support/tracrAnchors.ts';

interface Case {
  readonly program: (maxLen: number) => Program;
  readonly vocab: readonly Value[];
}
const CASES: Record<string, Case> = {
  length: { program: P.length, vocab: [1, 2, 3] },
  reverse: { program: P.reverse, vocab: [1, 2, 3] },
  reverse_builtin_length: { program: P.reverseBuiltinLength, vocab: [1, 2, 3] },
  hist: { program: P.hist, vocab: [1, 2, 3] },
  sort_unique: { program: P.sortUnique, vocab: [1, 2, 3] },
  sort: { program: P.sort, vocab: [1, 2, 3] },
  sort_freq: { program: P.sortFreq, vocab: [1, 2, 3] },
  frac_prevs: { program: () => P.fracPrevs('x'), vocab: ['a', 'b', 'x'] },
  pair_balance: { program: P.pairBalance, vocab: ['(', ')', 'a'] },
  shuffle_dyck: { program: () => P.shuffleDyck(['()']), vocab: ['(', ')', 'a'] },
  count_less_freq: { program: () => P.countLessFreq(2), vocab: ['a', 'b', 'c'] },
  aggregate_default: { program: P.previousOrZero, vocab: [1, 2, 3] },
  selector_width_chain: { program: P.smallerEven, vocab: [1, 2, 3] },
};

/** Positions where the model disagrees with the evaluator (numerical within 1e-3). */
function mismatches(model: ModelData, program: Program, vocab: readonly Value[], maxLen: number): { checked: number; bad: unknown[] } {
  const bad: unknown[] = [];
  let checked = 0;
  const numerical = model.config.output.encoding === 'numerical';
  for (const input of enumerateInputs(vocab, 1, maxLen)) {
    let want: MaybeValue[];
    try {
      want = evaluate(program.output, input);
    } catch {
      continue;
    }
    checked++;
    const got = denseForward(model, input).output;
    const ok = want.every((w, i) => (numerical ? w === null || Math.abs(Number(w) - Number(got[i])) <= 1e-3 : w === got[i]));
    if (!ok && bad.length < 3) bad.push({ input, want, got });
  }
  return { checked, bad };
}

describe('compiled programs agree with the evaluator on every input', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name} (vocab ${c.vocab.length}, max length 4 and 5)`, () => {
      for (const maxLen of [4, 5]) {
        const p = c.program(maxLen);
        const { model } = compile(p, { vocab: c.vocab, maxLen });
        const { checked, bad } = mismatches(model, p, c.vocab, maxLen);
        expect(bad).toEqual([]);
        expect(checked).toBeGreaterThan(100);
      }
    });
  }
  it('shuffle_dyck2 over ( ) { } a', () => {
    const p = P.shuffleDyck(['()', '{}']);
    const vocab = ['(', ')', '{', '}', 'a'];
    const { model } = compile(p, { vocab, maxLen: 4 });
    expect(mismatches(model, p, vocab, 4).bad).toEqual([]);
  });
});

describe('BOS invariant', () => {
  it('every s-op direction is 0 at the BOS position after every sublayer', () => {
    for (const [name, c] of Object.entries(CASES)) {
      const { model } = compile(c.program(4), { vocab: c.vocab, maxLen: 4 });
      // Temporaries and bos itself may be non-zero at BOS.
      const sopDirs = model.labels.residual.filter((d) => d.sop !== 'bos' && d.role !== 'temp').map((d) => d.index);
      for (const input of [[c.vocab[0]], [...c.vocab], [c.vocab[1], c.vocab[0], c.vocab[1], c.vocab[2]]]) {
        const run = denseForward(model, input);
        run.resid.forEach((sub, s) => {
          for (const d of sopDirs) expect(Math.abs(sub[0][d]), `${name}: ${model.labels.residual[d].sop} at sublayer ${s}`).toBeLessThan(1e-6);
        });
      }
    }
  });
});

// The builder versions of tracr's own programs (as tracr's lib.py writes them) against tracr's
// figures; tracrSizes.test.ts does the same for the library's .rasp files.
describe('model sizes are no larger than tracr’s', () => {
  for (const [name, anchor] of Object.entries(TRACR_ANCHORS)) {
    const c = CASES[name] ?? CASES[anchor.tracrName.replace(/\(.*\)$/, '')];
    if (!c) continue;
    for (const len of [5, 10] as const)
      it(`${name} at max length ${len}`, () => {
        const { stats } = compile(c.program(len), { vocab: c.vocab, maxLen: len });
        expect(stats.layers).toBeLessThanOrEqual(anchor.byMaxLen[len].layers);
        expect(stats.residualWidth).toBeLessThanOrEqual(residualAllowed(name, anchor, len));
      });
  }
  it('reverse takes at most 2 layers', () => {
    expect(compile(P.reverse(), { vocab: [1, 2, 3], maxLen: 10 }).stats.layers).toBeLessThanOrEqual(2);
  });
});

describe('model format and labels', () => {
  it('writes TransformerLens-shaped weights, labels every head, MLP range and direction, and counts params', () => {
    const { model, stats } = compile(P.reverse(), { vocab: [1, 2, 3], maxLen: 5 });
    const D = model.config.dModel;
    expect(model.config).toMatchObject({
      nCtx: 6,
      vocab: ['BOS', 1, 2, 3],
      normalization: 'none',
      actFn: 'relu',
      attnScale: 1,
      origin: 'compiled',
      causal: false,
    });
    expect(model.weights.get('embed.W_E')!.shape).toEqual([4, D]);
    expect(model.weights.get('pos_embed.W_pos')!.shape).toEqual([6, D]);
    model.config.layers.forEach((l, i) => {
      if (l.nHeads) expect(model.weights.get(`blocks.${i}.attn.W_Q`)!.shape).toEqual([l.nHeads, D, l.dHead]);
      if (l.dMlp) expect(model.weights.get(`blocks.${i}.mlp.W_in`)!.shape).toEqual([D, l.dMlp]);
    });
    expect(model.labels.residual.map((r) => r.index)).toEqual([...Array(D).keys()]);
    expect(model.labels.residual.slice(0, 2).map((r) => r.sop)).toEqual(['one', 'bos']);
    expect(model.labels.heads.map((h) => h.kind).sort()).toEqual(['categorical-aggregate', 'selector-width']);
    const agg = model.labels.heads.find((h) => h.kind === 'categorical-aggregate')!;
    expect(agg.writes).toBe('reverse');
    expect(agg.selector).toContain('indices');
    for (const m of model.labels.mlps) expect(m.neurons[1]).toBeGreaterThan(m.neurons[0]);
    expect(model.labels.program).toMatchObject({ name: 'reverse', output: 'reverse' });
    expect(model.config.output).toEqual({ encoding: 'categorical', values: [1, 2, 3] });
    let params = 0;
    for (const w of model.weights.values()) params += w.data.length;
    expect(stats).toEqual({
      layers: model.config.layers.length,
      heads: 2,
      mlpHidden: model.config.layers.map((l) => l.dMlp),
      residualWidth: D,
      params,
    });
  });
  it('an s-op may be called anything: `a:s:b` keeps its name and directions of its own', () => {
    // Directions were once keyed `sop:valueKey`, so this line and a's one-hot 'b' would have been one.
    const same = select(indices, indices, '==');
    const a = aggregate(same, tokens).named('a');
    const ab = numerical(aggregate(same, numerical(map((t) => (t === 'b' ? 1 : 0), tokens)))).named('a:s:b');
    const program = P.program(
      'out',
      zipmap((x, y) => x === 'b' && Number(y) === 1, a, ab),
      a,
      ab,
    );
    const { model } = compile(program, { vocab: ['b', 'c'], maxLen: 3 });
    const sops = model.labels.residual.map((r) => `${r.sop}${r.value === undefined ? '' : `=${String(r.value)}`}`);
    expect(sops).toEqual(expect.arrayContaining(['a=b', 'a:s:b']));
    const { checked, bad } = mismatches(model, program, ['b', 'c'], 3);
    expect(checked).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('a causal compile only sets the mask', () => {
    const { model } = compile(P.fracPrevs(), { vocab: ['a', 'b', 'x'], maxLen: 4, causal: true });
    expect(model.config.causal).toBe(true);
    expect(mismatches(model, P.fracPrevs(), ['a', 'b', 'x'], 4).bad).toEqual([]);
  });
});

describe('refusals', () => {
  it('a disjunction of selects over different s-ops compiles (through a product s-op)', () => {
    const sel = or(select(tokens, tokens, '=='), select(indices, indices, '<')).named('either');
    const p = P.program('w', selectorWidth(sel));
    const { model } = compile(p, { vocab: [1, 2], maxLen: 3 });
    expect(mismatches(model, p, [1, 2], 3).bad).toEqual([]);
  });
  it('a conjunction over different s-ops compiles (scores add up)', () => {
    const p = P.program('w', selectorWidth(and(select(tokens, tokens, '=='), select(indices, indices, '<'))));
    const { model } = compile(p, { vocab: [1, 2], maxLen: 4 });
    expect(mismatches(model, p, [1, 2], 4).bad).toEqual([]);
  });
});

describe('labels are RASP', () => {
  it("the length head's selector label parses in the program's scope", () => {
    const p = P.reverseBuiltinLength();
    const { model } = compile(p, { vocab: [1, 2, 3], maxLen: 4 });
    const width = model.labels.heads.find((h) => h.kind === 'selector-width')!;
    expect(width.selector).toBe('select(tokens, tokens, True)');
    expect(() => parseSelectorExpression(p, width.selector, { file: 'label' })).not.toThrow();
  });
});
