import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';
import { FORMAT_VERSION, type ModelConfig } from '../../src/model/types.ts';
import {
  checkpointPathFor,
  checkResumable,
  deserializeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  serializeCheckpoint,
  type Checkpoint,
} from '../../src/train/checkpoint.ts';
import { expectedShapes } from '../../src/model/shapes.ts';
import { userError } from '../support/userError.ts';
import { checkpointHeader, withCheckpointHeader } from '../support/checkpointBytes.ts';
import { logPathFor } from '../../src/train/log.ts';

const config: ModelConfig = {
  formatVersion: FORMAT_VERSION,
  dModel: 2,
  nCtx: 4,
  vocab: ['BOS', 'a', 1, true],
  layers: [{ nHeads: 1, dHead: 2, dMlp: 0 }],
  output: { encoding: 'categorical', values: ['a', 'b'] },
  normalization: 'none',
  causal: false,
  actFn: 'relu',
  attnScale: Math.SQRT2,
  origin: 'learned',
};

function sample(): Checkpoint {
  const w = (shape: number[], seed: number) => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3) / 7),
  });
  return {
    fingerprint: JSON.stringify({ a: 1 }),
    step: 17,
    seed: 3,
    config,
    labels: { residual: [], heads: [], mlps: [], program: { name: 'p', output: 'o' } },
    names: ['x', 'y'],
    params: [w([2, 3], 1), w([3], 2)],
    m: [w([2, 3], 3), w([3], 4)],
    v: [w([2, 3], 5), w([3], 6)],
    t: 17,
    wallTimeS: 1.5,
    extra: { evals: [[0, 0.25]] },
  };
}

describe('checkpoints', () => {
  it('round-trip every float bit for bit, with their metadata', () => {
    const c = sample();
    const back = deserializeCheckpoint(serializeCheckpoint(c), 'mem');
    expect(back.step).toBe(17);
    expect(back.config).toEqual(config);
    expect(back.extra).toEqual(c.extra);
    for (const g of ['params', 'm', 'v'] as const)
      c[g].forEach((w, i) => {
        expect(back[g][i].shape).toEqual(w.shape);
        expect(Buffer.from(back[g][i].data.buffer).equals(Buffer.from(w.data.buffer))).toBe(true);
      });
  });

  it('are written atomically: the file appears whole and no temporary file is left', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-ckpt-'));
    const file = path.join(dir, 'run.ckpt');
    saveCheckpoint(file, sample());
    saveCheckpoint(file, { ...sample(), step: 18 });
    expect(fs.readdirSync(dir)).toEqual(['run.ckpt']);
    expect(loadCheckpoint(file).step).toBe(18);
  });

  it('reject truncated or foreign files with a user error naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-ckpt-'));
    const file = path.join(dir, 'bad.ckpt');
    const bytes = serializeCheckpoint(sample());
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(() => loadCheckpoint(file)).toThrow(/bad\.ckpt.*truncated/);
    fs.writeFileSync(file, 'hello world, not a checkpoint');
    try {
      loadCheckpoint(file);
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/bad\.ckpt/);
    }
  });

  it('sit beside the output, as does the JSONL log', () => {
    expect(checkpointPathFor('out/learned.safetensors')).toBe('out/learned.ckpt');
    expect(logPathFor('out/learned.safetensors')).toBe('out/learned.train.jsonl');
    expect(logPathFor('model')).toBe('model.train.jsonl');
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawHeader = Record<string, any>;

/** The checkpoint with its JSON header edited and its float data kept. */
function edited(c: Checkpoint, mutate: (h: RawHeader) => void): Uint8Array {
  const bytes = serializeCheckpoint(c);
  const h = checkpointHeader(bytes) as RawHeader;
  mutate(h);
  return withCheckpointHeader(bytes, h);
}

describe('checkpoint contents are checked before a resume uses them', () => {
  const reasons: [string, (h: RawHeader) => void, string][] = [
    ['a negative step', (h) => (h.step = -1), 'step -1 is not a non-negative integer'],
    ['a fractional step', (h) => (h.step = 2.5), 'step 2.5 is not a non-negative integer'],
    ['a step that is text', (h) => (h.step = '17'), 'step "17" is not a non-negative integer'],
    ['a bad config', (h) => (h.config.attnScale = 0), 'config: attnScale 0 is not a positive number'],
    ['labels that are not labels', (h) => (h.labels = 3), 'labels: not a JSON object'],
    ['a name listed twice', (h) => (h.names = ['x', 'x']), 'names lists a tensor twice'],
    ['a group named __proto__', (h) => (h.tensors[0].group = '__proto__'), 'tensors[0].group "__proto__" is not one of params, m, v'],
    ['a group named constructor', (h) => (h.tensors[0].group = 'constructor'), 'tensors[0].group "constructor" is not one of params, m, v'],
    ['an index past the names', (h) => (h.tensors[0].index = 2), 'tensors[0].index 2 is not below the 2 names'],
    ['a tensor missing', (h) => h.tensors.splice(5, 1), "v has no tensor for 'y'"],
    ['a length unlike the shape', (h) => (h.tensors[0].shape = [2, 2]), 'tensors[0] holds 6 values, its shape [2, 2] needs another count'],
    ['a moment unlike its weight', (h) => ((h.tensors[2].shape = [3, 2]), (h.tensors[2].length = 6)), "m of 'x' has shape [3, 2], its weight [2, 3]"],
    ['extra that is not an object', (h) => (h.extra = []), 'extra is not an object'],
    ['a warm-up that is text', (h) => (h.extra.warmup = 'x'), 'extra.warmup "x" is not a non-negative integer'],
    ['evaluations that are not pairs', (h) => (h.extra.evals = [[1]]), 'extra.evals is not a list of [step, accuracy] pairs'],
  ];
  it.each(reasons)('%s is refused, naming the field', (_, mutate, why) => {
    expect(userError(() => deserializeCheckpoint(edited(sample(), mutate), 'run.ckpt'))).toBe(`run.ckpt: not a usable rasplab checkpoint (${why})`);
    expect(Object.prototype).not.toHaveProperty('0');
  });

  it('NaN weights and Infinity moments are refused, naming the tensor and index', () => {
    const c = sample();
    const nan = { ...c, params: [c.params[0], { shape: [3], data: new Float32Array([1, Number.NaN, 2]) }] };
    expect(userError(() => deserializeCheckpoint(serializeCheckpoint(nan), 'run.ckpt'))).toBe(
      "run.ckpt: not a usable rasplab checkpoint (weight 'y' holds NaN at [1])",
    );
    const inf = { ...c, v: [{ shape: [2, 3], data: new Float32Array(6).fill(Number.POSITIVE_INFINITY) }, c.v[1]] };
    expect(userError(() => deserializeCheckpoint(serializeCheckpoint(inf), 'run.ckpt'))).toBe(
      "run.ckpt: not a usable rasplab checkpoint (AdamW's v of 'x' holds Infinity at [0, 0])",
    );
  });

  it("a checkpoint resumes only a run of its own config, with the config's weights and shapes", () => {
    const names = [...expectedShapes(config).keys()];
    const shapes = [...expectedShapes(config).values()];
    const w = shapes.map((shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }));
    const good: Checkpoint = { ...sample(), names, params: w, m: w, v: w };
    expect(() => checkResumable(good, config, 'run.ckpt')).not.toThrow();
    expect(userError(() => checkResumable(good, { ...config, dModel: 4 }, 'run.ckpt'))).toBe(
      "run.ckpt: not a usable rasplab checkpoint for this run (its model config differs from the run's)",
    );
    expect(userError(() => checkResumable({ ...good, names: ['nope', ...names.slice(1)] }, config, 'run.ckpt'))).toBe(
      "run.ckpt: not a usable rasplab checkpoint for this run (weight 'nope' is not one the model has)",
    );
    const wrong = [{ shape: [2, 1], data: new Float32Array(2) }, ...w.slice(1)];
    expect(userError(() => checkResumable({ ...good, params: wrong }, config, 'run.ckpt'))).toBe(
      `run.ckpt: not a usable rasplab checkpoint for this run (weight '${names[0]}' has shape [2, 1], the model needs [${shapes[0].join(', ')}])`,
    );
    expect(userError(() => checkResumable({ ...good, names: names.slice(1), params: w.slice(1) }, config, 'run.ckpt'))).toBe(
      `run.ckpt: not a usable rasplab checkpoint for this run (weight '${names[0]}' is missing)`,
    );
  });
});
