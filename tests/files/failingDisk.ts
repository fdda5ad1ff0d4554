/**
 * A disk that fills up on demand: `vi.mock('node:fs', failingFs)` in a test file, then
 * `fillDisk(n)` lets the next writes take `n` bytes in all and fails every write after that;
 * `slowDisk(n)` makes each writeSync take at most `n` bytes (a short write that is no failure).
 */
import type * as Fs from 'node:fs';

let room = Infinity;
let perCall = Infinity;

export function fillDisk(bytes: number): void {
  room = bytes;
}

export function slowDisk(bytes: number): void {
  perCall = bytes;
}

export function emptyDisk(): void {
  room = Infinity;
  perCall = Infinity;
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/** Passed to vi.mock: the real node:fs, with writes that stop when the room is used up. */
export async function failingFs(importOriginal: () => Promise<typeof Fs>): Promise<typeof Fs> {
  const real = await importOriginal();
  const take = (n: number): number => {
    const k = Math.min(n, room);
    room -= k;
    return k;
  };
  // Short writes, as a nearly full disk gives: as many bytes as fit, then ENOSPC.
  const writeSync = ((fd: number, buffer: Uint8Array | string, offset?: number, length?: number, position?: number) => {
    if (typeof buffer === 'string') buffer = new TextEncoder().encode(buffer);
    const off = typeof offset === 'number' ? offset : 0;
    const len = typeof length === 'number' ? length : buffer.length - off;
    if (room <= 0 && len > 0) throw enospc();
    return real.writeSync(fd, buffer, off, take(Math.min(len, perCall)), position);
  }) as typeof Fs.writeSync;
  const writeFileSync = ((file: Fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const k = take(bytes.length);
    real.writeFileSync(file, bytes.subarray(0, k));
    if (k < bytes.length) throw enospc();
  }) as typeof Fs.writeFileSync;
  const appendFileSync = ((file: Fs.PathOrFileDescriptor, data: string | Uint8Array) => {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const k = take(bytes.length);
    real.appendFileSync(file, bytes.subarray(0, k));
    if (k < bytes.length) throw enospc();
  }) as typeof Fs.appendFileSync;
  const fs = { ...real, writeSync, writeFileSync, appendFileSync };
  return { ...fs, default: fs } as typeof Fs;
}
