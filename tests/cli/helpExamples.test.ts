/**
 * Every example in every `--help` runs as written, in the form a user who ran `npm install` can
 * type (`npx rasplab …`). The examples name the repository's fixtures (fixtures/models/…) or files
 * an example before them writes (the root help's `compile … -o reverse.safetensors`, then `run
 * reverse.safetensors`), so they run in order, in a scratch folder that holds a link to fixtures/.
 * Examples that train (train, demo) run until training has begun and are then stopped as Ctrl-C
 * stops them, at a step with a checkpoint saved: what they would do afterwards is tested elsewhere
 * and takes minutes. The TUI needs a terminal; its examples run up to the terminal check, past
 * every check of the models and flags.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.ts';
import { cli, tempDir } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TRAINS = new Set(['train', 'demo']);
const CHECKS = new Set(['verify', 'check']);
/** A queue worker runs until stopped; its examples name a Redis that the test machine has none of, so they end at that check. */
const QUEUE_WORKERS = new Set(['worker']);

/**
 * Presses Ctrl-C once, as soon as a training run listens for it (trainRun.ts stops at the next step
 * and keeps a checkpoint; a second press would exit the process). Returns what stops the watch.
 */
function ctrlCOnceTraining(): () => void {
  const before = process.listenerCount('SIGINT');
  const timer = setInterval(() => {
    if (process.listenerCount('SIGINT') <= before) return;
    clearInterval(timer);
    process.emit('SIGINT');
  }, 50);
  return () => clearInterval(timer);
}

/** Words of a command line as a POSIX shell splits them (double and single quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** The examples of one help text: each `$ …` line, its trailing `# comment` dropped. */
function examplesOf(help: string): string[] {
  return [...help.matchAll(/^ {2}\$ (.*)$/gm)].map((m) => m[1].replace(/\s+#.*$/, '').trim());
}

async function helpOf(...argv: string[]): Promise<string> {
  const r = await cli(...argv, '--help');
  expect(r.code, r.err).toBe(0);
  return r.out;
}

const names = buildProgram()
  .commands.map((c) => c.name())
  .filter((n) => n !== 'help');

describe('every --help example runs as written', () => {
  const tmp = tempDir();
  const cwd = process.cwd();
  beforeAll(() => {
    symlinkSync(join(ROOT, 'fixtures'), join(tmp.dir, 'fixtures'));
    process.chdir(tmp.dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    tmp.cleanup();
  });

  it.each([['(root)'], ...names.map((n) => [n])])(
    '%s',
    async (name) => {
      const help = await helpOf(...(name === '(root)' ? [] : [name]));
      expect(help, 'a command to type, quoted in the text, in the form that runs').not.toMatch(/`rasplab /);
      const examples = examplesOf(help);
      expect(examples.length, 'examples').toBeGreaterThan(0);
      for (const example of examples) {
        expect(example, 'the form an npm install can run').toMatch(/^npx rasplab /);
        const argv = shellWords(example).slice(2);
        const stop = TRAINS.has(argv[0]) ? ctrlCOnceTraining() : undefined;
        const r = await cli(...argv);
        stop?.();
        if (argv[0] === 'tui') {
          expect(r.err, example).toMatch(/^rasplab: the terminal UI needs an interactive terminal/);
          continue;
        }
        if (QUEUE_WORKERS.has(argv[0])) {
          expect(r.code, example).toBe(2);
          expect(r.err, example).toMatch(/^rasplab: cannot (reach|use) Redis at redis:\/\/\S+: .+\n$/);
          continue;
        }
        if (TRAINS.has(argv[0]) && r.code === 130) {
          expect(r.err, example).toMatch(/interrupted at step \d+/);
          continue;
        }
        // verify and check exit 1 when the model fails what they check: they ran.
        const ran = r.code === 0 || (CHECKS.has(argv[0]) && r.code === 1 && !/\n\s+at /.test(r.err));
        expect(ran, `${example}: exit ${r.code}\n${r.err}`).toBe(true);
      }
    },
    240_000,
  ); // every example of one command, one after another: the report's take half a minute on their own
});
