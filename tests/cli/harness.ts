/** Runs the CLI in-process, capturing what it writes. */
import { expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

export function tempDir(): { dir: string; file(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rasplab-cli-'));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The library's reverse program without its header comments, to put our own in front. */
export function reverseBody(): string {
  return readFileSync(join(LIBRARY_DIR, 'reverse.rasp'), 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#\s*(vocab|max-len)\s*:/.test(l))
    .join('\n');
}

/**
 * A refusal as users get it: exit 2 and one line saying why (the probe commands' "backend: …"
 * line before it, on stderr, is not part of the error).
 */
export function expectRefusal(r: CliResult, message: RegExp): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(message);
  expect(
    r.err
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('backend:')),
  ).toHaveLength(1);
}
