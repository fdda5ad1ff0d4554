/**
 * The checkpoint reader on mutants of a small checkpoint: its bytes edited, cut short or extended,
 * and its JSON header's values replaced. A checkpoint, or one UserError naming the file.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FORMAT_VERSION } from '../../src/model/types.ts';
import { deserializeCheckpoint, serializeCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { fuzzParams, fuzzTimeout, returnsOrUserError } from './budget.ts';
import { bytesMutant, jsonMutant, type Json } from './mutate.ts';
import { checkpointHeader, withCheckpointHeader } from '../support/checkpointBytes.ts';

const w = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 8) });
const SAMPLE: Checkpoint = {
  fingerprint: JSON.stringify({ program: 'p', seed: 1 }),
  step: 3,
  seed: 1,
  config: {
    formatVersion: FORMAT_VERSION,
    dModel: 2,
    nCtx: 3,
    vocab: ['BOS', 'a', 'b'],
    layers: [{ nHeads: 1, dHead: 2, dMlp: 0 }],
    output: { encoding: 'categorical', values: ['a', 'b'] },
    normalization: 'none',
    causal: false,
    actFn: 'relu',
    attnScale: 1,
    origin: 'learned',
  },
  labels: { residual: [], heads: [], mlps: [] },
  names: ['embed.W_E', 'unembed.W_U'],
  params: [w([3, 2]), w([2, 2])],
  m: [w([3, 2]), w([2, 2])],
  v: [w([3, 2]), w([2, 2])],
  t: 3,
  wallTimeS: 0.5,
  extra: { evals: [[0, 0.5]] },
};
const BYTES = serializeCheckpoint(SAMPLE);
const HEADER = checkpointHeader(BYTES) as Json;
const withHeader = (header: Json) => withCheckpointHeader(BYTES, header);

const read = (bytes: Uint8Array) => () => deserializeCheckpoint(bytes, 'run.ckpt');
const NAMED = /^run\.ckpt: /;

describe('fuzz: checkpoints', () => {
  it(
    'byte mutants (header and data), truncations and extensions read, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(bytesMutant(BYTES, [0, BYTES.length]), (bytes) => returnsOrUserError(read(bytes), NAMED)),
        fuzzParams(1000, 5),
      ),
    fuzzTimeout(5),
  );

  it(
    'header JSON mutants (values replaced, keys deleted, prototype keys added) read, or fail with one UserError naming the file',
    () => {
      fc.assert(
        fc.property(jsonMutant(HEADER, 3), (header) => returnsOrUserError(read(withHeader(header)), NAMED)),
        fuzzParams(1000, 5),
      );
    },
    fuzzTimeout(5),
  );
});
