/** `landscape data`: mean radius against the amount of training data (probes/landscape/dataVolumes.ts). */
import { Command } from 'commander';
import { helpExamples } from '../../format/invocation.ts';
import { pct } from '../../format/percent.ts';
import { num } from '../volume.ts';
import { addProbeOptions } from '../../probeContext.ts';
import { esc } from '../../report/svg.ts';
import { addPageOptions, addRadiusOptions, finish, loadAll, radiiHeader, radiusOptions, rho, type RadiusFlags } from './experiment.ts';

export const DATA_EXAMPLES = [
  'landscape data fixtures/models/reverse.data10.safetensors fixtures/models/reverse.data25.safetensors ' +
    'fixtures/models/reverse.data100.safetensors --directions 5 --html data.html',
];

export function registerData(parent: Command): void {
  const cmd = parent
    .command('data')
    .summary('the volume of a minimum against the amount of training data')
    .description(
      'For models of one program trained on different shares of their training inputs (`npx rasplab train --data-fraction F`, which the model ' +
        'file records; none recorded is all of them): each one’s mean radius and log-volume (as `landscape volumes` measures them: the same inputs, ' +
        'directions seed and rise for all), its exact match on the probe inputs and on those of them it did not train on, and Spearman’s ρ of the ' +
        'radius with the data fraction and with the unseen exact match; with --html/--svg, both against the fraction. ' +
        'A sweep with `dataFraction: [0.1, 0.5, 1]` makes such models: pass its zoo’s models/*.safetensors.',
    )
    .argument('<models...>', 'learned model files of one program and shape');
  addPageOptions(addProbeOptions(addRadiusOptions(cmd)))
    .addHelpText('after', helpExamples(...DATA_EXAMPLES))
    .action(async (specs: string[], flags: RadiusFlags, c: Command) => {
      const ctx = await loadAll(specs, flags, c);
      const { dataVolumes } = await import('../../../probes/landscape/dataVolumes.ts');
      const r = await dataVolumes(ctx.models, ctx.program, ctx.set, radiusOptions(ctx, flags));
      const head = ['model', 'data', 'mean radius', 'log-volume', 'exact (all)', 'exact (unseen)', 'unseen inputs'];
      const rows = [...r.models]
        .sort((a, b) => a.dataFraction - b.dataFraction)
        .map((m) => [
          m.name,
          pct(m.dataFraction),
          num(m.meanRadius),
          `${num(m.logVolume.estimate)} ± ${num(m.logVolume.spread)}`,
          pct(m.exactMatch),
          m.unseen ? pct(m.unseen.exactMatch) : '-',
          m.unseen ? m.unseen.inputs : 0,
        ]);
      const { fraction, unseen } = r.correlation;
      const correlation = `Spearman ρ of the mean radius with the data fraction: ${rho(fraction)}; with the unseen exact match: ${rho(unseen)}`;
      const { dataVolumesFigure } = await import('../../report/figures/experiments.ts');
      const { htmlTable } = await import('../../report/tables.ts');
      const page = {
        title: `${ctx.program.name}: volume of a minimum against the amount of training data`,
        lede:
          `Program <b>${esc(ctx.program.name)}</b>, ${r.models.length} models; radii on ${r.inputs} inputs of lengths ${ctx.task.minLen}–${ctx.task.maxLen}, ` +
          `${r.directions} directions (seed ${r.seed}), rise ${r.rise}. ${esc(correlation)}.`,
        tables: [htmlTable('Each model', head, rows)],
        figures: [dataVolumesFigure(r)],
      };
      await finish(ctx, flags, { page, data: { files: specs, ...r }, header: radiiHeader(r), head, rows, after: [correlation] });
    });
}
