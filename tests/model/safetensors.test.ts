/** The safetensors reader refuses what the format's reference reader refuses, each with one line naming the file. */
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import { userError } from '../support/userError.ts';

const tensors = new Map([
  ['a', { shape: [2], data: new Float32Array([1, 2]) }],
  ['b', { shape: [3], data: new Float32Array([3, 4, 5]) }],
]);
const good = encodeSafetensors(tensors, { k: 'v' });
const headerLen = Number(new DataView(good.buffer).getBigUint64(0, true));
const headerText = new TextDecoder().decode(good.subarray(8, 8 + headerLen));
const data = good.subarray(8 + headerLen);

function file(header: Uint8Array, body: Uint8Array, claimedLen = header.length): Uint8Array {
  const out = new Uint8Array(8 + header.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(claimedLen), true);
  out.set(header, 8);
  out.set(body, 8 + header.length);
  return out;
}
const utf8 = (s: string) => new TextEncoder().encode(s);
const withHeader = (h: object, body = data) => file(utf8(JSON.stringify(h)), body);

describe('safetensors reader', () => {
  it('reads what it writes', () => {
    expect([...decodeSafetensors(good, 'f').tensors.keys()]).toEqual(['a', 'b']);
  });

  it('refuses bytes after the last tensor', () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(userError(() => decodeSafetensors(longer, 'm.safetensors'))).toBe(
      `m.safetensors: the data section has ${data.length + 4} bytes but its tensors take ${data.length} ` +
        '(a wrong header length, or bytes appended after the last tensor)',
    );
  });

  it('refuses a header length one byte short (every weight would shift by a byte)', () => {
    const edited = good.slice();
    new DataView(edited.buffer).setBigUint64(0, BigInt(headerLen - 1), true);
    expect(userError(() => decodeSafetensors(edited, 'f'))).toMatch(/^f: the data section has \d+ bytes but its tensors take \d+/);
  });

  it('refuses a header length one byte long', () => {
    const edited = good.slice();
    new DataView(edited.buffer).setBigUint64(0, BigInt(headerLen + 1), true);
    expect(userError(() => decodeSafetensors(edited, 'f'))).toMatch(/^f: (header is not valid JSON|truncated: tensor 'b' ends at byte)/);
  });

  it('refuses a byte-order mark before the header', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(headerText.trimEnd())]);
    expect(userError(() => decodeSafetensors(file(bom, data), 'f'))).toBe('f: header starts with a byte-order mark (the format forbids one)');
  });

  it('refuses a header that does not open with a brace', () => {
    expect(userError(() => decodeSafetensors(file(utf8(` ${headerText.trimEnd()}`), data), 'f'))).toBe("f: header does not start with '{' (byte 8 is 0x20)");
  });

  it('refuses a gap between tensors (a tensor dropped from the header)', () => {
    const h = JSON.parse(headerText);
    delete h.a;
    expect(userError(() => decodeSafetensors(withHeader(h), 'f'))).toBe(
      "f: tensor 'b' begins at byte 8, leaving bytes 0 to 8 of the data section unaccounted for",
    );
  });

  it('refuses overlapping tensors', () => {
    const h = JSON.parse(headerText);
    h.b.data_offsets = [4, 16];
    expect(userError(() => decodeSafetensors(withHeader(h, data.subarray(0, 16)), 'f'))).toMatch(/^f: tensor 'b' begins at byte 4, inside the bytes before it/);
  });

  it('names the tensor that runs past the data section', () => {
    expect(userError(() => decodeSafetensors(good.subarray(0, good.length - 4), 'm.safetensors'))).toBe(
      `m.safetensors: truncated: tensor 'b' ends at byte 20 but the data section has 16 bytes (truncated file?)`,
    );
  });

  it('never writes a header the reader would refuse as too large', () => {
    expect(userError(() => encodeSafetensors(tensors, { big: 'x'.repeat(100_000_000) }))).toMatch(
      /^the header would take \d+ bytes, more than the 100000000 a safetensors reader accepts$/,
    );
  });

  it('accepts tensors listed out of offset order, and empty tensors', () => {
    const h = JSON.parse(headerText);
    const reordered = { b: h.b, e: { dtype: 'F32', shape: [0], data_offsets: [8, 8] }, __metadata__: h.__metadata__, a: h.a };
    const back = decodeSafetensors(withHeader(reordered), 'f');
    expect(back.tensors.get('b')!.data).toEqual(new Float32Array([3, 4, 5]));
    expect(back.tensors.get('e')!.shape).toEqual([0]);
  });

  it('reads float16, bfloat16, float64 and bool as float32 where the caller accepts them, and only then', () => {
    const bytes = new Uint8Array([
      ...[0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38], // F16 1, -2, 0.5
      ...[0x80, 0x3f, 0x40, 0xc0], // BF16 1, -3
      ...new Uint8Array(new Float64Array([0.1]).buffer), // F64 0.1
      ...[1, 0], // BOOL
    ]);
    const h = {
      h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
      d: { dtype: 'F64', shape: [1], data_offsets: [10, 18] },
      m: { dtype: 'BOOL', shape: [2], data_offsets: [18, 20] },
    };
    const { tensors, dtypes } = decodeSafetensors(withHeader(h, bytes), 'f', { dtypes: ['F16', 'BF16', 'F64', 'BOOL'] });
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2, 0.5]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -3]);
    expect(tensors.get('d')!.data[0]).toBe(Math.fround(0.1));
    expect(Array.from(tensors.get('m')!.data)).toEqual([1, 0]);
    expect(dtypes.get('m')).toBe('BOOL');
    expect(userError(() => decodeSafetensors(withHeader(h, bytes), 'f'))).toBe(`f: tensor 'h': dtype "F16" is not supported (only F32)`);
  });

  it('writes bool tensors one byte per value', () => {
    const out = encodeSafetensors(new Map([['m', { shape: [3], data: new Float32Array([1, 0, 2]) }]]), {}, new Map([['m', 'BOOL']]));
    const back = decodeSafetensors(out, 'f', { dtypes: ['BOOL'] });
    expect(Array.from(back.tensors.get('m')!.data)).toEqual([1, 0, 1]);
  });
});
