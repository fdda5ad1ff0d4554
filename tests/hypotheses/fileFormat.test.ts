import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHypotheses, parseHypotheses } from '../../probes/hypotheses/fileFormat.ts';
import { claimKind } from '../../probes/hypotheses/claims.ts';
import { FIXTURES } from './support.ts';

const parse = (text: string) => parseHypotheses(text, '/hyp/h.yaml');
const fails = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
};

describe('hypothesis files', () => {
  it('reads YAML: every kind, told apart by its key; the program and relative model paths', () => {
    const h = parse(`program: reverse
claims:
  - { name: flip, head: "1.0", implements: flip, match: argmax }
  - { ablate: [mlp0.n3, "1.0"], output: unchanged, mode: mean }
  - { neuron: mlp0.n0, tracks: indices == 0, above: 0.1 }
  - { encodes: opp_index, at: 1, directions: "17-19" }
  - { invariant: permute, outputs: follow, maxLen: 3 }
  - { agrees: ../models/other.safetensors, ablate: "0.0" }
`);
    expect(h.program).toBe('reverse');
    expect(h.claims.map(claimKind)).toEqual(['head', 'ablate', 'neuron', 'encodes', 'invariant', 'agrees']);
    expect(h.claims[3]).toMatchObject({ directions: [17, 18, 19] });
    expect(h.claims[5]).toMatchObject({ agrees: '/models/other.safetensors' });
  });

  it('reads JSON, and a bare list of claims', () => {
    const h = parseHypotheses('[{"head": "0.0", "implements": "select(tokens, tokens, True)"}]', 'h.json');
    expect(h.claims).toHaveLength(1);
    expect(h.program).toBeUndefined();
  });

  it('the example files parse', () => {
    for (const f of ['reverse.yaml', 'reverse.learned.yaml', 'reverse.learned.false.yaml'])
      expect(loadHypotheses(join(FIXTURES, 'hypotheses', f)).claims.length).toBeGreaterThanOrEqual(3);
  });

  it('names the file, the claim and the key in every mistake', () => {
    expect(fails('claims:\n  - { head: 1.0, implements: flip }')).toBe(
      '/hyp/h.yaml: claim 1: \'head\' must be a string such as "1.0" (quote it: YAML reads 1.0 as the number 1)',
    );
    expect(fails('claims:\n  - { name: x, head: "1.0", implements: flip, threshold: 2 }')).toBe(
      "/hyp/h.yaml: claim 1 (x): 'threshold' must be a number in (0, 1], got 2",
    );
    expect(fails('- { head: "1.0", implements: flip }\n- { head: "1.0", implement: flip }')).toMatch(
      /^\/hyp\/h\.yaml: claim 2: unknown key 'implement' in this 'head' claim/,
    );
    expect(fails('- { head: "1.0" }')).toBe("/hyp/h.yaml: claim 1: this 'head' claim needs 'implements'");
    expect(fails('- { ablate: "1.0", output: gone }')).toMatch(/'output' must be one of unchanged, changed, got "gone"/);
    expect(fails('- { ablate: "1.0", output: changed, mode: half }')).toMatch(/'mode' must be one of zero, mean, resample/);
    expect(fails('- { head: "1.0", neuron: mlp0.n1 }')).toMatch(/claim 1: one claim per entry; this one has head and neuron/);
    expect(fails('- { name: nothing }')).toMatch(/say what is claimed with one of the keys head, ablate/);
    expect(fails('- { invariant: shuffle }')).toMatch(/'invariant' must be one of permute, reverse, relabel/);
    expect(fails('- { encodes: x, at: [1] }')).toMatch(/'at' must be a hook name/);
    expect(fails('- { invariant: reverse, minLen: 3, maxLen: 2 }')).toMatch(/'minLen' 3 is above 'maxLen' 2/);
    expect(fails('- 3')).toMatch(/claim 1: a claim must be a mapping/);
  });

  it('an unquoted head is quoted back as it was written, not as the number YAML made of it', () => {
    expect(fails('- { head: 3.0, implements: flip }')).toBe(
      '/hyp/h.yaml: claim 1: \'head\' must be a string such as "3.0" (quote it: YAML reads 3.0 as the number 3)',
    );
    expect(fails('claims:\n  - head: 1.10\n    implements: flip\n')).toBe(
      '/hyp/h.yaml: claim 1: \'head\' must be a string such as "1.10" (quote it: YAML reads 1.10 as the number 1.1)',
    );
  });

  it('names the line and column of a YAML syntax error, and odd top levels', () => {
    expect(fails('claims:\n  - { head: "1.0", implements: flip\n')).toMatch(/^\/hyp\/h\.yaml:\d+:\d+: /);
    expect(fails('claims: []')).toBe('/hyp/h.yaml: the file makes no claims');
    expect(fails('claim: []')).toMatch(/unknown top-level key 'claim'/);
    expect(fails('42')).toMatch(/expected a list of claims/);
    expect(() => loadHypotheses('/no/such/h.yaml')).toThrow("cannot read hypothesis file '/no/such/h.yaml': no such file");
  });
});
