/**
 * A selector's table over its (query, key) value pairs is evaluated once per compile: planning and
 * emission share it (issue 19: over two value sets of n² values it is n⁴ comparisons, and they
 * were made twice). Counted through the comparison the tables call, once per pair of defined values.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { buildGraph } from '../../compiler/graph.ts';
import { checkCopies } from '../../compiler/copies.ts';
import { inferSpaces } from '../../compiler/spaces.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import { compareOp } from '../../src/rasp/scalar.ts';

vi.mock('../../src/rasp/scalar.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/rasp/scalar.ts')>();
  return { ...actual, compareOp: vi.fn(actual.compareOp) };
});

describe('selector tables', () => {
  it('sort_by_frequency compares each pair of values of each select once', () => {
    const program = loadProgram(join(LIBRARY_DIR, 'sort_by_frequency.rasp'));
    const task = { vocab: [1, 2, 3], maxLen: 6 };
    const graph = buildGraph(program);
    const { sets } = inferSpaces(graph, task);
    const selects = graph.nodes.filter((g) => g.node.kind === 'select');
    expect(selects).toHaveLength(3);
    const pairs = selects.reduce((s, g) => s + sets[g.inputs[0]]!.values.length * sets[g.inputs[1]]!.values.length, 0);
    // Value-set inference compares too (whether a query can select nothing, coverage.ts): counted apart.
    vi.mocked(compareOp).mockClear();
    inferSpaces(graph, task);
    const inference = vi.mocked(compareOp).mock.calls.length;
    // So does the check that no categorical aggregate averages (copies.ts runs the program on inputs).
    vi.mocked(compareOp).mockClear();
    checkCopies(graph, inferSpaces(graph, task), task);
    const check = vi.mocked(compareOp).mock.calls.length - inference;
    vi.mocked(compareOp).mockClear();
    compile(program, task);
    expect(vi.mocked(compareOp).mock.calls.length).toBe(pairs + inference + check);
  });
});
