/**
 * Matching heads of a compiled model (lengths 1–10) against a learned one (trained on 1–8) uses
 * the lengths both know: the learned flip head matches the compiled one there.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/harness.ts';

const models = join(import.meta.dirname, '..', '..', 'fixtures', 'models');
const compiled = join(models, 'reverse.compiled.safetensors');
const learned = join(models, 'reverse.learned.safetensors');

describe('attention --against on the reverse fixtures', () => {
  it('probes lengths 1–8 and matches the compiled flip head 1.0 to a learned head', async () => {
    const r = await cli('attention', compiled, '--against', learned, '--samples', '150', '--backend', 'cpu', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as {
      matches: { head: { layer: number; head: number }; best: { layer: number; head: number }; similarity: number; matched: boolean }[];
    };
    const flip = j.matches.find((m) => m.head.layer === 1 && m.head.head === 0)!;
    expect(flip.matched).toBe(true);
    expect(flip.best.layer).toBe(1);
    expect(flip.similarity).toBeGreaterThan(0.9);
  });
});
