/**
 * The compile bench's live tracr timing (tests/bench/tracrLive.ts and its Python driver), run
 * against a stand-in for tracr (tests/support/tracr_stand_in): each cell's figure comes back under
 * its own key, a program that fails is reported without losing the others, and a missing or broken
 * TRACR_DIR is a reason, not a crash.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellKey, liveTracrTimes } from '../bench/tracrLive.ts';
import { tempDir } from './harness.ts';

const STAND_IN = fileURLToPath(new URL('../support/tracr_stand_in', import.meta.url));

describe('live tracr timing for the compile bench', () => {
  it('times each program at each max length, and reports a failing one beside the others', () => {
    const r = liveTracrTimes(
      [
        ['frac_prevs', 5],
        ['count_less_freq(2)', 40],
        ['sort_freq', 10],
        ['no_such_program', 5],
      ],
      STAND_IN,
    );
    if (!r.ok) throw new Error(r.why);
    expect([...r.ms.keys()].sort()).toEqual([cellKey('count_less_freq(2)', 40), cellKey('frac_prevs', 5)]);
    for (const ms of r.ms.values()) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/^sort_freq at 10: NotImplementedError: the stand-in has no sort_freq$/);
    expect(r.errors[1]).toMatch(/^no_such_program at 5: KeyError/);
  });

  it('says why when TRACR_DIR is unset or holds no tracr', () => {
    expect(liveTracrTimes([['hist', 5]], '')).toEqual({ ok: false, why: 'TRACR_DIR is not set' });
    const r = liveTracrTimes([['hist', 5]], '/nonexistent/tracr');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toMatch(/^tracr's compiler did not run: ModuleNotFoundError: No module named 'tracr'/);
  });

  it('gives the exit status when tracr stops without a word', () => {
    const tmp = tempDir();
    try {
      mkdirSync(join(tmp.dir, 'tracr'));
      writeFileSync(join(tmp.dir, 'tracr', '__init__.py'), 'import sys\nsys.exit(3)\n');
      expect(liveTracrTimes([['hist', 5]], tmp.dir)).toEqual({ ok: false, why: "tracr's compiler did not run: exit 3" });
    } finally {
      tmp.cleanup();
    }
  });
});
