/** `landscape volumes`: compiled vs learned minima side by side (probes/landscape/minimaVolumes.ts). */
import { Command } from 'commander';
import { helpExamples } from '../../format/invocation.ts';
import { num } from '../volume.ts';
import { addProbeOptions } from '../../probeContext.ts';
import { esc } from '../../report/svg.ts';
import { addPageOptions, addRadiusOptions, finish, loadAll, modelName, radiiHeader, radiusOptions, type RadiusFlags } from './experiment.ts';

export const VOLUMES_EXAMPLES = [
  'landscape volumes fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors ' +
    'fixtures/models/reverse.learned.seed1.safetensors ' +
    '--directions 5 --samples 50 --html volumes.html',
];

export function registerVolumes(parent: Command): void {
  const cmd = parent
    .command('volumes')
    .summary('the volume of compiled vs learned minima: radius distributions side by side')
    .description(
      'Measure each model’s radii (as `npx rasplab volume` does, filter-normalised) on the same probe inputs (what every model takes), along directions ' +
        'drawn from the same seed, to the same rise above each model’s own loss, and print them side by side with the log-volumes. ' +
        'Compare radii across models: each log-volume is taken in its own model’s dimension D, which differs between a compiled and a learned shape.',
    )
    .argument('<models...>', 'model files (e.g. a compiled model and learned models of the same program)');
  addPageOptions(addProbeOptions(addRadiusOptions(cmd)))
    .addHelpText('after', helpExamples(...VOLUMES_EXAMPLES))
    .action(async (specs: string[], flags: RadiusFlags, c: Command) => {
      const ctx = await loadAll(specs, flags, c);
      const { minimaVolumes } = await import('../../../probes/landscape/minimaVolumes.ts');
      const r = await minimaVolumes(ctx.models, ctx.set, radiusOptions(ctx, flags));
      const head = ['model', 'origin', 'D', 'own loss', 'mean radius', '± sd', 'median', 'min', 'max', 'capped', `÷ ${r.models[0].name}`, 'log-volume'];
      const rows = r.models.map((m) => [
        m.name,
        m.origin,
        m.dimension,
        num(m.minimumLoss),
        num(m.radius.mean),
        num(m.radius.sd),
        num(m.radius.median),
        num(m.radius.min),
        num(m.radius.max),
        m.capped,
        m.relativeRadius.toPrecision(3),
        `${num(m.logVolume.estimate)} ± ${num(m.logVolume.spread)}`,
      ]);
      const { minimaVolumesFigure } = await import('../../report/figures/experiments.ts');
      const { htmlTable } = await import('../../report/tables.ts');
      const lede =
        `Program <b>${esc(ctx.program.name)}</b>, ${r.models.length} models (${esc(specs.map(modelName).join(', '))}): ` +
        `${r.inputs} probe inputs, ${r.directions} directions (seed ${r.seed}), rise ${r.rise}.`;
      const page = {
        title: `${ctx.program.name}: volume of compiled vs learned minima`,
        lede,
        tables: [htmlTable('Radii (filter-normalised) and log-volumes', head, rows)],
        figures: [minimaVolumesFigure(r)],
      };
      await finish(ctx, flags, {
        page,
        data: { files: specs, ...r },
        header: radiiHeader(r),
        head,
        rows,
        after: ['radii compare across shapes; a log-volume is in its own model’s D'],
      });
    });
}
