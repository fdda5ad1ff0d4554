/**
 * `rasplab demo`: the tour on a fresh machine — compile `reverse`, train a small learned model on
 * the same task (cached after the first run), compare the two, write rasplab-report.html and say
 * what came out and what to try next.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { setExitCode } from '../errors.ts';
import { ioOf } from '../format/output.ts';
import { backendOption, parsePositiveInt, samplesOption, seedOption, type BackendChoice } from '../options.ts';
import { openModel } from '../openModel.ts';
import { CACHE_DIR, DEMO_DEFAULTS } from '../demo/settings.ts';
import { DEFAULT_REPORT } from './report.ts';
import { helpExamples } from '../format/invocation.ts';

interface DemoFlags {
  readonly out: string;
  readonly fresh?: boolean;
  readonly backend: BackendChoice;
  readonly seed: number;
  readonly cache: string;
  readonly maxLen: number;
  readonly steps: number;
  readonly samples: number;
}

function makeFolder(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`${flag} ${dir}: cannot make the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function register(program: Command): void {
  program
    .command('demo')
    .summary('compile reverse, train a learned model, compare them and write rasplab-report.html')
    .description(
      `Compile the library program reverse (vocabulary ${DEMO_DEFAULTS.vocab.join(' ')}), train a small learned transformer ` +
        `(${DEMO_DEFAULTS.layers} layers, ${DEMO_DEFAULTS.heads} heads, d_model ${DEMO_DEFAULTS.dModel}) ` +
        `on lengths 1–${DEMO_DEFAULTS.maxLen} until ${100 * DEMO_DEFAULTS.targetAcc}% held-out exact match, ` +
        `compare the two on those lengths and on inputs one token longer (the compiled ` +
        `model is built for them too), write ${DEFAULT_REPORT} and print what matched. ` +
        `Both models are cached in ${CACHE_DIR}/, keyed by the settings: a second run skips training.`,
    )
    .addOption(new Option('--out <dir>', `folder to write ${DEFAULT_REPORT} into`).default('.'))
    .addOption(new Option('--fresh', 'ignore the cache: compile and train again'))
    .addOption(backendOption())
    .addOption(seedOption())
    .addOption(new Option('--cache <dir>', 'where the models are cached').default(CACHE_DIR))
    .addOption(
      new Option('--max-len <n>', 'longest training input (smaller is quicker)')
        .argParser(parsePositiveInt('--max-len', 'maxLen'))
        .default(DEMO_DEFAULTS.maxLen),
    )
    .addOption(
      new Option('--steps <n>', 'most training steps (training stops early at the target accuracy)')
        .argParser(parsePositiveInt('--steps'))
        .default(DEMO_DEFAULTS.steps),
    )
    .addOption(samplesOption())
    .addHelpText(
      'after',
      helpExamples('demo', 'demo --out reports/ --fresh', 'demo --max-len 4 --steps 50 --samples 40     # a quick, rough run (what the tests do)'),
    )
    .action(async (flags: DemoFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const t0 = performance.now();
      const { resolveProgram } = await import('../resolveProgram.ts');
      const { demoPaths } = await import('../demo/settings.ts');
      const { compiledModel, learnedModel } = await import('../demo/models.ts');
      const settings = { ...DEMO_DEFAULTS, maxLen: flags.maxLen, steps: flags.steps, seed: flags.seed };
      const program = await resolveProgram(settings.program);
      const paths = demoPaths(settings, program, flags.cache);
      if (flags.fresh) rmSync(paths.dir, { recursive: true, force: true });
      makeFolder(paths.dir, '--cache');
      const outDir = resolve(flags.out);
      makeFolder(outDir, '--out'); // before training, so a bad --out costs nothing
      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      io.err(
        `rasplab demo: ${settings.program}, vocabulary ${settings.vocab.join(' ')}, ` +
          `training lengths 1–${settings.maxLen} (compiled up to ${settings.maxLen + 1}), backend ${backend}\n`,
      );

      const compiled = await compiledModel(program, settings, paths);
      io.err(compiled.cached ? 'compiled model: from the cache\n' : 'compiled model: compiled\n');
      if (!existsSync(paths.learned)) io.err('learned model: training (progress below; Ctrl-C stops and keeps a checkpoint)\n');
      const learned = await learnedModel(program, settings, paths, io);
      if (!learned) return void setExitCode(cmd, 130);
      if (learned.cached) io.err('learned model: from the cache, no training needed (--fresh retrains)\n');

      io.err('the report:\n');
      const { collectReport } = await import('../report/collect.ts');
      const { trainingCurveFor } = await import('../report/trainingLog.ts');
      const { writeReport } = await import('../report/write.ts');
      const { demoSummary } = await import('../demo/summary.ts');
      const data = await collectReport(
        [
          { model: await openModel(compiled.model), file: basename(compiled.path), training: null },
          { model: await openModel(learned.model), file: basename(learned.path), training: trainingCurveFor(learned.path) },
        ],
        program,
        { samples: flags.samples, seed: flags.seed, backend, onStage: (what) => io.err(`  ${what}…\n`) },
      );
      const reportPath = join(outDir, DEFAULT_REPORT);
      writeReport(data, { html: reportPath });
      io.out(demoSummary(data, { compiled, learned, report: reportPath, cwd: process.cwd() }));
      io.err(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
