/**
 * `rasplab probe MODEL`: linear probes for every program variable at every residual read point.
 */
import { Command, Option } from 'commander';
import { formatJson } from '../format/json.ts';
import { pct } from '../format/percent.ts';
import { renderTable } from '../format/table.ts';
import { parsePositiveInt } from '../options.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';

interface ProbeCmdFlags extends ProbeFlags {
  readonly threshold: number;
  readonly steps: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('probe')
    .summary('linear probes: where each program variable becomes decodable')
    .description(
      'Fit a linear probe (logistic regression for categorical variables, least squares for numerical ones) from the residual stream at each read point ' +
        '(resid_pre of every layer, then the final resid_post) to each program variable per position, and report held-out accuracy. ' +
        'On compiled models the point where the model holds each variable in its own directions is shown too.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd, { scoresOutputs: false })
    .addOption(new Option('--threshold <x>', 'held-out accuracy that counts as decodable').argParser(Number).default(0.99))
    .addOption(new Option('--steps <n>', 'logistic-regression refinement steps').argParser(parsePositiveInt('--steps')).default(200))
    .addHelpText('after', '\nExamples:\n  $ rasplab probe reverse.safetensors\n  $ rasplab probe learned.safetensors --program reverse --json')
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
        ...(ctx.model.config.origin === 'compiled' ? [v.compiledPoint === null || v.compiledPoint === undefined ? '-' : String(v.compiledPoint)] : []),
      ]);
      ctx.io.out(renderTable({ head, rows, compact: true }));
    });
}
