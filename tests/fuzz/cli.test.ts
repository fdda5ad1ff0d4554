/**
 * A few mutants through the real command, in its own process with a 2 GB heap: it ends in time
 * with exit code 0 or 2 (1 where `check` finds a claim false), and a refusal is one line on stderr,
 * never a stack trace or an "unexpected error". Each run costs a process start, so there are few.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/harness.ts';
import { FUZZ_SEED } from './budget.ts';
import { bytesMutant, textMutant, tokenMutant } from './mutate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin.mjs');
const MODEL = join(ROOT, 'fixtures', 'models', 'reverse.compiled.safetensors');
const REVERSE = readFileSync(join(ROOT, 'fixtures', 'programs', 'reverse.rasp'), 'utf8');
const HYPOTHESES = readFileSync(join(ROOT, 'fixtures', 'hypotheses', 'reverse.yaml'), 'utf8');
const long = process.env.npm_lifecycle_event === 'fuzz';
/** Mutants of each kind: one in `npm test`, ten in `npm run fuzz`. */
const SAMPLES = long ? 10 : 1;
const SECONDS = 60;

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function rasplab(args: readonly string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=2048', BIN, ...args], { cwd: tmp.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), SECONDS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    });
  });
}

async function expectClean(args: readonly string[], codes: readonly number[]): Promise<void> {
  const { code, err } = await rasplab(args);
  const what = `rasplab ${args.join(' ')}\n${err}`;
  expect(codes, what).toContain(code);
  expect(err, what).not.toMatch(/^\s+at |unexpected error|FATAL ERROR/m);
  // One line per mistake: a file with several reports each (as the RASP interpreter does).
  if (code === 2) expect(err, what).toMatch(/^(rasplab: [^\n]+\n)+$/);
}

/** Runs `f` on every item, four processes at a time. */
async function eachAtMostFour<T>(items: readonly T[], f: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 4) await Promise.all(items.slice(i, i + 4).map((x, j) => f(x, i + j)));
}

const sample = <T>(arb: fc.Arbitrary<T>): T[] => fc.sample(arb, { seed: FUZZ_SEED, numRuns: SAMPLES });

describe('fuzz: the rasplab command', () => {
  it(
    'eval on mutated programs',
    async () => {
      const programs = [...sample(textMutant([REVERSE])), ...sample(tokenMutant([REVERSE], ['(', ')', ';', 'select', 'aggregate', '==', '1']))];
      await eachAtMostFour(programs, (text, i) => expectClean(['eval', tmp.file(`p${i}.rasp`, text), '--input', 'a b c'], [0, 2]));
    },
    (SAMPLES + 1) * SECONDS * 1000,
  );

  it(
    'inspect and run on mutated model files',
    async () => {
      const base = Uint8Array.from(readFileSync(MODEL));
      const headerEnd = 8 + Number(new DataView(base.buffer).getBigUint64(0, true));
      const files = sample(fc.tuple(bytesMutant(base, [0, headerEnd]), bytesMutant(base, [0, headerEnd]))).flatMap((pair, i) =>
        pair.map((bytes, j) => {
          const file = join(tmp.dir, `m${i}.${j}.safetensors`);
          writeFileSync(file, bytes);
          return file;
        }),
      );
      await eachAtMostFour(files, (file, i) => expectClean(i % 2 ? ['run', file, '--input', 'a b c'] : ['inspect', file], [0, 2]));
    },
    (SAMPLES + 1) * SECONDS * 1000,
  );

  it(
    'check with mutated hypothesis files',
    async () => {
      const pieces = ['&a ', '*a', '*nope', '<<: ', '!!set ', '__proto__: ', 'constructor: ', '{', '[', '- ', '\n'];
      const files = [...sample(textMutant([HYPOTHESES])), ...sample(tokenMutant([HYPOTHESES], pieces, 6))];
      await eachAtMostFour(files, (text, i) => expectClean(['check', MODEL, tmp.file(`h${i}.yaml`, text), '--runs', '5'], [0, 1, 2]));
    },
    (SAMPLES + 1) * SECONDS * 1000,
  );
});
