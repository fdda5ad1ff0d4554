/**
 * A fingerprint of a model's weights: SHA-256 over every weight's name, shape and float32 bytes, in
 * name order. Equal digests mean byte-identical weights, so a change meant only to make the
 * compiler faster can be checked against digests recorded before it.
 */
import { createHash } from 'node:crypto';
import type { ModelData } from '../../src/model/types.ts';

export function weightsDigest(model: ModelData): string {
  const h = createHash('sha256');
  for (const name of [...model.weights.keys()].sort()) {
    const w = model.weights.get(name)!;
    h.update(name);
    h.update(JSON.stringify(w.shape));
    h.update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return h.digest('hex');
}
