import { describe, expect, it } from 'vitest';
import { adamWUpdate, decays, globalNorm, initAdamW, type AdamWConfig } from '../../src/train/optimizer.ts';

const cfg: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };

/** AdamW by hand, in float64, for one scalar component (gradients already clipped). */
function reference(p: number, grads: number[], lr: number, wd: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = cfg.beta1 * m + (1 - cfg.beta1) * g;
    v = cfg.beta2 * v + (1 - cfg.beta2) * g * g;
    const mh = m / (1 - cfg.beta1 ** t);
    const vh = v / (1 - cfg.beta2 ** t);
    p = p * (1 - lr * wd) - (lr * mh) / (Math.sqrt(vh) + cfg.eps);
  });
  return p;
}

function run(p0: { values: number[]; decays: boolean }[], grads: number[][][], lr: number, clip: number) {
  const params = p0.map((p) => Float32Array.from(p.values));
  const state = initAdamW(params.map((p) => p.length));
  const norms = grads.map((g) =>
    adamWUpdate(
      params,
      g,
      state,
      lr,
      cfg,
      p0.map((p) => p.decays),
      clip,
    ),
  );
  return { values: params.map((p) => Array.from(p)), t: state.t, norms };
}

describe('AdamW', () => {
  it('matches the update rule computed by hand over several steps, per parameter', () => {
    const p0 = [
      { values: [0.5, -1.5, 2.0], decays: true },
      { values: [0.25, -0.75], decays: false },
    ];
    const gs = [
      [
        [0.1, -0.2, 0.3],
        [0.01, -0.02],
      ],
      [
        [0.05, 0.4, -0.1],
        [0.3, 0.0],
      ],
      [
        [-0.3, 0.1, 0.2],
        [-0.1, 0.1],
      ],
    ];
    const r = run(p0, gs, 0.01, 0);
    expect(r.t).toBe(3);
    p0.forEach((p, k) =>
      p.values.forEach((x, i) =>
        expect(r.values[k][i]).toBeCloseTo(
          reference(
            x,
            gs.map((g) => g[k][i]),
            0.01,
            p.decays ? 0.1 : 0,
          ),
          6,
        ),
      ),
    );
  });

  it('decays weights directly (decoupled): a zero gradient still shrinks a decayed matrix, not a bias', () => {
    const r = run(
      [
        { values: [2], decays: true },
        { values: [2], decays: false },
      ],
      [[[0], [0]]],
      0.1,
      0,
    );
    expect(r.values[0][0]).toBeCloseTo(2 * (1 - 0.1 * 0.1), 6);
    expect(r.values[1][0]).toBe(2);
  });

  it('decays matrices but not biases or layer-norm parameters', () => {
    expect(decays('blocks.0.attn.W_Q', [1, 4, 4])).toBe(true);
    expect(decays('blocks.0.attn.b_Q', [1, 4])).toBe(false);
    expect(decays('blocks.0.ln1.w', [4])).toBe(false);
    expect(decays('unembed.W_U', [4, 3])).toBe(true);
  });
});

describe('clipping by global norm', () => {
  const p0 = [
    { values: [0, 0], decays: false },
    { values: [0], decays: false },
  ];
  it('reports the norm of all gradients together, before clipping', () => {
    expect(globalNorm([[3, 0], [4]])).toBe(5);
    expect(run(p0, [[[3, 0], [4]]], 0.1, 1).norms).toEqual([5]);
  });
  it('scales every gradient by the same factor (visible through Adam’s second step)', () => {
    // Adam's first step is scale-free, its second is not: compare to the hand rule on clipped gradients.
    const raw = [
      [[3, 0], [4]],
      [[0.3, 0.4], [0]],
    ];
    const clipped = [
      [[0.6, 0], [0.8]],
      [[0.3, 0.4], [0]],
    ]; // norm 5 → ×0.2; the second step is under the limit
    const r = run(p0, raw, 0.1, 1);
    p0.forEach((_, k) =>
      r.values[k].forEach((x, i) =>
        expect(x).toBeCloseTo(
          reference(
            0,
            clipped.map((g) => g[k][i]),
            0.1,
            0,
          ),
          6,
        ),
      ),
    );
    const unclipped = run(p0, raw, 0.1, 0);
    expect(unclipped.values[0][0]).not.toBeCloseTo(r.values[0][0], 4);
  });
});
