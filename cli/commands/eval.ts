/**
 * `rasplab eval PROGRAM --input "a b c"`: runs the reference evaluator and prints the output
 * sequence; --trace adds every named node's values, position by position.
 */
import { Command, Option } from 'commander';
import { formatValue } from '../../src/rasp/values.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println } from '../format/output.ts';
import { renderTrace, traceJson } from '../format/trace.ts';
import { checkLength, jsonOption, maxLenOption, outputNameOption, parseInput, vocabOption } from '../options.ts';
import { printNotes, resolveProgram } from '../resolveProgram.ts';
import type { Value } from '../../src/rasp/values.ts';
import { helpExamples } from '../format/invocation.ts';
import { requiredOption } from '../requiredOption.ts';

interface EvalFlags {
  readonly input: string;
  readonly output?: string;
  readonly trace?: boolean;
  readonly json?: boolean;
  readonly vocab?: Value[];
  readonly maxLen?: number;
}

export function register(program: Command): void {
  program
    .command('eval')
    .summary('run a RASP program on one input with the reference evaluator')
    .description(
      'Run a RASP program on one input with the reference evaluator and print the output sequence ' +
        "('-' marks positions where the output is undefined).\n" +
        "The program's '# vocab:' and '# max-len:' header comments are defaults; --vocab and --max-len override them.",
    )
    .argument('<program>', 'a .rasp file, or a library name such as reverse')
    .addOption(requiredOption('-i, --input <tokens>', 'the input: space-separated tokens, e.g. "a b c d"'))
    .addOption(outputNameOption())
    .addOption(new Option('--trace', 'also print every named s-op and selector at every position (a selector cell lists the key positions that query selects)'))
    .addOption(jsonOption())
    .addOption(vocabOption())
    .addOption(maxLenOption())
    .addHelpText(
      'after',
      helpExamples(
        'eval reverse --input "a b c d"',
        'eval reverse --input "a b c d" --trace',
        'eval fixtures/programs/sort.rasp --input "3 1 2" --vocab 1,2,3 --output target_pos --json',
      ),
    )
    .action(async (spec: string, flags: EvalFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const prog = await resolveProgram(spec, { output: flags.output });
      printNotes(io.err, prog);
      const vocab = flags.vocab ?? prog.vocab;
      const maxLen = flags.maxLen ?? prog.maxLen;
      const input = parseInput(flags.input, vocab);
      checkLength(input, maxLen);

      const { evaluateProgram } = await import('../../src/rasp/evaluate.ts');
      const output = evaluateProgram(prog, input);
      const trace = flags.trace ? (await import('../../src/rasp/trace.ts')).traceProgram(prog, input) : undefined;

      if (flags.json) {
        io.out(formatJson(trace ? { output, trace: traceJson(trace) } : { output }));
        return;
      }
      if (trace) io.out(renderTrace(trace, input));
      println(io.out, output.map(formatValue).join(' '));
    });
}
