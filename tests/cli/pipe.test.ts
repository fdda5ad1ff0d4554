/** `rasplab … | head`: a reader that stops early ends the output quietly, without an EPIPE trace. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

describe('a closed stdout', () => {
  it('exits 0 with nothing on stderr', async () => {
    const child = spawn(process.execPath, [bin, 'patch', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // Like `head` that has read all it wants: the pipe is closed before the command writes.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
