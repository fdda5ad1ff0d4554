/**
 * `rasplab discover` end to end: a compiled model's circuit found and scored, a learned one mapped
 * onto the compiled one, and every mistake a person can make refused in one line with exit code 2.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './harness.ts';

describe('rasplab discover', () => {
  const tmp = tempDir();
  const model = join(tmp.dir, 'rev.safetensors');
  const constant = join(tmp.dir, 'same.safetensors');
  beforeAll(async () => {
    const r = await cli('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '4', '-o', model);
    expect(r.code, r.err).toBe(0);
    const same = tmp.file('same.rasp', '# vocab: a b\n# max-len: 3\nsame = tokens == tokens;\n');
    const c = await cli('compile', same, '-o', constant);
    expect(c.code, c.err).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('prints the circuit as a table and as a graph, scored against the true circuit', async () => {
    const r = await cli('discover', model, '--samples', '40');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/acdc \(metric kl, corruption mean, τ 0\.01\): 6 of 26 edges, 6 nodes; exact match 100\.0% with the circuit alone/);
    expect(r.out).toMatch(/edges ROC AUC 1\.000, average precision 1\.000/);
    expect(r.out).toMatch(/ {2}1\.0:q +← mlp0\n/);
    expect(r.out).toMatch(/ {2}logits +← 1\.0\n/);
  });

  it('--method all --level node --json: every method, every node scored', async () => {
    const r = await cli('discover', model, '--method', 'all', '--level', 'node', '--samples', '40', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.results.map((d: { method: string }) => d.method)).toEqual(['acdc', 'eap', 'eap-ig']);
    for (const d of j.results) expect(d.nodes.map((n: { node: string }) => n.node)).toEqual(['embed', 'pos_embed', '0.0', 'mlp0', '1.0']);
  });

  it('--against maps a model onto a compiled one: the same model has every true edge and adds none', async () => {
    const r = await cli('discover', model, '--against', model, '--samples', '40', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    for (const c of [j.against[0], j.againstByProbes[0]]) {
      expect(c.has, c.mapping).toHaveLength(6);
      expect(c.lacks).toEqual([]);
      expect(c.adds).toEqual([]);
    }
    const probed = j.againstByProbes[0].nodes.filter((n: { by: string }) => n.by === 'probes');
    expect(probed.map((n: { learned: string }) => n.learned)).toEqual(['0.0', 'mlp0', '1.0']);
    const text = await cli('discover', model, '--against', model, '--samples', '40');
    expect(text.out).toMatch(
      /nodes mapped by probes \(by linear probes[^\n]*\): 0\.0 → 0\.0 \(length 100\.0%\), mlp0 → mlp0 \(opp_index 100\.0%\), 1\.0 → 1\.0/,
    );
    expect(text.out).toMatch(/nodes mapped by head matching \(heads by compare's head matching, MLPs by layer\): 0\.0 → 0\.0, mlp0 → mlp0, 1\.0 → 1\.0\n/);
    expect(text.out).toMatch(/│ mlp0->1\.0:q +│ opp_index +│ has mlp0->1\.0:q +│ has mlp0->1\.0:q +│/);
  });

  it('--baseline: every node ablated alone, scored against the true circuit, beside the method', async () => {
    const r = await cli('discover', model, '--method', 'eap', '--baseline', 'zero', '--samples', '40', '--json');
    expect(r.code, r.err).toBe(0);
    const { baseline, results } = JSON.parse(r.out);
    expect(results.map((d: { method: string }) => d.method)).toEqual(['eap']);
    expect(baseline.mode).toBe('zero');
    expect(baseline.nodes.map((n: { node: string }) => n.node)).toEqual(['embed', 'pos_embed', '0.0', 'mlp0', '1.0']);
    // Every node of compiled reverse is needed: ablating any one of them raises the loss.
    for (const n of baseline.nodes) expect(n.score, n.node).toBeGreaterThan(0);
    const text = await cli('discover', model, '--baseline', 'mean', '--samples', '40', '--level', 'node');
    expect(text.out).toMatch(/node baseline \(mean ablation of each node alone: the loss's rise\); against the true circuit \(5 nodes\)/);
  });

  it('--neurons: each MLP neuron a node, in the table, the graph and --json, scored against the weights’ neurons', async () => {
    const r = await cli('discover', model, '--neurons', '--method', 'eap', '--samples', '40', '--json');
    expect(r.code, r.err).toBe(0);
    const [d] = JSON.parse(r.out).results;
    const neurons = d.nodes.filter((n: { node: string }) => /^mlp0\.n\d+$/.test(n.node));
    expect(neurons.length).toBeGreaterThan(1);
    expect(d.nodes.map((n: { node: string }) => n.node)).not.toContain('mlp0');
    expect(d.against.nodes.rocAuc).toBe(1);
    const text = await cli('discover', model, '--neurons', '--method', 'eap', '--samples', '40', '--level', 'node', '--node', 'mlp0.n0');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/│ mlp0\.n0 +│/);
    expect(text.out).toMatch(/ {2}1\.0:q +← (mlp0\.n\d+, )*mlp0\.n\d+\n/);
  });

  it.each([
    [['--neurons', '--against', 'fixtures/models/reverse.compiled.safetensors'], /--neurons goes without --against/],
    [['--neurons', '--baseline', 'zero'], /--neurons goes without --baseline/],
    [['--neurons', '--node', 'mlp0'], /--node 'mlp0': on the graph with neurons an MLP is its neurons, mlp0\.n0 … mlp0\.n\d+$/m],
    [['--baseline', 'gaussian'], /option '--baseline <mode>' argument 'gaussian' is invalid/],
    [['--method', 'magic'], /option '--method <m>' argument 'magic' is invalid/],
    [['--metric', 'l1'], /option '--metric <m>' argument 'l1' is invalid/],
    [['--node', 'mlp7'], /--node 'mlp7' is not a node of this model \(did you mean 'mlp0'\?\)/],
    [['--threshold', '-0.5'], /--threshold -0\.5: a threshold is a number ≥ 0/],
    [['--method', 'eap', '--threshold', '1.5'], /--threshold 1\.5: eap keeps edges scoring at least τ × the top score, so τ must lie in \[0, 1\]/],
    [['--threshold', 'lots'], /--threshold must be a number, got 'lots'/],
    [['--corruption', 'noise'], /unknown corruption 'noise'/],
    [['--steps', '0'], /--steps must be a whole number from 1 to 100, got '0'/],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    const r = await cli('discover', model, '--samples', '10', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a model whose output no corruption changes, and --against a model that is not compiled', async () => {
    const r = await cli('discover', constant, '--samples', '10');
    expect(r.code).toBe(2);
    // (after the backend line: only a run of the model can tell)
    expect(r.err).toMatch(/\nrasplab: program same: the 'mean' corruption changes no output of the model[^\n]*\n$/);
    const learned = await cli('discover', model, '--against', 'fixtures/models/reverse.learned.safetensors', '--samples', '10');
    expect(learned.code).toBe(2);
    expect(learned.err).toMatch(/--against fixtures\/models\/reverse\.learned\.safetensors: not a compiled model/);
  });
});
