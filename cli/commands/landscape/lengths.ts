/** `landscape lengths`: mean radius and barrier against exact match beyond the training lengths (probes/landscape/beyondLengths.ts). */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../../src/rasp/errors.ts';
import { helpExamples } from '../../format/invocation.ts';
import { pct } from '../../format/percent.ts';
import { requiredOption } from '../../requiredOption.ts';
import { checkTestLengths, namedSets, parseLengths, parsePoints } from '../connect.ts';
import { num } from '../volume.ts';
import { addProbeOptions } from '../../probeContext.ts';
import { esc } from '../../report/svg.ts';
import { addPageOptions, addRadiusOptions, finish, loadAll, radiusOptions, rho, type RadiusFlags } from './experiment.ts';

interface LengthsFlags extends RadiusFlags {
  readonly testLengths: number[];
  readonly reference?: string;
  readonly points: number;
}

export const LENGTHS_EXAMPLES = [
  'landscape lengths fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors fixtures/models/reverse.learned.len8.safetensors --test-lengths 9,10 ' +
    '--reference fixtures/models/reverse.learned.safetensors --directions 5 --samples 50 --html lengths.html',
];

export function registerLengths(parent: Command): void {
  const cmd = parent
    .command('lengths')
    .summary('mean radius and barrier to a reference against exact match beyond the training lengths')
    .description(
      'For each model: its mean radius along random directions (as `landscape volumes` measures it: the same inputs, directions seed and rise for all), ' +
        'with --reference R the loss barrier of the aligned line from R (as `npx rasplab connect R M`), both on the lengths every model was trained on, ' +
        'and its exact match on each of --test-lengths, which must lie beyond every model’s training lengths. Prints one row per model and the ' +
        'Spearman rank correlation of each measure with the mean exact match beyond; with --html/--svg, a scatter of both.',
    )
    .argument('<models...>', 'learned model files of one program')
    .addOption(requiredOption('--test-lengths <list>', 'lengths beyond training to score, comma-separated').argParser(parseLengths))
    .option('--reference <model>', 'also the line barrier from this model (of the models’ shape) to each')
    .addOption(new Option('--points <n>', 'with --reference: points on each line').argParser(parsePoints).default(11));
  addPageOptions(addProbeOptions(addRadiusOptions(cmd)))
    .addHelpText('after', helpExamples(...LENGTHS_EXAMPLES))
    .action(async (specs: string[], flags: LengthsFlags, c: Command) => {
      if (flags.reference === undefined && c.getOptionValueSource('points') === 'cli') throw new UserError('--points goes with --reference');
      // The reference may be one of the models: it is then loaded once, and its barrier is 0.
      const ref = flags.reference;
      const known = ref !== undefined && specs.some((s) => resolve(s) === resolve(ref));
      const ctx = await loadAll(ref === undefined || known ? specs : [...specs, ref], flags, c);
      const models = ctx.models.slice(0, specs.length);
      const reference = ref === undefined ? null : ctx.models.find((m) => resolve(m.spec) === resolve(ref))!;
      const { modelTask } = await import('../../../probes/probeSet.ts');
      for (const m of ctx.models) {
        checkTestLengths(flags.testLengths, m.model.config.nCtx);
        const own = modelTask(m.model);
        const inside = flags.testLengths.find((len) => len >= own.minLen && len <= own.maxLen);
        if (inside !== undefined) throw new UserError(`--test-lengths ${inside} is not beyond ${m.spec}'s training lengths (${own.minLen}–${own.maxLen})`);
      }
      if (reference) {
        const { checkSameShape } = await import('../../../probes/landscape/weightSpace.ts');
        for (const m of models) checkSameShape(reference.model, m.model, [reference.spec, m.spec]);
      }
      const [trained, ...beyond] = await namedSets(ctx, flags.testLengths, flags);
      const { beyondLengths } = await import('../../../probes/landscape/beyondLengths.ts');
      // Stages rather than directions: the radii are one stage among the lines and the scores.
      const { onDirection: _, ...radii } = radiusOptions(ctx, flags);
      const r = await beyondLengths(models, trained, beyond, reference, {
        ...radii,
        points: flags.points,
        onStage: flags.json ? undefined : (what) => ctx.io.err(`${what}…\n`),
      });
      const head = [
        'model',
        'mean radius',
        ...(reference ? [`barrier from ${reference.name}`] : []),
        ...beyond.map((s) => `exact, ${s.name}`),
        'exact beyond (mean)',
        'token acc beyond (mean)',
      ];
      const rows = r.models.map((m) => [
        m.name,
        num(m.meanRadius),
        ...(reference ? [m.barrier!.toFixed(4)] : []),
        ...m.beyond.map((b) => pct(b.exactMatch)),
        pct(m.exactBeyond),
        pct(m.tokenBeyond),
      ]);
      const rhos = (x: { radius: number | null; barrier: number | null }) => `mean radius ${rho(x.radius)}${reference ? `, barrier ${rho(x.barrier)}` : ''}`;
      const correlation = `Spearman ρ with the exact match beyond: ${rhos(r.correlation)}; with the token accuracy beyond: ${rhos(r.tokenCorrelation)}`;
      const measured = reference ? 'radii and barriers' : 'radii';
      const { beyondLengthsFigure } = await import('../../report/figures/experiments.ts');
      const { htmlTable } = await import('../../report/tables.ts');
      const page = {
        title: `${ctx.program.name}: volume and barrier against accuracy beyond the training lengths`,
        lede:
          `Program <b>${esc(ctx.program.name)}</b>, ${r.models.length} models; ${measured} on ${r.inputs} inputs of the training lengths ` +
          `(${ctx.task.minLen}–${ctx.task.maxLen}), exact match on ${esc(beyond.map((s) => s.name).join(', '))}. ${esc(correlation)}.`,
        tables: [htmlTable('Each model', head, rows)],
        figures: [beyondLengthsFigure(r)],
      };
      const lengths = `${ctx.task.minLen}–${ctx.task.maxLen}`;
      await finish(ctx, flags, {
        page,
        data: { files: specs, ...r },
        header: `${measured} on ${r.inputs} inputs of lengths ${lengths}; ${r.directions} directions (seed ${r.seed}), rise ${r.rise}`,
        head,
        rows,
        after: [correlation],
      });
    });
}
