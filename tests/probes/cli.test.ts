/**
 * The probe commands end to end: compile the library's reverse to a file, then run each command
 * with --json.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli/harness.ts';

describe('probe commands', () => {
  const tmp = tempDir();
  const model = join(tmp.dir, 'rev.safetensors');
  beforeAll(async () => {
    const r = await cli('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '4', '-o', model);
    expect(r.code, r.err).toBe(0);
  });
  afterAll(() => tmp.cleanup());
  const json = async (...argv: string[]) => {
    const r = await cli(...argv, '--backend', 'cpu', '--json');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out);
  };

  it('ablate --sweep --json prints the ablation profile', async () => {
    const p = await json('ablate', model, '--sweep', '--samples', '100');
    expect(p.components.length).toBeGreaterThan(3);
    for (const c of p.components) expect(Object.keys(c)).toEqual(expect.arrayContaining(['component', 'mode', 'exactMatch', 'tokenAccuracy', 'loss']));
    expect(p.components.find((c: { component: string }) => c.component === '1.0').exactMatch).toBeLessThan(0.5);
  });

  it('ablate --sweep --threads 2 prints what one thread prints, and --threads refuses what is not a count', async () => {
    const args = ['ablate', model, '--sweep', '--neurons', '--samples', '60'];
    expect(await json(...args, '--threads', '2')).toEqual(await json(...args, '--threads', '1'));
    const r = await cli(...args, '--threads', 'two');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe("rasplab: --threads must be 'auto' or an integer from 1 to 64, got 'two'");
  });

  it('ablate one head in mean mode, and names a missing head', async () => {
    const p = await json('ablate', model, '--head', '1.0', '--mode', 'mean', '--samples', '100');
    expect(p.components).toHaveLength(1);
    const bad = await cli('ablate', model, '--head', '3.0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/3\.0.*2 layers/);
  });

  it('probe, prune, patch, neurons, attention and compare print JSON', async () => {
    const probe = await json('probe', model, '--samples', '100', '--steps', '20');
    expect(probe.variables.find((v: { variable: string }) => v.variable === 'reverse').firstDecodable).toBe(2);
    const prune = await json('prune', model, '--method', 'heads', '--sparsities', '0,1', '--samples', '50');
    expect(prune.curves[0].points[0].exactMatch).toBe(1);
    const patch = await json('patch', model, '--component', '1.0', '--samples', '50');
    expect(patch.results[0].recovery).toBeCloseTo(1, 4);
    const neurons = await json('neurons', model, '--samples', '50', '--variables');
    expect(neurons.layers[0].dMlp).toBeGreaterThan(0);
    const att = await json('attention', model, '--input', 'a b c');
    expect(att.heads).toHaveLength(2);
    const cmp = await json('compare', model, model, '--samples', '50');
    expect(cmp.outputs.inRange.agreement).toBe(1);
  });

  it("probe marks a variable the compiled model holds only some values of as partial (count's tokens: a only)", async () => {
    const count = join(tmp.dir, 'count.safetensors');
    expect((await cli('compile', 'count', '--vocab', 'a,b,c', '--max-len', '3', '-o', count)).code).toBe(0);
    const r = await cli('probe', count, '--samples', '50', '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/│ tokens +│.*│ 0 partial +│/);
    expect(r.out).toMatch(/│ count +│.*│ 1 +│/);
    expect(r.out).toContain('only some values have directions of their own: tokens (a)');
  });
});
