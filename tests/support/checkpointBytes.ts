/**
 * A checkpoint's bytes taken apart and put back together with another JSON header, the float data
 * kept (the layout as src/train/checkpoint.ts documents it: 8 magic bytes, a uint32 header length,
 * the header, then the data from the next multiple of 4).
 */

/** The parsed JSON header of checkpoint bytes. */
export function checkpointHeader(bytes: Uint8Array): unknown {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
}

/** `bytes` with `header` in place of its own and its data kept. */
export function withCheckpointHeader(bytes: Uint8Array, header: unknown): Uint8Array {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const data = bytes.subarray(Math.ceil((12 + len) / 4) * 4);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + text.length) / 4) * 4;
  const out = new Uint8Array(dataStart + data.length);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, text.length, true);
  out.set(text, 12);
  out.set(data, dataStart);
  return out;
}
