/**
 * The spec's landscape and circuit analyses per job: the volume of the minimum, the barrier on the
 * line to a reference model (relative to the spec), ACDC's circuit against the known one; each
 * figure in the index. Tiny: a compiled reverse fine-tuned for two steps, a few probe inputs.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepSpec } from '../../src/zoo/spec.ts';
import { cli, tempDir } from '../cli/harness.ts';

const SPEC = `programs: [reverse]
training: { initFrom: compiled.safetensors, vocab: [a, b, c], maxLen: 3, steps: 2, batch: 8, lr: 0.0001, testSize: 16 }
seeds: [0]
analyses:
  volume: { directions: 2, samples: 16 }
  connect: { reference: compiled.safetensors, points: 3, samples: 16 }
  discovery: { samples: 8 }
`;

describe('sweep analyses: volume, connect, discovery', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('puts every analysis’s figures into the index', async () => {
    copyFileSync('fixtures/models/reverse.compiled.safetensors', join(tmp.dir, 'compiled.safetensors'));
    const spec = join(tmp.dir, 'spec.yaml');
    writeFileSync(spec, SPEC);
    const zoo = join(tmp.dir, 'zoo');
    const r = await cli('sweep', spec, '-o', zoo, '--workers', '1', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ done: 1, failed: [] });
    const q = await cli('zoo', zoo, '--json');
    const [row] = JSON.parse(q.out) as { figures: Record<string, Record<string, unknown>>; [c: string]: unknown }[];
    // two steps at a tiny learning rate leave the compiled model's function as it was: no accuracy lost on the line to it (the
    // loss does rise, as fine-tuning scaled the unembedding ×30: setup.ts), and its known circuit is found
    expect(Number.isFinite(row.barrier_loss)).toBe(true);
    expect(row.barrier_acc).toBe(0);
    expect(row.figures.connect).toMatchObject({ reference: 'compiled.safetensors', points: 3 });
    expect(Number.isFinite(row.log_volume)).toBe(true);
    expect(row.figures.volume).toMatchObject({ directions: 2 });
    expect(row.circuit_edges as number).toBeGreaterThan(0);
    expect(row.edge_auc as number).toBeGreaterThan(0.5);
    expect(row.edge_auc).toBe(1);
    // every node of the compiled reverse is in its circuit: no negatives, so no node AUC
    expect(row.node_auc).toBeNull();
    expect(row.figures.discovery.edges as string[]).toHaveLength(row.circuit_edges as number);
  });

  it('refuses a connect without a reference, and a path of one point, naming the place', () => {
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\nanalyses:\n  connect: { points: 3 }\n', 's.yaml')).toThrow(
      /^s\.yaml:4:3: analyses\.connect needs 'reference'/,
    );
    expect(() =>
      parseSweepSpec(
        'programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\nanalyses:\n  connect: { reference: m.safetensors, points: 1 }\n',
        's.yaml',
      ),
    ).toThrow(/^s\.yaml:4:48: 'points' must be at least 2/);
    expect(() => parseSweepSpec('programs: [reverse]\nsizes: [{ layers: 1, heads: 1, dModel: 8 }]\nanalyses:\n  volume: { rise: -1 }\n', 's.yaml')).toThrow(
      /^s\.yaml:4:19: 'rise' must be a positive number, got -1$/,
    );
  });
});
