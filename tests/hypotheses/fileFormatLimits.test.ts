/**
 * The counts a hypothesis file sets (claims, a claim's directions, fit inputs and lengths) stop at
 * their ceilings while the file is read, before anything is expanded or drawn: a range such as
 * "0-1000000000" is counted, never listed.
 */
import { describe, expect, it } from 'vitest';
import { parseHypotheses } from '../../probes/hypotheses/fileFormat.ts';
import { userError } from '../support/userError.ts';

const parse = (text: string) => parseHypotheses(text, '/hyp/h.yaml');

describe('hypothesis files above their ceilings', () => {
  it('a range of directions is counted before it is expanded', () => {
    // Expanded, 10^9 directions would exhaust memory long before the per-test timeout.
    expect(userError(() => parse('- { encodes: opp_index, at: 1, directions: "0-1000000000" }'))).toBe(
      `/hyp/h.yaml: claim 1: 'directions' "0-1000000000" (1000000001 directions) is above the ceiling of 4096; ` +
        'raise it with RASPLAB_MAX_D_MODEL if you mean it',
    );
  });

  it('a list of directions', () => {
    const list = Array.from({ length: 5000 }, (_, i) => i).join(', ');
    expect(userError(() => parse(`- { encodes: opp_index, at: 1, directions: [${list}] }`))).toMatch(
      /claim 1: 'directions' a list of 5000 directions is above the ceiling of 4096/,
    );
  });

  it('fit inputs', () => {
    expect(userError(() => parse('- { encodes: opp_index, at: 1, fit: 1000000000 }'))).toBe(
      "/hyp/h.yaml: claim 1: 'fit' 1000000000 is above the ceiling of 100000; raise it with RASPLAB_MAX_SAMPLES if you mean it",
    );
  });

  it("a claim's lengths", () => {
    expect(userError(() => parse('- { invariant: permute, maxLen: 100000000 }'))).toBe(
      "/hyp/h.yaml: claim 1: 'maxLen' 100000000 is above the ceiling of 1024; raise it with RASPLAB_MAX_LEN if you mean it",
    );
  });

  it('the number of claims', () => {
    const text = Array.from({ length: 10_001 }, () => '- { invariant: permute }').join('\n');
    expect(userError(() => parse(text))).toBe(
      '/hyp/h.yaml: a file of 10001 claims is above the ceiling of 10000; raise it with RASPLAB_MAX_CLAIMS if you mean it',
    );
  });

  it('counts within the ceilings read as before', () => {
    const h = parse('- { encodes: opp_index, at: 1, directions: "17-19", fit: 64, maxLen: 5 }');
    expect(h.claims[0]).toMatchObject({ directions: [17, 18, 19], fit: 64, maxLen: 5 });
  });
});
