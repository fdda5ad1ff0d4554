/**
 * One writer per output: a run that writes `<out>` (with its log and checkpoint beside it) first
 * creates `<out>.lock` holding its PID, exclusively. A second run to the same output is refused
 * rather than interleaving the log and racing for the model file. A lock whose process has died
 * (killed, power cut) is stale and taken over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../rasp/errors.ts';
import { fsReason, isAlive } from './atomicWrite.ts';

export interface OutputLock {
  readonly file: string;
  /** Removes the lock if it is still ours; safe to call more than once. */
  release(): void;
}

/** A lock file still without a PID this young is being created by its owner, not abandoned. */
const UNWRITTEN_LOCK_GRACE_MS = 5000;

export function lockPathFor(out: string): string {
  return `${out}.lock`;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The PID holding `file`, or undefined when the lock is stale (or gone). */
function holder(file: string): number | 'unknown' | undefined {
  const pid = readPid(file);
  if (pid !== undefined) return isAlive(pid) ? pid : undefined;
  try {
    return Date.now() - fs.statSync(file).mtimeMs < UNWRITTEN_LOCK_GRACE_MS ? 'unknown' : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock on `out` for this process, or throws a user error naming the process that holds it. */
export function lockOutput(out: string): OutputLock {
  const file = lockPathFor(out);
  const cannot = (e: unknown) => new UserError(`cannot write ${file}: ${fsReason(e)}`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw cannot(e);
  }
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannot(e);
      const pid = holder(file);
      if (pid !== undefined || attempt > 2)
        throw new UserError(`${out} is being written by another rasplab process (pid ${pid ?? 'unknown'}); wait for it or choose another -o`);
      fs.rmSync(file, { force: true });
      continue;
    }
    try {
      const text = `${process.pid}\n`;
      if (fs.writeSync(fd, text) !== Buffer.byteLength(text)) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw cannot(e);
    }
    fs.closeSync(fd);
    break;
  }
  // Also on process.exit (a second Ctrl-C), which skips every finally block.
  const release = (): void => {
    process.off('exit', release);
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}
