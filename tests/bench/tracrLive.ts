/**
 * tracr's compile times measured in the same bench run, where the user points TRACR_DIR at a
 * checkout of google-deepmind/tracr (with numpy and networkx importable by python3): the ratio the
 * issue asks for is then of two figures from one machine at one time, not of rasplab today against
 * tracr on another day (the stored figures of shared/anchors/tracr.md, which are the fallback).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DRIVER = fileURLToPath(new URL('./tracrCompileTimes.py', import.meta.url));

/** A program as tracr's lib.py names it, at a max length. */
export type TracrCell = readonly [tracrName: string, maxLen: number];

export type LiveTracr = { ok: true; ms: ReadonlyMap<string, number>; errors: readonly string[] } | { ok: false; why: string };

export const cellKey = (tracrName: string, maxLen: number): string => `${tracrName}@${maxLen}`;

/** Times every cell with tracr (minutes: its sort_freq at 40 takes about a minute a compile). */
export function liveTracrTimes(cells: readonly TracrCell[], tracrDir = process.env.TRACR_DIR): LiveTracr {
  if (!tracrDir) return { ok: false, why: 'TRACR_DIR is not set' };
  const r = spawnSync('python3', [DRIVER], {
    input: JSON.stringify(cells),
    env: { ...process.env, TRACR_DIR: tracrDir },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (r.error) return { ok: false, why: `python3: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `tracr's compiler did not run: ${r.stderr.trim().split('\n').pop() || `exit ${r.status}`}` };
  const ms = new Map<string, number>();
  const errors: string[] = [];
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const o = JSON.parse(line) as { name: string; max_len: number; ms?: number; error?: string };
    if (o.ms !== undefined) ms.set(cellKey(o.name, o.max_len), o.ms);
    else errors.push(`${o.name} at ${o.max_len}: ${o.error}`);
  }
  return { ok: true, ms, errors };
}
