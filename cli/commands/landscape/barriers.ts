/** `landscape barriers`: between seeds vs between a model and its fine-tuned self (probes/landscape/tunedBarriers.ts). */
import { Command, Option } from 'commander';
import { helpExamples } from '../../format/invocation.ts';
import { pct } from '../../format/percent.ts';
import { checkTestLengths, namedSets, parseLengths, parsePoints } from '../connect.ts';
import type { Barrier } from '../../../probes/landscape/connect.ts';
import { addProbeOptions } from '../../probeContext.ts';
import { esc } from '../../report/svg.ts';
import { addPageOptions, finish, loadAll, type PageFlags } from './experiment.ts';

interface BarriersFlags extends PageFlags {
  readonly points: number;
  readonly align: boolean;
  readonly testLengths?: number[];
}

export const BARRIERS_EXAMPLES = [
  'landscape barriers fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors --samples 100 --html barriers.html',
  'landscape barriers fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors --points 5 --samples 50 --test-lengths 9 --json',
];

const barrierCells = (b: Barrier) => [b.loss.toFixed(4), pct(b.exactMatch), pct(b.tokenAccuracy)];

export function registerBarriers(parent: Command): void {
  const cmd = parent
    .command('barriers')
    .summary('the barrier between two seeds vs between a model and its fine-tuned self')
    .description(
      'Score the straight lines A–B (two seeds), A–T (A and T, A fine-tuned, e.g. by `npx rasplab train --init-from A`) and B–T, each second end ' +
        'aligned to its first as `npx rasplab connect` aligns it (--no-align skips that), on the training lengths and each of --test-lengths; ' +
        'print each line’s barriers, and with --html/--svg draw the loss and exact match along the three.',
    )
    .argument('<a>', 'a model file')
    .argument('<b>', 'a model of A’s shape trained independently (another seed)')
    .argument('<tuned>', 'A fine-tuned')
    .addOption(new Option('--points <n>', 'points on each line, both ends included').argParser(parsePoints).default(11))
    .option('--no-align', 'draw each line as it is, without first permuting the second end to match the first')
    .addOption(new Option('--test-lengths <list>', 'also score inputs of these lengths, comma-separated').argParser(parseLengths));
  addPageOptions(addProbeOptions(cmd))
    .addHelpText('after', helpExamples(...BARRIERS_EXAMPLES))
    .action(async (aSpec: string, bSpec: string, tSpec: string, flags: BarriersFlags, c: Command) => {
      const ctx = await loadAll([aSpec, bSpec, tSpec], flags, c);
      const [a, b, tuned] = ctx.models;
      const { checkSameShape } = await import('../../../probes/landscape/weightSpace.ts');
      checkSameShape(a.model, b.model, [aSpec, bSpec]);
      checkSameShape(a.model, tuned.model, [aSpec, tSpec]);
      checkTestLengths(flags.testLengths, a.model.config.nCtx);
      const sets = await namedSets(ctx, flags.testLengths, flags);
      const { tunedBarriers } = await import('../../../probes/landscape/tunedBarriers.ts');
      const r = await tunedBarriers({ a, b, tuned }, sets, {
        points: flags.points,
        tolerance: flags.tolerance,
        align: flags.align,
        onPoint: flags.json ? undefined : (k, done, total) => ctx.io.err(`line ${k + 1}/3: point ${done}/${total}\n`),
      });
      const head = ['line', 'kind', 'inputs', 'barrier: loss', 'exact match', 'token acc', 'distance (aligned)'];
      const rows = r.pairs.flatMap((p) =>
        p.sets.map((s) => [
          `${p.from} – ${p.to}`,
          p.kind,
          s.name === 'trained' ? `trained (${s.inputs})` : `${s.name} (${s.inputs})`,
          ...barrierCells(s.barrier),
          p.distance ? `${p.distance.before.toFixed(3)} → ${p.distance.after.toFixed(3)}` : '-',
        ]),
      );
      const { tunedBarriersFigure } = await import('../../report/figures/experiments.ts');
      const { htmlTable } = await import('../../report/tables.ts');
      const page = {
        title: `${ctx.program.name}: barrier between seeds vs between a model and its fine-tuned self`,
        lede:
          `Program <b>${esc(ctx.program.name)}</b>: A ${esc(a.name)}, B ${esc(b.name)}, T ${esc(tuned.name)} (A fine-tuned); ` +
          `${r.points} points per line${flags.align ? ', each second end aligned to its first' : ', unaligned'}.`,
        tables: [htmlTable('Barriers (highest loss minus the ends’ mean; for accuracy, the ends’ mean minus the lowest)', head, rows)],
        figures: [tunedBarriersFigure(r)],
      };
      await finish(ctx, flags, {
        page,
        data: { a: aSpec, b: bSpec, tuned: tSpec, ...r },
        header: `A ${a.name}, B ${b.name}, T ${tuned.name} (A fine-tuned); ${r.points} points per line${flags.align ? ', aligned' : ', unaligned'}`,
        head,
        rows,
        after: [],
      });
    });
}
