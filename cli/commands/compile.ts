/**
 * `rasplab compile PROGRAM`: compiles a RASP program to exact transformer weights and saves them
 * as safetensors (config, labels and the program's source in the header).
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { MlpEnumeration, ProductCost } from '../../compiler/index.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println } from '../format/output.ts';
import { renderPairs } from '../format/table.ts';
import { jsonOption, maxLenOption, outputNameOption, vocabOption } from '../options.ts';
import { printNotes, resolveProgram } from '../resolveProgram.ts';
import { helpExamples } from '../format/invocation.ts';

interface CompileFlags {
  readonly vocab?: Value[];
  readonly maxLen?: number;
  readonly causal?: boolean;
  readonly out?: string;
  readonly output?: string;
  readonly json?: boolean;
}

/** What `compile --json` prints: the compiler's stats, each MLP's enumeration and how long compiling took. */
export interface CompileSummary {
  readonly layers: number;
  readonly heads: number;
  readonly mlpHidden: readonly number[];
  readonly residualWidth: number;
  readonly params: number;
  readonly mlps: readonly MlpEnumeration[];
  /** What composite selectors cost: each product s-op's directions, and the MLP neurons and layer that write it. */
  readonly products: readonly ProductCost[];
  readonly compileMs: number;
}

export function register(program: Command): void {
  program
    .command('compile')
    .summary('compile a RASP program to transformer weights (.safetensors)')
    .description(
      'Compile a RASP program to a transformer whose weights implement it exactly, and save it as ' +
        '.safetensors (with the program, config and per-component labels in the header).\n' +
        "--vocab and --max-len are required unless the program's '# vocab:' / '# max-len:' header gives them.",
    )
    .argument('<program>', 'a .rasp file, or a library name such as reverse')
    .addOption(vocabOption())
    .addOption(maxLenOption())
    .addOption(new Option('--causal', 'compile with causal (left-to-right) attention masks'))
    .addOption(new Option('-o, --out <path>', 'where to write the model (default: <program>.safetensors in the current directory)'))
    .addOption(outputNameOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      helpExamples(
        'compile reverse --vocab a,b,c,d --max-len 8 -o reverse.safetensors',
        'compile fixtures/programs/sort.rasp --vocab 1,2,3 --max-len 5 --json',
      ),
    )
    .action(async (spec: string, flags: CompileFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.output?.endsWith('.safetensors')) throw new UserError(`--output names the output s-op; write the model file with -o ${flags.output}`);
      const prog = await resolveProgram(spec, { output: flags.output });
      printNotes(io.err, prog);
      const vocab = flags.vocab ?? prog.vocab;
      const maxLen = flags.maxLen ?? prog.maxLen;
      if (!vocab) throw new UserError(`compile needs a vocabulary: pass --vocab a,b,c or put '# vocab: a b c' in ${prog.file ?? prog.name}`);
      if (maxLen === undefined) throw new UserError(`compile needs a maximum length: pass --max-len 8 or put '# max-len: 8' in ${prog.file ?? prog.name}`);
      const path = resolve(flags.out ?? `${prog.name}.safetensors`);

      const { compile } = await import('../../compiler/index.ts');
      const { saveModel } = await import('../../src/model/modelFile.ts');
      const t0 = performance.now();
      const { model, stats, mlps, products } = await compile(prog, { vocab, maxLen, causal: flags.causal ?? false });
      const compileMs = Math.round((performance.now() - t0) * 10) / 10;
      saveModel(path, model);

      const summary: CompileSummary = {
        layers: stats.layers,
        heads: stats.heads,
        mlpHidden: stats.mlpHidden,
        residualWidth: stats.residualWidth,
        params: stats.params,
        mlps,
        products,
        compileMs,
      };
      if (flags.json) {
        io.out(formatJson(summary));
        io.err(`wrote ${path}\n`);
        return;
      }
      println(io.out, `compiled ${prog.name} in ${compileMs} ms → ${path}`);
      io.out(
        renderPairs([
          ['layers', summary.layers],
          ['heads', summary.heads],
          ['mlp hidden', `${summary.mlpHidden.join(', ') || '-'} (per layer)`],
          ['residual width', summary.residualWidth],
          ['params', summary.params],
        ]),
      );
    });
}
