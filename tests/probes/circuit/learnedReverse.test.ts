/**
 * Discovery's held-to on the learned reverse fixture: the circuit ACDC finds holds the learned
 * heads that compare matches to the compiled length and flip heads, and the circuit alone keeps at
 * least 95% of the full model's exact match.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../../cli/harness.ts';

interface NodeMap {
  readonly compiled: string;
  readonly learned: string | null;
  readonly by: string;
}

describe('discover on the learned reverse, against the compiled one', () => {
  it('finds the matched length and flip heads, and the circuit keeps ≥ 95% of exact match', async () => {
    const r = await cli(
      'discover',
      'fixtures/models/reverse.learned.safetensors',
      '--against',
      'fixtures/models/reverse.compiled.safetensors',
      '--samples',
      '100',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out) as {
      results: { method: string; circuit: { nodes: string[] }; exactMatch: { full: number; circuit: number } }[];
      against: { nodes: NodeMap[] }[];
    };
    const i = d.results.findIndex((x) => x.method === 'acdc');
    const acdc = d.results[i];
    expect(d.against).toHaveLength(d.results.length);
    // compiled 0.0 computes length, 1.0 reads the flipped position
    const heads = ['0.0', '1.0'].map((h) => d.against[i].nodes.find((n) => n.compiled === h));
    for (const h of heads) {
      expect(h?.by).toBe('head match');
      expect(acdc.circuit.nodes).toContain(h!.learned);
    }
    expect(acdc.exactMatch.circuit).toBeGreaterThanOrEqual(0.95 * acdc.exactMatch.full);
  });
});
