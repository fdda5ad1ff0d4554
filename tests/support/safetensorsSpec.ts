/**
 * A reader of the safetensors format written for the tests from the format's description, sharing
 * no code with src/model/safetensors.ts: an 8-byte little-endian header size N; N bytes of UTF-8
 * JSON, an object of tensor entries {dtype, shape, data_offsets: [begin, end]} relative to the data
 * section, plus an optional `__metadata__` object of strings; the header padded with spaces so the
 * data starts on an 8-byte boundary (as every file rasplab writes is); then the data, every byte of
 * which belongs to exactly one tensor. Any departure throws.
 */

export interface SpecTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** The raw little-endian bytes. */
  readonly bytes: Uint8Array;
}

const SIZE: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, F16: 2, BF16: 2, I16: 2, F32: 4, I32: 4, F64: 8, I64: 8 };

export function readSafetensorsSpec(file: Uint8Array): { tensors: Map<string, SpecTensor>; metadata: Record<string, string> } {
  const problem = (what: string): never => {
    throw new Error(`not a valid safetensors file: ${what}`);
  };
  if (file.length < 8) problem('shorter than the size field');
  let n = 0;
  for (let i = 7; i >= 0; i--) n = n * 256 + file[i];
  if (8 + n > file.length) problem(`header size ${n} runs past the end`);
  if ((8 + n) % 8 !== 0) problem(`data starts at byte ${8 + n}, not on an 8-byte boundary`);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  if (!text.startsWith('{')) problem('header is not a JSON object');
  if (!/^\s*$/.test(text.slice(text.trimEnd().length))) problem('header padding is not spaces');
  const header = JSON.parse(text) as Record<string, unknown>;
  const data = file.subarray(8 + n);
  const tensors = new Map<string, SpecTensor>();
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      const m = entry as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') problem(`metadata ${k} is not a string`);
      metadata = m as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in SIZE)) problem(`${name}: unknown dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== count * SIZE[dtype]) problem(`${name}: ${end - begin} bytes for ${count} values of ${dtype}`);
    if (end > data.length) problem(`${name}: ends past the data`);
    ranges.push([begin, end, name]);
    tensors.set(name, { dtype, shape, bytes: data.subarray(begin, end) });
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== at) problem(`${name} starts at ${begin}, expected ${at}`);
    at = end;
  }
  if (at !== data.length) problem(`${data.length - at} bytes after the last tensor`);
  return { tensors, metadata };
}

/** The float32 values of a tensor's bytes. */
export function float32s(t: SpecTensor): number[] {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  return Array.from({ length: t.bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}
