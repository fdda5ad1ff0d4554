/** The reference evaluator with one variable overridden by its values on another input. */
import { describe, expect, it } from 'vitest';
import { counterfactualOutput, programVariable } from '../../src/rasp/counterfactual.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { library } from '../hypotheses/support.ts';

describe('counterfactual outputs', () => {
  const reverse = library('reverse');
  const sort = library('sort');
  const hist = library('hist');

  it('reverse with tokens from the source outputs the source reversed; opp_index from a same-length source changes nothing', () => {
    const base = ['a', 'b', 'c', 'd'];
    const source = ['e', 'e', 'a', 'b'];
    expect(counterfactualOutput(reverse, programVariable(reverse, 'tokens'), base, source)).toEqual(['b', 'a', 'e', 'e']);
    expect(counterfactualOutput(reverse, programVariable(reverse, 'opp_index'), base, source)).toEqual(['d', 'c', 'b', 'a']);
    expect(counterfactualOutput(reverse, programVariable(reverse, 'reverse'), base, source)).toEqual(evaluateProgram(reverse, source));
  });

  it("sort with the source's target positions places the base's tokens where the source's would go", () => {
    // The source is sorted already: every token stays where it is, so the base comes out unsorted.
    expect(counterfactualOutput(sort, programVariable(sort, 'target_pos'), [3, 1, 2], [1, 2, 3])).toEqual([3, 1, 2]);
    // The source [2, 3, 1] sends position 0 to 1, 1 to 2 and 2 to 0: the base's tokens are moved the same way.
    expect(counterfactualOutput(sort, programVariable(sort, 'target_pos'), [1, 2, 3], [2, 3, 1])).toEqual([3, 1, 2]);
  });

  it('hist with the tokens of the source counts in the source; downstream only is recomputed', () => {
    expect(counterfactualOutput(hist, programVariable(hist, 'tokens'), [1, 2, 3], [2, 2, 1])).toEqual([2, 2, 1]);
    expect(counterfactualOutput(hist, programVariable(hist, 'hist'), [1, 1, 1], [2, 2, 1])).toEqual([2, 2, 1]);
  });

  it('at one position, the source may have another length: reverse with the length of a longer source reads further right', () => {
    // Position 1 of a length-4 base with length 5: opp_index = 5 - 1 - 1 = 3, so it reads the base's last token.
    expect(counterfactualOutput(reverse, programVariable(reverse, 'length'), ['a', 'b', 'c', 'd'], ['e', 'e', 'e', 'e', 'e'], 1)).toEqual(['d', 'd', 'b', 'a']);
  });

  it('refuses a variable the program lacks, naming the ones it has, and inputs of different lengths', () => {
    expect(() => programVariable(reverse, 'opp_idx')).toThrow(
      /program 'reverse' has no variable 'opp_idx' \(it has tokens, indices, length, opp_index, reverse\)/,
    );
    expect(() => counterfactualOutput(reverse, programVariable(reverse, 'tokens'), ['a'], ['a', 'b'])).toThrow(/length 1 and a source of length 2/);
  });
});
