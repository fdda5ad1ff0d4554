/** A model file whose JSON is broken is refused in one line, whatever characters the broken JSON holds. */
import { describe, expect, it } from 'vitest';
import { deserializeModel, META_CONFIG, META_FORMAT } from '../../src/model/modelFile.ts';
import { decodeSafetensors } from '../../src/model/safetensors.ts';
import { FORMAT_VERSION } from '../../src/model/types.ts';
import { userError } from '../support/userError.ts';

/** A safetensors file with this header text and no data. */
function fileWithHeader(text: string): Uint8Array {
  const hb = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + hb.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  return out;
}

describe('broken JSON in a model file', () => {
  it('a header that is not JSON is named on one line, its control characters escaped', () => {
    const message = userError(() => decodeSafetensors(fileWithHeader('{"a":\r\nx}'), 'm.safetensors'));
    expect(message).toMatch(/^m\.safetensors: header is not valid JSON \(.*\\u000d.*\)$/);
    expect(message).not.toMatch(/[\n\r]/);
  });

  it('metadata that is not JSON is named on one line, and a long excerpt is cut', () => {
    const config = `{"formatVersion":\n\r${'x'.repeat(5000)}`;
    const header = JSON.stringify({ __metadata__: { [META_FORMAT]: String(FORMAT_VERSION), [META_CONFIG]: config } });
    const message = userError(() => deserializeModel(fileWithHeader(header), 'm.safetensors'));
    expect(message).toMatch(/^m\.safetensors: metadata 'rasplab\.config' is not valid JSON \(/);
    expect(message).not.toMatch(/[\n\r]/);
    expect(message.length).toBeLessThan(300);
  });
});
