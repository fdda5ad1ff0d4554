/** A report that does not fit on the disk: one clean line, and the previous report stays as it was. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeReport } from '../../cli/report/write.ts';
import { emptyDisk, fillDisk } from '../files/failingDisk.ts';
import { userError } from '../support/userError.ts';
import { sampleReport } from './sampleData.ts';

vi.mock('node:fs', async (importOriginal) => (await import('../files/failingDisk.ts')).failingFs(importOriginal));
afterEach(emptyDisk);

describe('writeReport on a full disk', () => {
  it('fails naming the page, keeps the old page byte for byte and leaves no temporary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rasplab-report-'));
    const html = join(dir, 'report.html');
    writeReport(sampleReport(), { html });
    const before = readFileSync(html);
    fillDisk(1000);
    expect(userError(() => writeReport(sampleReport(), { html }))).toBe(`cannot write ${html}: no space left on device (ENOSPC)`);
    emptyDisk();
    expect(readFileSync(html).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });
});
