/**
 * `rasplab verify MODEL [PROGRAM]`: does the model agree with the reference evaluator? Checks
 * every input when there are at most --samples of them, else --samples random ones (seeded).
 * Exit code 1 when any checked input disagrees.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatValue, type MaybeValue } from '../../src/rasp/values.ts';
import { EXIT_FAILED, setExitCode } from '../errors.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println } from '../format/output.ts';
import { renderPairs } from '../format/table.ts';
import {
  allowNonFiniteOption,
  backendOption,
  jsonOption,
  outputNameOption,
  parsePositiveInt,
  seedOption,
  toleranceOption,
  vocabText,
  type BackendChoice,
  type ModelFileFlags,
} from '../options.ts';
import { loadModelArg } from '../probeContext.ts';
import { openModel } from '../openModel.ts';
import { programForModel } from '../resolveProgram.ts';
import { commandLine, helpExamples } from '../format/invocation.ts';

interface VerifyFlags extends ModelFileFlags {
  readonly samples: number;
  readonly seed: number;
  readonly tolerance: number;
  readonly minLen?: number;
  readonly maxLen?: number;
  readonly output?: string;
  readonly json?: boolean;
  readonly backend: BackendChoice;
}

// Restated here so that --help does not load the probes; the verify tests pin it to probes/verify.ts.
export const EXHAUSTIVE_LIMIT_SHOWN = 100_000;
const EXHAUSTIVE_TEXT = EXHAUSTIVE_LIMIT_SHOWN.toLocaleString('en-US');

const seq = (xs: readonly MaybeValue[]): string => `"${xs.map(formatValue).join(' ')}"`;

export function register(program: Command): void {
  program
    .command('verify')
    .summary('check that a model agrees with its RASP program')
    .description(
      "Check a saved model against a RASP program's reference evaluator over the model's vocabulary and " +
        'the lengths it was built or trained for (a learned model: its training lengths; a compiled one: 1..n_ctx-1; ' +
        `--min-len/--max-len choose others, up to n_ctx-1): every input when there are at most ${EXHAUSTIVE_TEXT} of them (exhaustive), ` +
        'else --samples random inputs drawn with --seed. PROGRAM defaults to the program recorded in the model file; ' +
        'its s-op checked is the one the model was built for (--output names another). ' +
        'Inputs the evaluator refuses are skipped and counted (skipped in --json). ' +
        'Prints the exact-match agreement, the largest absolute error of numerical outputs and the first ' +
        'disagreeing input; exits with code 1 when agreement is below 100%, and with code 2 when the program refuses every input checked.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .argument('[program]', 'a .rasp file or library name (default: the program recorded in the model)')
    .addOption(
      new Option('--samples <n>', `how many random inputs to check when the input space is larger than ${EXHAUSTIVE_TEXT}`)
        .argParser(parsePositiveInt('--samples', 'samples'))
        .default(10000),
    )
    .addOption(seedOption())
    .addOption(new Option('--min-len <n>', "shortest input checked (default: the model's shortest)").argParser(parsePositiveInt('--min-len', 'maxLen')))
    .addOption(
      new Option('--max-len <n>', "longest input checked (default: the model's longest; up to n_ctx-1)").argParser(parsePositiveInt('--max-len', 'maxLen')),
    )
    .addOption(toleranceOption())
    .addOption(outputNameOption())
    .addOption(jsonOption())
    .addOption(backendOption())
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'verify fixtures/models/reverse.compiled.safetensors',
        'verify fixtures/models/reverse.learned.safetensors reverse --samples 2000 --seed 1 --json',
        'verify fixtures/models/reverse.learned.safetensors --min-len 9 --max-len 10   # lengths never seen in training',
      ),
    )
    .action(async (modelSpec: string, programSpec: string | undefined, flags: VerifyFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const model = await loadModelArg(modelSpec, flags);
      const prog = await programForModel(model, modelSpec, programSpec, {
        output: flags.output,
        howToName: `name the program: ${commandLine(`verify ${modelSpec} PROGRAM`)}`,
      });
      const { modelTask } = await import('../../probes/probeSet.ts');
      const task = modelTask(model);
      const vocab = task.vocab;
      const capacity = model.config.nCtx - 1;
      const maxLen = flags.maxLen ?? task.maxLen;
      const minLen = flags.minLen ?? Math.min(task.minLen, maxLen);
      if (maxLen > capacity) throw new UserError(`--max-len ${maxLen} is longer than the model's context allows (${capacity} tokens)`);
      if (minLen > maxLen) throw new UserError(`--min-len ${minLen} is longer than the longest input checked (${maxLen})`);

      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      const { verifyModel } = await import('../../probes/verify.ts');
      const r = verifyModel(await openModel(model), prog, { vocab, maxLen, minLen, samples: flags.samples, seed: flags.seed, tolerance: flags.tolerance });
      if (r.agreement === null) {
        const why = r.firstRejection ? ` (on ${seq(r.firstRejection.input)}: ${r.firstRejection.reason})` : '';
        throw new UserError(
          `checked no input: program '${prog.name}' refuses all ${r.rejected} inputs over the model's vocabulary ${vocabText(vocab)} ` +
            `and lengths ${minLen}–${maxLen}${why}; the model does not fit the program`,
        );
      }
      if (r.agreement < 1) setExitCode(cmd, EXIT_FAILED);

      if (flags.json) {
        io.out(
          formatJson({
            checked: r.checked,
            exhaustive: r.exhaustive,
            agreement: r.agreement,
            maxAbsError: r.maxAbsError,
            firstMismatch: r.firstMismatch,
            skipped: r.rejected,
            firstSkipped: r.firstRejection,
          }),
        );
        return;
      }
      io.err(`backend: ${backend}\n`);
      const numerical = model.config.output.encoding === 'numerical';
      const pairs: [string, string][] = [
        ['program', `${prog.name} (output ${prog.output.name ?? '?'})`],
        ['checked', `${r.checked} inputs, lengths ${minLen}–${maxLen}, ${r.exhaustive ? 'exhaustive' : `sampled (seed ${flags.seed})`}`],
        ['agreement', `${(100 * r.agreement).toFixed(2)}% exact match`],
      ];
      if (numerical) pairs.push(['max abs error', r.maxAbsError === null || r.maxAbsError === undefined ? '-' : String(r.maxAbsError)]);
      if (r.rejected) pairs.push(['skipped', `${r.rejected} inputs the evaluator refuses`]);
      const m = r.firstMismatch;
      pairs.push(['first mismatch', m ? `input ${seq(m.input)}: expected ${seq(m.expected)}, got ${seq(m.got)}` : 'none']);
      io.out(renderPairs(pairs));
      println(io.out, r.agreement < 1 ? 'FAIL: the model disagrees with the program' : 'OK: the model agrees with the program');
    });
}
