/**
 * Long chains of assignments compile, whatever the depth of the graph: the planner and the emitter
 * work on demand from the output backwards, and a chain as long as the program must not take one
 * JS stack frame per link. Each model is checked against the evaluator on every input.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { MAX_INLINED } from '../../compiler/fuse.ts';
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import { MAX_SELECTOR_DEPTH } from '../../src/rasp/elaborate.ts';
import { MAX_EXPRESSION_DEPTH } from '../../src/rasp/elementwise.ts';
import { loadProgram, parseProgram } from '../../src/rasp/load.ts';
import { MAX_NESTING } from '../../src/rasp/parser.ts';
import type { Value } from '../../src/rasp/values.ts';
import { TRACR_ANCHORS, tracrVocab } from '../support/tracrAnchors.ts';
import { weightsDigest } from '../support/weightsDigest.ts';
import { denseForward } from './denseForward.ts';

/** `x1 = first; x2 = step(x1); …` up to `x{n}`. */
function chain(n: number, first: string, step: (prev: string) => string): string {
  const lines = [`x1 = ${first};`];
  for (let i = 2; i <= n; i++) lines.push(`x${i} = ${step(`x${i - 1}`)};`);
  return lines.join('\n');
}

function compilesExactly(text: string, vocab: readonly Value[], maxLen: number) {
  const program = parseProgram(text, { file: 'chain.rasp' });
  const result = compile(program, { vocab, maxLen });
  for (const input of enumerateInputs(vocab, 1, maxLen)) expect(denseForward(result.model, input).output).toEqual(evaluate(program.output, input));
  return result;
}

describe('a chain of 1,245 assignments compiles', () => {
  const N = 1245;

  it('categorical maps (each a relabelling of the one before)', () => {
    expect(
      compilesExactly(
        chain(N, 'tokens_int', (x) => `${x} + 1`),
        [1, 2],
        2,
      ).stats.layers,
    ).toBe(0);
  });

  it('numerical maps (each a linear function of the one before)', () => {
    expect(
      compilesExactly(
        chain(N, 'numerical(tokens_int)', (x) => `numerical(${x} + 1)`),
        [1, 2],
        2,
      ).stats.layers,
    ).toBe(0);
  });

  it('one name assigned again and again (each label spells out what the name meant)', () => {
    const text = ['x = tokens_int;', ...Array.from({ length: N - 1 }, () => 'x = x + 1;'), 'y = aggregate(select(indices, indices, ==), x);'].join('\n');
    expect(compilesExactly(text, [1, 2], 2).stats.heads).toBe(1);
  });

  it(`numerical maps that are not linear (fused, ${MAX_INLINED} to an MLP)`, () => {
    // x ↦ x² mod 7 permutes {1, 2, 4} and is linear on no three of them; the head's output is a numerical leaf.
    const first = 'numerical(aggregate(select(indices, indices, ==), numerical(tokens_int)))';
    const { mlps } = compilesExactly(
      chain(N, first, (x) => `numerical(${x} * ${x} % 7)`),
      [1, 2, 3],
      2,
    );
    // Fused whole it would be one MLP; cut after MAX_INLINED maps, it is more.
    expect(mlps.length).toBeGreaterThan(1);
    // Each reads the one before twice: spelled out in full, the last label would double at every map.
    for (const m of mlps) expect(m.writes.length).toBeLessThan(10);
  });

  it('30,000 of them', () => {
    // About 2 s. Asking each node's encoding anew walked everything below it: over 10 s at
    // 10,000, quadratic, so past the per-test timeout here many times over (the only clock).
    compilesExactly(
      chain(30_000, 'tokens_int', (x) => `${x} + 1`),
      [1, 2],
      2,
    );
  });

  it('maps that each read the two before (fused, each inlined map worked out once per value)', () => {
    const lines = ['x1 = numerical(aggregate(select(indices, indices, ==), numerical(tokens_int)));', 'x2 = numerical(round(x1 * x1) % 7);'];
    for (let i = 3; i <= 40; i++) lines.push(`x${i} = numerical(round(x${i - 1} * x${i - 2} + 1) % 7);`);
    // Evaluated once per path, the fused function took 1.5 times as long per map: hours at 40,
    // where the per-test timeout stops it.
    compilesExactly(lines.join('\n'), [1, 2, 3], 2);
  });

  it('aggregates (one head a layer)', () => {
    const n = 300;
    const { stats } = compilesExactly(
      chain(n, 'tokens_int', (x) => `aggregate(select(indices, indices, ==), ${x})`),
      [1, 2],
      2,
    );
    expect(stats.heads).toBe(n - 1);
  });
});

describe('expressions as deep as a program may write them compile', () => {
  it(`a chain of ${MAX_EXPRESSION_DEPTH} operations`, () => {
    compilesExactly(`x = tokens_int${' - tokens_int'.repeat(MAX_EXPRESSION_DEPTH - 1)} + 1;`, [1, 2], 2);
  });

  it(`conditionals nested ${MAX_NESTING - 1} deep`, () => {
    compilesExactly(`x = ${'indices if tokens_int == 1 else '.repeat(MAX_NESTING - 1)}tokens_int;`, [1, 2], 2);
  });
});

describe('selectors as deep as a program may write them compile', () => {
  it(`a conjunction of ${MAX_SELECTOR_DEPTH + 1} selects`, () => {
    const { stats } = compilesExactly(
      `s = select(indices, indices, ==)${' and select(tokens_int, tokens_int, <=)'.repeat(MAX_SELECTOR_DEPTH)}; x = aggregate(s, tokens_int);`,
      [1, 2],
      2,
    );
    expect(stats.heads).toBe(1);
  });

  it('a selector that reads the one before twice, 40 times over', () => {
    // 2^40 paths through the formula: each part is split and tested once.
    const lines = [
      's0 = select(indices, indices, ==) and select(tokens_int, tokens_int, <=);',
      ...Array.from({ length: 40 }, (_, i) => `s${i + 1} = s${i} and s${i};`),
    ];
    compilesExactly([...lines, 'x = aggregate(s40, tokens_int);'].join('\n'), [1, 2], 2);
  });
});

describe('setting demands aside changes nothing', () => {
  // With a depth of 1 every demand past the first is set aside and met from the top.
  const programs = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.rasp'));
  it.each(programs)('%s compiles to the same model at any demand depth', (file) => {
    const program = loadProgram(join(LIBRARY_DIR, file));
    const anchor = TRACR_ANCHORS[file.replace(/\.rasp$/, '')];
    const opts = { vocab: anchor ? tracrVocab(anchor) : program.vocab!, maxLen: 5 };
    const plain = compile(program, opts);
    const setAside = compile(program, { ...opts, demandDepth: 1 });
    expect(weightsDigest(setAside.model)).toBe(weightsDigest(plain.model));
    expect(setAside.model.labels).toEqual(plain.model.labels);
    expect(setAside.plan).toEqual(plain.plan);
  });
});
