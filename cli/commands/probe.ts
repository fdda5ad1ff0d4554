/**
 * `rasplab probe MODEL`: linear probes for every program variable at every residual read point.
 */
import { Command, Option } from 'commander';
import type { VariableProbe } from '../../probes/linearProbe.ts';
import { formatValue } from '../../src/rasp/values.ts';
import { formatJson } from '../format/json.ts';
import { pct } from '../format/percent.ts';
import { renderTable } from '../format/table.ts';
import { parsePositiveInt } from '../options.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

interface ProbeCmdFlags extends ProbeFlags {
  readonly threshold: number;
  readonly steps: number;
}

function compiledCell(v: VariableProbe): string {
  if (v.compiledPoint === null || v.compiledPoint === undefined) return '-';
  return v.compiledValues ? `${v.compiledPoint} partial` : String(v.compiledPoint);
}

export function register(program: Command): void {
  const cmd = program
    .command('probe')
    .summary('linear probes: where each program variable becomes decodable')
    .description(
      'Fit a linear probe (class-balanced logistic regression for categorical variables, least squares for numerical ones) ' +
        'from the residual stream at each read point ' +
        '(resid_pre of every layer, then the final resid_post) to each program variable per position, and report held-out accuracy ' +
        '(inputs are split so that every value of every variable is in the fitting split). ' +
        'On compiled models the point where the model holds each variable in its own directions is shown too, ' +
        'marked partial where only some of its values have directions.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd, { scoresOutputs: false })
    .addOption(new Option('--threshold <x>', 'held-out accuracy that counts as decodable').argParser(Number).default(0.99))
    .addOption(new Option('--steps <n>', 'most iterations of the logistic-regression fit').argParser(parsePositiveInt('--steps')).default(200))
    .addHelpText(
      'after',
      helpExamples(
        'probe fixtures/models/reverse.compiled.safetensors',
        'probe fixtures/models/reverse.learned.safetensors --program reverse --samples 200 --json',
      ),
    )
    .action(async (modelSpec: string, flags: ProbeCmdFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { linearProbes } = await import('../../probes/linearProbe.ts');
      const r = await linearProbes(ctx.model, ctx.program, ctx.set, { seed: flags.seed, threshold: flags.threshold, steps: flags.steps });
      if (flags.json) return void ctx.io.out(formatJson(r));
      const head = [
        'variable',
        ...r.hooks.map((h) => h.replace('.hook_', ' ')),
        'first decodable',
        ...(ctx.model.config.origin === 'compiled' ? ['compiled'] : []),
      ];
      const rows = r.variables.map((v) => [
        v.variable,
        ...v.points.map((p) => pct(p.accuracy)),
        v.firstDecodable === null ? '-' : String(v.firstDecodable),
        ...(ctx.model.config.origin === 'compiled' ? [compiledCell(v)] : []),
      ]);
      ctx.io.out(renderTable({ head, rows, compact: true }));
      const partial = r.variables.flatMap((v) => (v.compiledValues ? [`${v.variable} (${v.compiledValues.map(formatValue).join(' ')})`] : []));
      if (partial.length) ctx.io.out(`partial: only some values have directions of their own: ${partial.join(', ')}\n`);
    });
}
