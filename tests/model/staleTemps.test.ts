/** A process killed while writing a model leaves a temporary beside it; the next save removes it once that process is gone. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../../src/model/modelFile.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

/** The PID of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('saveModel and stale temporaries', () => {
  it('removes those of dead processes, keeps those of live ones and other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rasplab-stale-'));
    const pid = deadPid();
    const dead = join(dir, `.m.safetensors.${pid}.tmp`);
    const live = join(dir, `.m.safetensors.${process.ppid}.tmp`);
    const other = join(dir, `.other.safetensors.${pid}.tmp`);
    for (const f of [dead, live, other]) writeFileSync(f, 'half a model');
    saveModel(join(dir, 'm.safetensors'), randomModel(tinyConfig(), 1));
    expect(existsSync(dead)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([`.m.safetensors.${process.ppid}.tmp`, `.other.safetensors.${pid}.tmp`, 'm.safetensors']);
  });
});
