/**
 * Reading program text from disk: the file a command names, and each file its `load` statements
 * name. A program can come from anywhere (a download, a model file's labels), so a file is read
 * only when it is a regular file (a device such as /dev/zero never ends, a FIFO blocks, a folder
 * has no text) of at most the `programBytes` ceiling, and is checked to be text before parsing.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { RaspError } from './errors.ts';
import { aboveCeiling, ceilingOf } from './limits.ts';

/** What a path is when it is not a regular file. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a named pipe, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
  if (st.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

function whyUnreadable(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

/** How large a file may be, and what to say of one larger (its size given). */
export interface SizeLimit {
  readonly bytes: number;
  readonly refuse: (size: number) => string;
}

/** A program file, or one it loads: the programBytes ceiling. */
const programSize = (): SizeLimit => ({ bytes: ceilingOf('programBytes'), refuse: (size) => aboveCeiling('programBytes', `its size of ${size} bytes`) });

/**
 * The bytes of a regular file of at most `limit` (default: a program's); a RaspError whose detail
 * says why not (the caller names the file). Opened without blocking and checked on the open
 * descriptor, so a FIFO or a device is refused before a byte is read, and a file swapped after a
 * check is still checked. Model files, checkpoints and hypothesis files are read the same way: any
 * of them may have been downloaded, and a name inside one may point anywhere.
 */
export function readRegularFile(path: string, limit: SizeLimit = programSize()): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new RaspError(whyUnreadable(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RaspError(kindOf(st));
    if (st.size > limit.bytes) throw new RaspError(limit.refuse(st.size));
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return bytes.subarray(0, got);
  } catch (e) {
    if (e instanceof RaspError) throw e;
    throw new RaspError(whyUnreadable(e));
  } finally {
    closeSync(fd);
  }
}

/**
 * Why bytes cannot be program text, or null when they can: a program is UTF-8 without control
 * bytes. Said before parsing, since the parser would only see an "unexpected character" at 1:1.
 */
export function binaryKind(bytes: Uint8Array): string | null {
  // A safetensors file: an 8-byte header length, then its JSON header.
  if (bytes.length > 8 && bytes[8] === 0x7b && bytes.subarray(0, 8).some((b) => b < 0x09)) return 'it is a safetensors model file';
  const controls = bytes.some((b) => b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f);
  if (controls) return 'it is a binary file, not text';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'it is not UTF-8 text';
  }
  return null;
}

/** Whether `path` lies inside the folder `root` (both absolute and normalised), or is it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The text of a file a `load` statement names, already resolved to `path` inside `root` (the main
 * program's folder); a RaspError whose detail says why not. A symbolic link may not lead out of
 * the folder: the check is on the real paths.
 */
export function readLoadedFile(path: string, root: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw new RaspError(whyUnreadable(e));
  }
  if (!isInside(realpathSync(root), real)) throw new RaspError(`it is a link to ${real}, outside the program's folder`);
  const bytes = readRegularFile(real);
  const notText = binaryKind(bytes);
  if (notText) throw new RaspError(`not a RASP program (${notText})`);
  return bytes.toString('utf8');
}
