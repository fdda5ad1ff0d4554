/**
 * `rasplab intervene MODEL --variable V [--site SITE] [--pairs N]`: interchange interventions and
 * their accuracy (IIA) against the program's counterfactual outputs.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { VariableIIA } from '../../probes/abstraction/iia.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { parsePositiveInt } from '../options.ts';

interface InterveneFlags extends ProbeFlags {
  readonly variable: string[];
  readonly site: string[];
  readonly pairs: number;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export const SITE_HELP =
  'a hook point (blocks.1.hook_resid_pre), a component (1.0, mlp0), residual directions ' +
  '(blocks.1.hook_resid_mid[opp_index], blocks.0.hook_resid_pre[2,3,4]), each optionally @POSITION (BOS = 0), or labels';

function rows(rs: readonly VariableIIA[]): string[][] {
  return rs.map((r) => [r.variable, r.site, String(r.pairs), pct(r.iia), `${r.changed}`, Number.isNaN(r.iiaChanged) ? '-' : pct(r.iiaChanged)]);
}

export function register(program: Command): void {
  const cmd = program
    .command('intervene')
    .summary('interchange interventions: does a site play a program variable’s causal role?')
    .description(
      'Draw base/source pairs (of one length; for a site at one position, any lengths that reach it); ' +
        'run the model on the base with the site holding what it holds on the source, and compare ' +
        "its output with the program's output on the base with the variable taking its source values (downstream recomputed). " +
        'IIA is the fraction of pairs whose whole output matches; "changed" counts the pairs where that counterfactual differs from the base output, ' +
        'and IIA over those is given beside; pairs whose counterfactual the model has no output class for are left out. ' +
        'The default site of a compiled model is the directions its labels give the variable, right after the block that writes them.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(
      new Option('--variable <name>', 'a program variable: tokens, indices, length or a named s-op (repeatable; default: every one the compiled model holds)')
        .argParser(collect)
        .default([]),
    )
    .addOption(new Option('--site <site>', `where to intervene (repeatable; default labels): ${SITE_HELP}`).argParser(collect).default([]))
    .addOption(new Option('--pairs <n>', 'base/source pairs per variable').argParser(parsePositiveInt('--pairs')).default(200))
    .addHelpText(
      'after',
      helpExamples(
        'intervene fixtures/models/reverse.compiled.safetensors',
        "intervene fixtures/models/reverse.compiled.safetensors --variable tokens --site labels --site 'blocks.1.hook_resid_post[tokens]'",
        'intervene fixtures/models/reverse.learned.safetensors --variable reverse --site 1.0 --site 1.1 --pairs 100 --json',
      ),
    )
    .action(async (modelSpec: string, flags: InterveneFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c, undefined, { ownInputs: true });
      const { iiaTable } = await import('../../probes/abstraction/iia.ts');
      const { programSOps } = await import('../../src/rasp/counterfactual.ts');
      const { labelledDirections } = await import('../../probes/abstraction/sites.ts');
      const sites = flags.site.length ? flags.site : ['labels'];
      let variables = flags.variable;
      if (variables.length === 0) {
        if (ctx.model.labels.residual.length === 0) throw new UserError('name a --variable (the model has no residual labels to take them from)');
        variables = [...programSOps(ctx.program).keys()].filter((v) => labelledDirections(ctx.model, v).length > 0);
      }
      if (sites.includes('labels') && ctx.model.labels.residual.length === 0)
        throw new UserError('a learned model has no labelled directions: name a --site (a hook point, a head, directions)');
      const results = await iiaTable(ctx.model, ctx.program, {
        variables,
        sites,
        task: ctx.task,
        pairs: flags.pairs,
        seed: flags.seed,
        tolerance: flags.tolerance,
      });
      if (flags.json) return void ctx.io.out(formatJson({ program: ctx.program.name, results }));
      println(
        ctx.io.out,
        `${flags.pairs} base/source pairs per variable and position (seed ${flags.seed}); ` +
          `IIA against program '${ctx.program.name}' with the variable overridden`,
      );
      ctx.io.out(
        renderTable({
          head: ['variable', 'site', 'pairs', 'IIA', 'changed', 'IIA (changed)'],
          rows: rows(results),
          align: ['left', 'left', 'right', 'right', 'right', 'right'],
          compact: true,
        }),
      );
    });
}
