import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/index.ts';
import { discover, parseDiscoveryCorruption } from '../../../probes/circuit/discover.ts';
import { nodeBaseline } from '../../../probes/circuit/nodeBaseline.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { isUserError } from '../../../src/rasp/errors.ts';
import { parseProgram } from '../../../src/rasp/load.ts';
import { compiledLibrary, fastBackend } from '../../hypotheses/support.ts';
import { decoyNodes, withDecoys } from '../../support/decoys.ts';
import { loaded } from '../../support/loaded.ts';
import { userError } from '../../support/userError.ts';

beforeAll(async () => {
  await fastBackend();
});

const { program, model: base } = compiledLibrary('reverse', { maxLen: 4 });
const model = withDecoys(base);
const task = modelTask(model);
const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
const input = () => ({ model: loaded(model), program, set, task });

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isUserError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  return expect.fail('expected a user error');
}

describe('discovery on compiled reverse with decoys', () => {
  it('EAP-IG ranks the true circuit first, and its circuits grow faithful as they grow', async () => {
    const [d] = await discover(input(), ['eap-ig'], { steps: 5 });
    expect(d.against!.nodes.rocAuc).toBe(1);
    expect(d.against!.edges.rocAuc).toBe(1);
    expect(d.against!.edges.averagePrecision).toBeCloseTo(1, 12);
    const sizes = d.faithfulness.map((p) => p.edges);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    // the circuit of every edge that scored (the true six) is exactly as good as the model
    expect(d.faithfulness.at(-1)).toMatchObject({ edges: 6, faithfulness: 1 });
    expect(d.faithfulness[0].faithfulness).toBeLessThan(1);
    for (const n of d.nodes.filter((x) => decoyNodes(base).includes(x.node))) expect(n.score).toBe(0);
  });

  it('ACDC at its default threshold keeps the true circuit and nothing else', async () => {
    const [d] = await discover(input(), ['acdc']);
    expect(new Set(d.circuit.edges)).toEqual(new Set(base.labels.circuit!.edges.map((e) => e.edge)));
    expect(d.exactMatch).toEqual({ full: 1, circuit: 1 });
  });

  it('EAP with the plain gradient misses what a saturated softmax or a ReLU step hides, but never picks a decoy', async () => {
    const [d] = await discover(input(), ['eap'], { backward: 'gradient' });
    expect(d.against!.edges.rocAuc).toBeLessThan(1);
    expect(d.nodes.filter((x) => decoyNodes(base).includes(x.node) && x.inCircuit)).toEqual([]);
  });

  it('EAP with the secant backward (the default) finds it: edge AUC 1, no decoy', async () => {
    const [d] = await discover(input(), ['eap']);
    expect(d.backward).toBe('secant');
    expect(d.against!.edges.rocAuc).toBe(1);
    expect(d.nodes.filter((x) => decoyNodes(base).includes(x.node) && x.inCircuit)).toEqual([]);
  });
});

describe('the node baseline: the ablation profile, one score per node', () => {
  it('zero ablation ranks every node of the circuit above the decoys, which cost nothing', async () => {
    const b = await nodeBaseline(loaded(model), set, 'zero');
    expect(b.nodes.map((n) => n.node)).toEqual(['embed', 'pos_embed', '0.0', '0.1', 'mlp0', '1.0', '1.1']);
    expect(b.against!.rocAuc).toBe(1);
    for (const n of b.nodes.filter((x) => decoyNodes(base).includes(x.node))) expect(n).toMatchObject({ score: 0, inCircuit: false });
    // the two embeddings are ablated together
    expect(b.nodes[0].score).toBe(b.nodes[1].score);
  });
});

describe('what discovery refuses', () => {
  it('a threshold outside the method’s range', async () => {
    expect(await rejection(discover(input(), ['acdc'], { threshold: -1 }))).toMatch(/--threshold -1: a threshold is a number ≥ 0/);
    expect(await rejection(discover(input(), ['eap'], { threshold: 2 }))).toMatch(/--threshold 2: eap keeps edges .* \[0, 1\]/);
  });

  it('EAP on the KL divergence, whose gradient at the clean run is zero', async () => {
    expect(await rejection(discover(input(), ['eap'], { metric: 'kl' }))).toMatch(/--metric kl: .* zero/);
  });

  it('an unknown corruption', () => {
    expect(userError(() => parseDiscoveryCorruption('noise'))).toMatch(/unknown corruption 'noise'; use resample, mean, token, length or variable:NAME/);
  });

  it('a model whose output no corruption changes', async () => {
    const constant = parseProgram('# vocab: a b\n# max-len: 3\nsame = tokens == tokens;\n', { file: 'same.rasp' });
    const m = compile(constant, { vocab: ['a', 'b'], maxLen: 3 }).model;
    const t = modelTask(m);
    const s = makeProbeSet(constant, { ...t, n: 8, seed: 0 });
    const msg = await rejection(discover({ model: loaded(m), program: constant, set: s, task: t }, ['acdc']));
    expect(msg).toMatch(/program same: the 'mean' corruption changes no output of the model/);
    expect(await rejection(discover({ model: loaded(m), program: constant, set: s, task: t }, ['acdc'], { corruption: 'token' }))).toMatch(
      /no input has a 'token' corruption that changes the program's output/,
    );
  });
});
