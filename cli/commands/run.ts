/**
 * `rasplab run MODEL --input "a b c"`: runs a saved model (compiled or learned) on one input and
 * decodes its output sequence (the BOS position is dropped).
 */
import { Command } from 'commander';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println } from '../format/output.ts';
import { allowNonFiniteOption, backendOption, checkLength, jsonOption, parseInput, type BackendChoice, type ModelFileFlags } from '../options.ts';
import { loadModelArg } from '../probeContext.ts';
import { openModel } from '../openModel.ts';
import { helpExamples } from '../format/invocation.ts';
import { requiredOption } from '../requiredOption.ts';

interface RunFlags extends ModelFileFlags {
  readonly input: string;
  readonly json?: boolean;
  readonly backend: BackendChoice;
}

export function register(program: Command): void {
  program
    .command('run')
    .summary('run a saved model on one input')
    .description(
      'Run a saved model (.safetensors, compiled or learned) on one input and print the decoded output ' +
        "sequence ('-' where the model's output is undefined). The model's own vocabulary and context " +
        'length apply. The backend that ran is noted on stderr (a `backend` field with --json).',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .addOption(requiredOption('-i, --input <tokens>', 'the input: space-separated tokens, e.g. "a b c d"'))
    .addOption(jsonOption())
    .addOption(backendOption())
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'run fixtures/models/reverse.compiled.safetensors --input "a b c d"',
        'run fixtures/models/reverse.compiled.safetensors --input "a b c d" --backend cpu --json',
      ),
    )
    .action(async (modelSpec: string, flags: RunFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const model = await loadModelArg(modelSpec, flags);
      // Index 0 of the model's vocabulary is BOS, which the model adds itself.
      const vocab: readonly Value[] = model.config.vocab.slice(1);
      const input = parseInput(flags.input, vocab);
      checkLength(input, model.config.nCtx - 1, `the model's max length (n_ctx - 1)`);

      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      const [output] = (await openModel(model)).outputs([input]);

      if (flags.json) {
        io.out(formatJson({ output, backend }));
        return;
      }
      io.err(`backend: ${backend}\n`);
      println(io.out, output.map(formatValue).join(' '));
    });
}
