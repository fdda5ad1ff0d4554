/** Keys a checkpoint file names (tensor groups and indices, fingerprint settings) are looked up only among the reader's own. */
import { afterEach, describe, expect, it } from 'vitest';
import { FORMAT_VERSION } from '../../src/model/types.ts';
import { deserializeCheckpoint, serializeCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { mismatchedKeys } from '../../src/train/settings.ts';
import { userError } from '../support/userError.ts';
import { checkpointHeader, withCheckpointHeader } from '../support/checkpointBytes.ts';

const w = (n: number) => ({ shape: [n], data: Float32Array.from({ length: n }, (_, i) => i + 0.5) });
const sample: Checkpoint = {
  fingerprint: '{"a":1}',
  step: 1,
  seed: 0,
  config: {
    formatVersion: FORMAT_VERSION,
    dModel: 2,
    nCtx: 3,
    vocab: ['BOS', 'a'],
    layers: [],
    output: { encoding: 'numerical' },
    normalization: 'none',
    causal: false,
    actFn: 'relu',
    attnScale: 1,
    origin: 'learned',
  },
  labels: { residual: [], heads: [], mlps: [] },
  names: ['x'],
  params: [w(2)],
  m: [w(2)],
  v: [w(2)],
  t: 1,
  wallTimeS: 0,
  extra: {},
};

/** The sample's bytes with its header's tensor list edited. */
function withTensors(edit: (tensors: Record<string, unknown>[]) => void): Uint8Array {
  const bytes = serializeCheckpoint(sample);
  const header = checkpointHeader(bytes) as { tensors: Record<string, unknown>[] };
  edit(header.tensors);
  return withCheckpointHeader(bytes, header);
}

const polluted = () => Object.keys(Object.prototype).concat(Object.keys(Object), Object.keys(Object.prototype.toString));

afterEach(() => {
  for (const k of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[k];
});

describe('checkpoint headers name only their own tensor groups', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('group %s is refused and touches no prototype', (group) => {
    const bytes = withTensors((t) => {
      t[0].group = group;
      t[0].index = 'polluted';
    });
    expect(userError(() => deserializeCheckpoint(bytes, 'c.ckpt'))).toMatch(
      /^c\.ckpt: not a usable rasplab checkpoint \(tensors\[0\]\.group .* is not one of params, m, v\)$/,
    );
    expect(polluted()).toEqual([]);
  });

  it.each([['__proto__'], ['length'], [-1], [1.5], [7]])('index %s is refused', (index) => {
    const bytes = withTensors((t) => {
      t[1].index = index;
    });
    expect(userError(() => deserializeCheckpoint(bytes, 'c.ckpt'))).toMatch(
      /^c\.ckpt: not a usable rasplab checkpoint \(tensors\[1\]\.index .* is not below the 1 names\)$/,
    );
  });

  it('the sample itself reads back', () => {
    expect(
      deserializeCheckpoint(
        withTensors(() => {}),
        'c.ckpt',
      ).params[0].data,
    ).toEqual(sample.params[0].data);
  });
});

describe('fingerprints compare only the settings they hold', () => {
  it('a setting named like a prototype property is compared as a setting', () => {
    expect(mismatchedKeys('{"a":1}', '{"a":1,"__proto__":{}}')).toEqual(['__proto__']);
    expect(mismatchedKeys('{"a":1,"constructor":2}', '{"a":1}')).toEqual(['constructor']);
  });

  it('a fingerprint that is not an object has no settings', () => {
    expect(mismatchedKeys('null', '{"a":1}')).toEqual(['a']);
  });
});
