/**
 * The one way rasplab writes a whole file: every byte to a temporary file beside the target,
 * fsync, rename over the target, fsync the folder. A failure at any point removes the temporary,
 * leaves the old target as it was and says so in one line; a command never reports success over
 * a file the disk did not take. `writeSync` may write fewer bytes than asked (a full disk, a quota,
 * a signal), so the write loops until all are written.
 *
 * Temporaries are named `.<name>.<pid>.tmp`, so that a process killed mid-write leaves one that
 * the next write of the same target recognises and removes once its process is gone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../rasp/errors.ts';

/** A temporary whose process is alive but which is older than this was left by a reused PID. */
const STALE_TEMP_AGE_MS = 24 * 3600 * 1000;

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EIO: 'input/output error',
  EBUSY: 'the file is busy',
};

/** "no space left on device (ENOSPC)": what a failed file-system call means, for a one-line message. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string') return REASONS[err.code] ? `${REASONS[err.code]} (${err.code})` : err.code;
  return e instanceof Error ? e.message : String(e);
}

function cannotWrite(file: string, e: unknown): UserError {
  return new UserError(`cannot write ${file}: ${fsReason(e)}`);
}

/** Writes all of `bytes` at the file's current position, or throws (a zero-byte write is a full disk). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error(`only ${done} of ${bytes.length} bytes written`), { code: 'ENOSPC' });
    done += n;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes temporaries of `target` left by processes that died mid-write (or long ago). */
export function removeStaleTemps(target: string): void {
  const dir = path.dirname(target);
  const name = escape(path.basename(target));
  // Also the name model files used before this writer: `<name>.tmp-<pid>`.
  const patterns = [new RegExp(`^\\.${name}\\.(\\d+)\\.tmp$`), new RegExp(`^${name}\\.tmp-(\\d+)$`)];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return; // the write itself reports an unusable folder
  }
  for (const entry of entries) {
    const pid = patterns.map((p) => p.exec(entry)).find((m) => m)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    const file = path.join(dir, entry);
    try {
      if (!isAlive(Number(pid)) || Date.now() - fs.statSync(file).mtimeMs > STALE_TEMP_AGE_MS) fs.rmSync(file, { force: true });
    } catch {
      // Another process removed it first, or it is not ours to remove: either way not this write's concern.
    }
  }
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
}

/** Replaces `target` with `data` whole, or throws `cannot write <target>: <reason>` and leaves it as it was. */
export function writeFileAtomic(target: string, data: Uint8Array | string, opts: { readonly makeFolder?: boolean } = {}): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(target);
  if (opts.makeFolder) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw cannotWrite(target, e);
    }
  }
  removeStaleTemps(target);
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w');
    writeAll(fd, bytes);
    fs.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing); // network file systems report a failed write here
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing more can be done; the next write removes it as stale.
    }
    throw cannotWrite(target, e);
  }
  syncFolder(dir);
}

/** Makes the rename itself durable where the platform allows fsync on a folder (not Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here: the rename is still atomic, only perhaps not yet on disk.
  }
  if (fd !== undefined) closeQuietly(fd);
}

/**
 * Appends `text` to `file` (creating it), every byte or `cannot write <file>: <reason>`. A failed
 * append is cut off again, so that the records after it (a resumed run's) follow a whole line.
 */
export function appendChecked(file: string, text: string): void {
  let fd: number | undefined;
  let size = 0;
  try {
    fd = fs.openSync(file, 'a');
    size = fs.fstatSync(fd).size;
    writeAll(fd, new TextEncoder().encode(text));
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.ftruncateSync(fd, size);
      } catch {
        // The reader skips a cut-short last line; the failure below is the one to report.
      }
      closeQuietly(fd);
    }
    throw cannotWrite(file, e);
  }
}

/** After a failed write that failure is the one to report, not a second one on close (nor one on a folder). */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // See above.
  }
}
