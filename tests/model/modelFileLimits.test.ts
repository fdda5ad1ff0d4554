/**
 * A model file's counts that drive later work stop at the same ceilings as the flags: a file with
 * a long context (a W_pos of a million rows costs only megabytes on disk) would otherwise have
 * `verify` and the probes generate inputs of a million tokens. Writing checks the same ceilings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deserializeModel, serializeModel } from '../../src/model/modelFile.ts';
import { BOS } from '../../src/model/types.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { userError } from '../support/userError.ts';

afterEach(() => {
  delete process.env.RASPLAB_MAX_LEN;
  delete process.env.RASPLAB_MAX_VOCAB;
});

/** A model file written where the ceiling was raised (writing checks it too), to be read here. */
function writtenWith(env: string, value: string, config: Parameters<typeof tinyConfig>[0]): Uint8Array {
  process.env[env] = value;
  try {
    return serializeModel(randomModel(tinyConfig(config)));
  } finally {
    delete process.env[env];
  }
}

const tiny = { dModel: 1, layers: [], normalization: 'none' as const };

describe('model files above the ceilings', () => {
  it('a context longer than the input-length ceiling', () => {
    const bytes = writtenWith('RASPLAB_MAX_LEN', '100000', { ...tiny, nCtx: 100_001 });
    expect(userError(() => deserializeModel(bytes, 'm.safetensors'))).toBe(
      "m.safetensors: metadata 'rasplab.config': an input length of 100000 tokens (nCtx 100001) is above the ceiling of 1024; " +
        'raise it with RASPLAB_MAX_LEN if you mean it',
    );
    process.env.RASPLAB_MAX_LEN = '100000';
    expect(deserializeModel(bytes, 'm.safetensors').config.nCtx).toBe(100_001);
  });

  it('a vocabulary larger than its ceiling', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `t${i}`);
    const bytes = writtenWith('RASPLAB_MAX_VOCAB', '2000', { ...tiny, vocab: [BOS, ...words] });
    expect(userError(() => deserializeModel(bytes, 'm.safetensors'))).toBe(
      "m.safetensors: metadata 'rasplab.config': a vocabulary of 2000 tokens is above the ceiling of 1000; raise it with RASPLAB_MAX_VOCAB if you mean it",
    );
  });
});
