/**
 * A small safetensors codec: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. rasplab's own files hold
 * float32 only; a TransformerLens state dict may also hold float16, bfloat16, float64 and the bool
 * buffer `attn.mask`, which a caller may accept (every value is widened or rounded to float32 in
 * memory). Decoding checks every claim the header makes against the bytes, so a truncated or
 * edited file is refused with a message naming it instead of producing garbage weights.
 */
import { jsonProblem, UserError } from '../rasp/errors.ts';
import type { WeightArray } from './types.ts';

export interface SafetensorsContents {
  readonly tensors: Map<string, WeightArray>;
  readonly metadata: Record<string, string>;
  /** Each tensor's dtype as the file stores it (its values are float32 in `tensors`). */
  readonly dtypes: Map<string, Dtype>;
}

/** The dtypes this codec reads; it writes F32 and BOOL. */
export type Dtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'BOOL';
const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, BOOL: 1 };
const isDtype = (x: unknown): x is Dtype => typeof x === 'string' && Object.hasOwn(DTYPE_BYTES, x);

export interface DecodeOptions {
  /** Dtypes accepted besides F32 (default: none). */
  readonly dtypes?: readonly Dtype[];
  /** Sees the metadata before any tensor is checked: a reader may refuse a kind of file by what it says it is. */
  readonly checkMetadata?: (metadata: Record<string, string>) => void;
}

const HEADER_LEN_BYTES = 8;
/** Header size beyond which a length field is certainly corrupt (the format's own limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const OPEN_BRACE = 0x7b;

/** Whether the file opens with printable UTF-8 text rather than binary (for the message only). */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 256);
  return !head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Encodes tensors (in the map's order) and string metadata. Data is aligned to 8 bytes, as the
 * format recommends. A tensor `dtypes` marks BOOL is written one byte per value (non-zero: true).
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, WeightArray>,
  metadata: Record<string, string> = {},
  dtypes: ReadonlyMap<string, 'F32' | 'BOOL'> = new Map(),
): Uint8Array {
  const bytesOf = (name: string) => DTYPE_BYTES[dtypes.get(name) ?? 'F32'];
  // Entries are collected as pairs and turned into objects with Object.fromEntries, so that names
  // like "__proto__" become ordinary keys.
  const entries: [string, unknown][] = [];
  if (Object.keys(metadata).length > 0) entries.push(['__metadata__', Object.fromEntries(Object.entries(metadata))]);
  let offset = 0;
  for (const [name, w] of tensors) {
    if (name === '__metadata__') throw new Error('a tensor may not be named __metadata__');
    const n = elementCount(w.shape);
    if (n !== w.data.length) throw new Error(`tensor ${name}: shape [${w.shape.join(', ')}] needs ${n} values, has ${w.data.length}`);
    const size = n * bytesOf(name);
    entries.push([name, { dtype: dtypes.get(name) ?? 'F32', shape: [...w.shape], data_offsets: [offset, offset + size] }]);
    offset += size;
  }
  let json = JSON.stringify(Object.fromEntries(entries));
  // Pad with spaces so the data starts on an 8-byte boundary (allowed by the format).
  const headerBytes = new TextEncoder().encode(json);
  const pad = (HEADER_LEN_BYTES - (headerBytes.length % HEADER_LEN_BYTES)) % HEADER_LEN_BYTES;
  json += ' '.repeat(pad);
  const hb = new TextEncoder().encode(json);
  // What the reader would refuse is not written.
  if (hb.length > MAX_HEADER_BYTES)
    throw new UserError(`the header would take ${hb.length} bytes, more than the ${MAX_HEADER_BYTES} a safetensors reader accepts`);
  const out = new Uint8Array(HEADER_LEN_BYTES + hb.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, HEADER_LEN_BYTES);
  let at = HEADER_LEN_BYTES + hb.length;
  for (const [name, w] of tensors) {
    if (dtypes.get(name) === 'BOOL') {
      for (let i = 0; i < w.data.length; i++) out[at + i] = w.data[i] !== 0 ? 1 : 0;
      at += w.data.length;
      continue;
    }
    if (littleEndian) {
      out.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), at);
    } else {
      for (let i = 0; i < w.data.length; i++) view.setFloat32(at + i * 4, w.data[i], true);
    }
    at += w.data.byteLength;
  }
  return out;
}

interface HeaderEntry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Decodes a safetensors file as the format's reference reader does; every inconsistency is a
 * UserError starting with `sourceName`. The header is UTF-8 JSON opening with '{' (no byte-order
 * mark); sorted by offset, the tensors' byte ranges follow one another with no gap or overlap and
 * cover the data section exactly, so a header length off by a byte, a tensor dropped from the
 * header or bytes appended to the file are refused rather than read as shifted weights.
 */
export function decodeSafetensors(bytes: Uint8Array, sourceName: string, opts: DecodeOptions = {}): SafetensorsContents {
  const accepted = new Set<string>(['F32', ...(opts.dtypes ?? [])]);
  const fail = (why: string): never => {
    throw new UserError(`${sourceName}: ${why}`);
  };
  if (bytes.length < HEADER_LEN_BYTES) fail(`truncated: ${bytes.length} bytes is too short for a safetensors file (needs at least ${HEADER_LEN_BYTES})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLenBig = view.getBigUint64(0, true);
  const available = bytes.length - HEADER_LEN_BYTES;
  // A model file cut short still opens its JSON header with '{' after the length field; a text
  // file's first 8 bytes read as an absurd length, and what follows is no header.
  if (headerLenBig > BigInt(available) && available > 0 && bytes[HEADER_LEN_BYTES] !== OPEN_BRACE)
    fail(`not a safetensors model file (it does not start with a header length and a JSON header${looksLikeText(bytes) ? '; it is text' : ''})`);
  if (headerLenBig > BigInt(available)) fail(`truncated: header says ${headerLenBig} bytes, file has ${available} after the length field`);
  const headerLen = Number(headerLenBig);
  if (headerLen > MAX_HEADER_BYTES) fail(`header of ${headerLen} bytes is larger than the format allows`);
  const headerBytes = bytes.subarray(HEADER_LEN_BYTES, HEADER_LEN_BYTES + headerLen);
  if (headerBytes[0] === 0xef && headerBytes[1] === 0xbb && headerBytes[2] === 0xbf) fail('header starts with a byte-order mark (the format forbids one)');
  if (headerBytes.length === 0) fail('header is empty (its length field says 0 bytes)');
  if (headerBytes[0] !== OPEN_BRACE) fail(`header does not start with '{' (byte 8 is 0x${headerBytes[0].toString(16).padStart(2, '0')})`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes));
  } catch (e) {
    fail(`header is not valid JSON (${jsonProblem(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const obj = header as Record<string, unknown>;

  let metadata: Record<string, string> = {};
  if (Object.hasOwn(obj, '__metadata__')) {
    const m = obj.__metadata__;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('__metadata__ is not an object of strings');
    const pairs = Object.entries(m as Record<string, unknown>);
    for (const [k, v] of pairs) if (typeof v !== 'string') fail(`__metadata__ entry '${k}' is not a string`);
    metadata = Object.fromEntries(pairs) as Record<string, string>;
  }
  opts.checkMetadata?.(metadata);

  const dataStart = HEADER_LEN_BYTES + headerLen;
  const dataLen = bytes.length - dataStart;
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(obj)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof e !== 'object' || e === null) fail(`tensor '${name}': header entry is not an object`);
    if (!isDtype(e!.dtype) || !accepted.has(e!.dtype))
      fail(`tensor '${name}': dtype ${JSON.stringify(e!.dtype)} is not supported (only ${[...accepted].join(', ')})`);
    const dtype = e!.dtype as Dtype;
    const width = DTYPE_BYTES[dtype];
    const shape = e!.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    const offs = e!.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor '${name}': data_offsets ${JSON.stringify(offs)} is not a pair of non-negative integers`);
    const [begin, end] = offs as [number, number];
    if (end < begin) fail(`tensor '${name}': data_offsets [${begin}, ${end}] end before they begin`);
    const n = elementCount(shape as number[]);
    if (!Number.isSafeInteger(n * width)) fail(`tensor '${name}': shape [${(shape as number[]).join(', ')}] is too large`);
    if (end - begin !== n * width)
      fail(`tensor '${name}': data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape [${(shape as number[]).join(', ')}] needs ${n * width}`);
    if (end > dataLen) fail(`truncated: tensor '${name}' ends at byte ${end} but the data section has ${dataLen} bytes (truncated file?)`);
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  // As the reference reader: sorted by (begin, end), each range starts where the previous ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.begin < covered)
      fail(`tensor '${e.name}' begins at byte ${e.begin}, inside the bytes before it (ranges overlap; data section up to byte ${covered} is taken)`);
    if (e.begin > covered) fail(`tensor '${e.name}' begins at byte ${e.begin}, leaving bytes ${covered} to ${e.begin} of the data section unaccounted for`);
    covered = e.end;
  }
  if (covered !== dataLen)
    fail(`the data section has ${dataLen} bytes but its tensors take ${covered} (a wrong header length, or bytes appended after the last tensor)`);

  const tensors = new Map<string, WeightArray>();
  const dtypes = new Map<string, Dtype>();
  for (const e of entries) {
    const n = elementCount(e.shape);
    const at = dataStart + e.begin;
    dtypes.set(e.name, e.dtype);
    if (e.dtype !== 'F32') {
      tensors.set(e.name, { shape: e.shape, data: widen(view, at, n, e.dtype) });
      continue;
    }
    const data = new Float32Array(n);
    if (littleEndian) {
      // Copy: the source offset need not be 4-byte aligned, and the caller may drop the file buffer.
      new Uint8Array(data.buffer).set(bytes.subarray(at, at + n * 4));
    } else {
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(at + i * 4, true);
    }
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { tensors, metadata, dtypes };
}

/** IEEE half precision bits → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** n values of a non-F32 dtype at byte `at`, as float32 (F16, BF16 and BOOL exactly; F64 rounded). */
function widen(view: DataView, at: number, n: number, dtype: Exclude<Dtype, 'F32'>): Float32Array {
  const data = new Float32Array(n);
  const bits = new Uint32Array(data.buffer);
  for (let i = 0; i < n; i++) {
    if (dtype === 'BOOL') data[i] = view.getUint8(at + i) !== 0 ? 1 : 0;
    else if (dtype === 'F64') data[i] = view.getFloat64(at + i * 8, true);
    else if (dtype === 'F16') data[i] = halfToNumber(view.getUint16(at + i * 2, true));
    else bits[i] = view.getUint16(at + i * 2, true) << 16; // bfloat16 is the top half of a float32
  }
  return data;
}
