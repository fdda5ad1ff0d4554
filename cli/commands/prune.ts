/**
 * `rasplab prune MODEL [--method global|per-matrix|heads|neurons]`: accuracy against sparsity.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { repeatableChoiceOption } from '../options.ts';

interface PruneFlags extends ProbeFlags {
  readonly method: string[];
  readonly sparsities?: number[];
}

function parseSparsities(text: string): number[] {
  const xs = text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
  if (xs.length === 0 || xs.some((x) => !(x >= 0 && x <= 1))) throw new UserError(`--sparsities wants numbers in [0, 1], e.g. 0,0.5,0.9; got '${text}'`);
  return xs;
}

export function register(program: Command): void {
  const cmd = program
    .command('prune')
    .summary('magnitude and structured pruning: accuracy against sparsity')
    .description(
      'Prune the smallest weights of the attention and MLP matrices (global: one cut-off for all; per-matrix: the same share of each), ' +
        'or whole heads / neurons by weight norm, and report exact match, token accuracy and loss at each sparsity.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(repeatableChoiceOption('--method <m>', 'pruning method (repeatable; default all)', ['global', 'per-matrix', 'heads', 'neurons']))
    .addOption(new Option('--sparsities <list>', 'comma-separated sparsities in [0, 1]').argParser(parseSparsities))
    .addHelpText(
      'after',
      helpExamples(
        'prune fixtures/models/reverse.compiled.safetensors --method global',
        'prune fixtures/models/reverse.learned.safetensors --sparsities 0,0.5,0.9 --json',
      ),
    )
    .action(async (modelSpec: string, flags: PruneFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { pruningCurve, PRUNE_METHODS } = await import('../../probes/pruning.ts');
      const methods = (flags.method?.length ? flags.method : PRUNE_METHODS) as typeof PRUNE_METHODS;
      const curves = [];
      for (const m of methods) curves.push(await pruningCurve(ctx.model, ctx.set, m, { sparsities: flags.sparsities, tolerance: flags.tolerance }));
      if (flags.json) return void ctx.io.out(formatJson({ curves }));
      for (const cv of curves) {
        println(ctx.io.out, `${cv.method}:`);
        ctx.io.out(
          renderTable({
            head: ['sparsity', 'zero weights', 'exact match', 'token acc', 'loss'],
            rows: cv.points.map((p) => [pct(p.sparsity), pct(p.zeros), pct(p.exactMatch), pct(p.tokenAccuracy), p.loss.toFixed(4)]),
            align: ['right', 'right', 'right', 'right', 'right'],
            compact: true,
          }),
        );
      }
    });
}
