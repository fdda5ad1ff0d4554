import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/model/forward.ts';
import { hookNames, hookShape, type HookName } from '../../src/model/hooks.ts';
import { disposeParams, paramsFromModel } from '../../src/model/params.ts';
import type { ModelConfig, ModelData } from '../../src/model/types.ts';
import { referenceForward } from '../support/referenceForward.ts';
import { previousTokenModel, randomModel, tinyConfig } from '../support/tinyModels.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(m: ModelData, tokens: number[][], lengths?: number[], opts: Parameters<typeof forward>[3] = {}) {
  const params = paramsFromModel(m);
  try {
    return tf.tidy(() => {
      const t = tf.tensor2d(tokens, undefined, 'int32');
      const r = forward(m.config, params, { tokens: t, lengths }, opts);
      return r.logits.arraySync();
    });
  } finally {
    disposeParams(params);
  }
}

function expectClose(got: number[][][], want: number[][][], tol = 2e-4, only?: (b: number, p: number) => boolean): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, b) =>
    row.forEach((v, p) => {
      if (only && !only(b, p)) return;
      v.forEach((x, o) => {
        const w = want[b][p][o];
        if (Math.abs(x - w) > tol * Math.max(1, Math.abs(w))) expect.fail(`logit [${b}][${p}][${o}]: tfjs ${x}, reference ${w}`);
      });
    }),
  );
}

const TOKENS = [
  [0, 1, 2, 3, 1, 2],
  [0, 3, 3, 0, 0, 0],
  [0, 2, 0, 0, 0, 0],
];
const LENGTHS = [6, 3, 2];

describe('forward matches the plain-JS reference', () => {
  const variants: [string, Partial<ModelConfig>][] = [
    ['LN, gelu, causal, mixed layers', {}],
    ['no normalisation, relu', { normalization: 'none', actFn: 'relu' }],
    ['bidirectional', { causal: false }],
    [
      'attention only, attnScale 1',
      {
        layers: [
          { nHeads: 3, dHead: 2, dMlp: 0 },
          { nHeads: 2, dHead: 5, dMlp: 0 },
        ],
        attnScale: 1,
      },
    ],
    ['MLP only', { layers: [{ nHeads: 0, dHead: 0, dMlp: 7 }] }],
    ['no layers', { layers: [] }],
    ['numerical output', { output: { encoding: 'numerical' } }],
  ];
  for (const [name, over] of variants)
    it(name, () => {
      const m = randomModel(tinyConfig(over), 3);
      const lengths = LENGTHS;
      const want = referenceForward(m, TOKENS, lengths).logits;
      // Padding positions (p >= length) are computed too but nobody reads them; compare the valid ones.
      expectClose(run(m, TOKENS, lengths), want, 2e-4, (b, p) => p < lengths[b]);
    });

  it('without lengths, every position is a key (and the padding mask matters when given)', () => {
    const m = randomModel(tinyConfig({ causal: false }), 5);
    const full = run(m, TOKENS);
    expectClose(full, referenceForward(m, TOKENS).logits);
    const padded = run(m, TOKENS, LENGTHS);
    // Row 1 has 3 valid positions: masking keys 3..5 must change what position 0 sees.
    expect(Math.abs(full[1][0][0] - padded[1][0][0])).toBeGreaterThan(1e-4);
  });

  it('a query that sees no key (visible keys all 0) attends to nothing: its pattern is 0, not NaN', () => {
    const m = randomModel(tinyConfig({ causal: false }), 5);
    const params = paramsFromModel(m);
    try {
      const nPos = TOKENS[0].length;
      const visible = new Float32Array(TOKENS.length * nPos).fill(1).fill(0, 0, nPos);
      const pattern = tf.tidy(() => {
        const t = tf.tensor2d(TOKENS, undefined, 'int32');
        const r = forward(m.config, params, { tokens: t, visibleKeys: [visible] }, { cache: (h) => h === 'blocks.0.attn.hook_pattern' });
        return r.cache.get('blocks.0.attn.hook_pattern')!.arraySync() as number[][][][];
      });
      expect(pattern[0].flat(2).every((v) => v === 0)).toBe(true);
      expect(pattern[1].flat(2).some((v) => v > 0)).toBe(true);
      expect(pattern.flat(3).some(Number.isNaN)).toBe(false);
    } finally {
      disposeParams(params);
    }
  });

  it('causal: a position is unaffected by later tokens', () => {
    const m = randomModel(tinyConfig(), 7);
    const a = run(m, [[0, 1, 2, 3]]);
    const b = run(m, [[0, 1, 2, 1]]);
    expectClose(a, b, 1e-6, (_, p) => p < 3);
    expect(Math.abs(a[0][3][0] - b[0][3][0])).toBeGreaterThan(1e-6);
  });

  it('padding: extra padding positions do not change the valid ones', () => {
    const m = randomModel(tinyConfig({ causal: false }), 8);
    const short = run(m, [[0, 1, 2]], [3]);
    const long = run(m, [[0, 1, 2, 0, 0, 0]], [3]);
    expectClose(long, short, 1e-5, (_, p) => p < 3);
  });
});

describe('hooks', () => {
  it('zeroing attn.hook_pattern removes the head: previous-token model becomes a copy model', () => {
    const m = previousTokenModel(['a', 'b', 'c']);
    const toks = [[0, 1, 2, 3, 2, 1]];
    const argmax = (l: number[][][]) => l[0].slice(1).map((v) => v.indexOf(Math.max(...v)));
    const plain = argmax(run(m, toks));
    // Input a b c b a: previous token (position 1 sees BOS, which leaves the token itself).
    expect(plain).toEqual([0, 0, 1, 2, 1]);
    const zeroed = run(m, toks, undefined, { hooks: { 'blocks.0.attn.hook_pattern': (t) => tf.zerosLike(t) } });
    expect(argmax(zeroed)).toEqual([0, 1, 2, 1, 0]);
  });

  it('zeroing a pattern on a random model matches the reference with that layer silenced', () => {
    const m = randomModel(tinyConfig(), 11);
    const got = run(m, TOKENS, LENGTHS, { hooks: { 'blocks.1.attn.hook_pattern': (t) => tf.zerosLike(t) } });
    const want = referenceForward(m, TOKENS, LENGTHS, { zeroPatternLayers: [1] }).logits;
    expectClose(got, want, 2e-4, (b, p) => p < LENGTHS[b]);
    expectClose(run(m, TOKENS, LENGTHS), referenceForward(m, TOKENS, LENGTHS).logits, 2e-4, (b, p) => p < LENGTHS[b]);
  });

  it('patterns in the cache equal the reference patterns', () => {
    const m = randomModel(tinyConfig(), 12);
    const params = paramsFromModel(m);
    const got = tf.tidy(() => {
      const r = forward(m.config, params, { tokens: tf.tensor2d(TOKENS, undefined, 'int32'), lengths: LENGTHS }, { cache: (h) => h.endsWith('hook_pattern') });
      return [...r.cache].map(([h, t]) => [h, t.arraySync()] as const);
    });
    disposeParams(params);
    const ref = referenceForward(m, TOKENS, LENGTHS).patterns;
    expect(got.map(([h]) => h)).toEqual(['blocks.0.attn.hook_pattern', 'blocks.1.attn.hook_pattern']);
    for (const [h, arr] of got) {
      const l = Number(h.split('.')[1]);
      const a = arr as number[][][][];
      a.forEach((byHead, b) =>
        byHead.forEach((rows, head) => rows.forEach((row, q) => row.forEach((x, k) => expect(x).toBeCloseTo(ref[b][l][head][q][k], 5)))),
      );
    }
  });

  it('the cache holds every hook point with TransformerLens shapes; hook_result sums to attn_out', () => {
    const config = tinyConfig();
    const m = randomModel(config, 13);
    const params = paramsFromModel(m);
    const [B, P, D] = [3, 6, config.dModel];
    const shapes = new Map<HookName, number[]>();
    tf.tidy(() => {
      const r = forward(config, params, { tokens: tf.tensor2d(TOKENS, undefined, 'int32'), lengths: LENGTHS }, { cache: true });
      const summed = tf.add(tf.sum(r.cache.get('blocks.0.attn.hook_result')!, 2), params.get('blocks.0.attn.b_O')!);
      const diff = tf.max(tf.abs(tf.sub(summed, r.cache.get('blocks.0.hook_attn_out')!))).dataSync()[0];
      expect(diff).toBeLessThan(1e-5);
      for (const [h, t] of r.cache) shapes.set(h, t.shape);
    });
    disposeParams(params);
    expect([...shapes.keys()]).toEqual(hookNames(config));
    const expected = (h: HookName): number[] => {
      const l = Number(h.split('.')[1]);
      const L = config.layers[l];
      if (/hook_(q|k|v|z)$/.test(h)) return [B, P, L.nHeads, L.dHead];
      if (/hook_(attn_scores|pattern)$/.test(h)) return [B, L.nHeads, P, P];
      if (h.endsWith('hook_result')) return [B, P, L.nHeads, D];
      if (h.includes('mlp.hook_')) return [B, P, L.dMlp];
      if (h.endsWith('hook_scale')) return [B, P, 1];
      if (h === 'unembed.hook_out') return [B, P, 3];
      return [B, P, D];
    };
    for (const [h, s] of shapes) expect(s, h).toEqual(expected(h));
    // The hook table says the same of every hook.
    for (const [h, s] of shapes) expect(hookShape(config, h, B, P), h).toEqual(s);
    // Layer 2 has no heads, layer 1 no MLP: their (zero) outputs still show.
    expect(shapes.has('blocks.2.hook_attn_out')).toBe(true);
    expect(shapes.has('blocks.1.hook_mlp_out')).toBe(true);
    expect(shapes.has('blocks.2.attn.hook_q')).toBe(false);
  });

  it('hook_result is not computed unless observed; hooking it changes attn_out', () => {
    const m = randomModel(tinyConfig(), 14);
    const partial = new Set<string>();
    const seen = run(m, TOKENS, LENGTHS, {
      cache: (h) => {
        partial.add(h);
        return false;
      },
    });
    expect(seen.length).toBe(3);
    expect(partial.has('blocks.0.attn.hook_result')).toBe(true); // asked, and declined
    // Zeroing head 1 of layer 0 through hook_result = removing its W_O.
    const killHead = (t: tf.Tensor) => tf.mul(t, tf.tensor([1, 0], [1, 1, 2, 1]));
    const hooked = run(m, TOKENS, LENGTHS, { hooks: { 'blocks.0.attn.hook_result': killHead } });
    const w = new Map(m.weights);
    const wo = w.get('blocks.0.attn.W_O')!;
    const data = Float32Array.from(wo.data);
    data.fill(0, data.length / 2);
    w.set('blocks.0.attn.W_O', { shape: wo.shape, data });
    expectClose(hooked, run({ ...m, weights: w }, TOKENS, LENGTHS), 1e-4, (b, p) => p < LENGTHS[b]);
  });

  it('a hook of the wrong shape is refused with the hook name', () => {
    const m = randomModel(tinyConfig(), 15);
    expect(() => run(m, TOKENS, LENGTHS, { hooks: { 'blocks.0.hook_resid_pre': (t) => tf.sum(t, 0) } })).toThrow(/blocks\.0\.hook_resid_pre/);
  });
});

describe('resources and gradients', () => {
  it('repeated forward passes inside tf.tidy leak no tensors', () => {
    const m = randomModel(tinyConfig(), 16);
    const params = paramsFromModel(m);
    const tokens = tf.tensor2d(TOKENS, undefined, 'int32');
    const step = () =>
      tf.tidy(() => {
        const r = forward(m.config, params, { tokens, lengths: LENGTHS }, { cache: true, hooks: { 'blocks.0.attn.hook_result': (t) => tf.mul(t, 2) } });
        return r.logits.sum().dataSync()[0];
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tokens.dispose();
    disposeParams(params);
  });

  it('a gradient reaches every parameter', () => {
    const config = tinyConfig({ causal: false });
    const m = randomModel(config, 17);
    const params = paramsFromModel(m, { trainable: true });
    // Every token and every position appears, so every row of W_E and W_pos is used.
    const tokens = tf.tensor2d(
      [
        [0, 1, 2, 3, 1, 2],
        [0, 3, 2, 1, 3, 3],
      ],
      undefined,
      'int32',
    );
    const target = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 1);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(forward(config, params, { tokens }).logits, target))) as tf.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    // The format keeps ln1/ln2 for every block; a block without heads (or MLP) never reads its ln1 (ln2).
    const unused = (name: string) => {
      const m_ = /^blocks\.(\d+)\.ln(1|2)\./.exec(name);
      if (!m_) return false;
      const L = config.layers[Number(m_[1])];
      return m_[2] === '1' ? L.nHeads === 0 : L.dMlp === 0;
    };
    for (const [name, p] of params) {
      const g = grads[(p as tf.Variable).name];
      if (unused(name)) {
        expect(g, name).toBeUndefined();
        continue;
      }
      expect(g, name).toBeDefined();
      const a = g.abs().max().dataSync()[0];
      expect(Number.isFinite(a), name).toBe(true);
      // b_K shifts every score of a query by the same amount, which softmax ignores: its gradient is 0.
      if (name.endsWith('attn.b_K')) expect(a, name).toBeLessThan(1e-5);
      else expect(a, name).toBeGreaterThan(1e-7);
    }
    tf.dispose([value, tokens, target, ...Object.values(grads)]);
    disposeParams(params);
  });
});
