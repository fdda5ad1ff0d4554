/**
 * Discovery's held-to on the learned reverse fixture: the circuit ACDC finds holds the learned
 * heads that compare matches to the compiled length and flip heads, and the circuit alone keeps at
 * least 95% of the full model's exact match. Mapped the other way, by what linear probes read from
 * each learned node's output, the compiled length head, opp_index MLP and flip head land on learned
 * nodes that decode length, opp_index and reverse, and the circuit has the compiled edges between them.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../../cli/harness.ts';

interface NodeMap {
  readonly compiled: string;
  readonly learned: string | null;
  readonly by: string;
  readonly variable?: string;
  readonly accuracy?: number;
}

interface Comparison {
  readonly mapping: string;
  readonly nodes: NodeMap[];
  readonly has: { compiled: string; learned: string }[];
  readonly lacks: { compiled: string; learned: string | null }[];
}

describe('discover on the learned reverse, against the compiled one', () => {
  it('finds the matched length and flip heads, and the circuit keeps ≥ 95% of exact match; mapped by probes, it has the compiled path', async () => {
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
      against: Comparison[];
      againstByProbes: Comparison[];
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

    const byProbes = d.againstByProbes[i];
    expect(byProbes.mapping).toBe('probes');
    const image = new Map(byProbes.nodes.map((n) => [n.compiled, n]));
    expect(image.get('1.0')).toMatchObject({ learned: '1.0', by: 'probes', variable: 'reverse' });
    expect(image.get('0.0')).toMatchObject({ by: 'probes', variable: 'length' });
    expect(['0.0', '0.1']).toContain(image.get('0.0')!.learned);
    expect(image.get('mlp0')).toMatchObject({ by: 'probes', variable: 'opp_index' });
    for (const n of ['0.0', 'mlp0', '1.0']) expect(image.get(n)!.accuracy, n).toBeGreaterThanOrEqual(0.9);
    // the length → MLP → flip-query path, and the flip head's key and value, are all in the learned circuit under this mapping too
    expect(byProbes.has.map((e) => e.compiled)).toEqual(expect.arrayContaining(['0.0->mlp0:in', 'mlp0->1.0:q', 'pos_embed->1.0:k', 'embed->1.0:v']));
  });
});
