/**
 * `rasplab volume M`: the volume of the minimum a model sits in, from the radii at which the loss
 * first exceeds a cutoff along seeded random directions (probes/landscape/volume.ts).
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatJson } from '../format/json.ts';
import { errIsTerminal, println } from '../format/output.ts';
import { helpExamples } from '../format/invocation.ts';
import { parsePositiveInt, parsePositiveNumber, parseNonNegativeInt } from '../options.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';

interface VolumeFlags extends ProbeFlags {
  readonly directions: number;
  readonly cutoff?: number;
  readonly rise?: number;
  readonly normalize: 'filter' | 'none';
  readonly bisections: number;
  readonly checkpoint?: string;
}

/** --directions of `volume` and of the `landscape` experiments that measure radii. */
export function parseDirections(text: string): number {
  if (/^\s*0+\s*$/.test(text)) throw new UserError('--directions must be at least 1, got 0');
  const n = parsePositiveInt('--directions')(text);
  if (n > 100000) throw new UserError(`--directions must be at most 100000, got ${n}`);
  return n;
}

export function parseBisections(text: string): number {
  const n = parseNonNegativeInt('--bisections')(text);
  if (n > 50) throw new UserError(`--bisections must be at most 50 (a float32 radius has 24 bits), got ${n}`);
  return n;
}

/** A loss or radius as the landscape commands print it. */
export const num = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4));

export function register(program: Command): void {
  const cmd = program
    .command('volume')
    .summary('the volume of the minimum a model sits in, from random directions')
    .description(
      'Along each of N seeded random directions from the model’s weights, find the radius at which the loss on the probe inputs first exceeds a cutoff ' +
        '(by bracketing and bisection), and estimate the log-volume of the region inside the cutoff from the radii, with its bootstrap spread. ' +
        'The cutoff is --cutoff X (an absolute loss) or --rise D above the model’s own loss (default --rise 0.1). ' +
        'Directions are filter-normalised per weight (a radius of 1 moves every weight by its own norm) ' +
        'unless --normalize none (unit directions, radii in weight units).',
    )
    .argument('<model>', 'model file')
    .addOption(new Option('--directions <n>', 'random directions').argParser(parseDirections).default(20))
    .addOption(
      new Option('--cutoff <x>', 'absolute loss the radius is measured to (above the model’s own)')
        .argParser(parsePositiveNumber('--cutoff'))
        .conflicts('rise'),
    )
    .addOption(new Option('--rise <d>', 'the cutoff is the model’s own loss plus d (default 0.1)').argParser(parsePositiveNumber('--rise')))
    .addOption(new Option('--normalize <how>', 'direction normalisation').choices(['filter', 'none']).default('filter'))
    .addOption(new Option('--bisections <n>', 'bisection steps once the radius is bracketed').argParser(parseBisections).default(10))
    .option('--checkpoint <file>', 'keep the radii measured so far in FILE (rewritten after each direction) and resume from it when it exists');
  addProbeOptions(cmd)
    .addHelpText(
      'after',
      helpExamples(
        'volume fixtures/models/reverse.learned.safetensors --directions 10 --samples 100',
        'volume fixtures/models/reverse.learned.safetensors --directions 10 --samples 100 --cutoff 0.5 --normalize none --json',
        'volume fixtures/models/reverse.learned.safetensors --directions 20 --samples 50 --checkpoint volume.ckpt.json',
      ),
    )
    .action(async (spec: string, flags: VolumeFlags, c: Command) => {
      const ctx = await probeContext(spec, flags, c);
      const { estimateVolume, minimumLoss } = await import('../../probes/landscape/volume.ts');
      const own = await minimumLoss(ctx.model, ctx.set, { tolerance: flags.tolerance });
      if (flags.cutoff !== undefined && !(flags.cutoff > own))
        throw new UserError(`--cutoff ${flags.cutoff} is not above the model's own loss ${own.toPrecision(4)} on these inputs: no radius reaches it`);
      const cutoff = flags.cutoff !== undefined ? { absolute: flags.cutoff } : { rise: flags.rise ?? 0.1 };
      const ckpt = await import('../volumeCheckpoint.ts');
      const settings = {
        weights: ckpt.digestWeights(ctx.model),
        inputs: ckpt.digestInputs(ctx.set),
        seed: flags.seed,
        filterNormalized: flags.normalize === 'filter',
        cutoff: flags.cutoff ?? own + (flags.rise ?? 0.1),
        bisections: flags.bisections,
        tolerance: flags.tolerance ?? null,
      };
      const measured = flags.checkpoint === undefined ? [] : ckpt.readVolumeCheckpoint(flags.checkpoint, settings);
      const start = Math.min(measured.length, flags.directions);
      if (start > 0) ctx.io.err(`resuming from ${flags.checkpoint}: ${start} of ${flags.directions} directions measured\n`);
      const { createCountProgress } = await import('../countProgress.ts');
      const progress = createCountProgress({ total: flags.directions, unit: 'direction', start, write: ctx.io.err, tty: errIsTerminal(ctx.io) });
      const r = await estimateVolume(ctx.model, ctx.set, {
        directions: flags.directions,
        seed: flags.seed,
        filterNormalize: flags.normalize === 'filter',
        cutoff,
        bisections: flags.bisections,
        tolerance: flags.tolerance,
        measured,
        onDirection: (done, _total, radius, sofar) => {
          if (flags.checkpoint !== undefined) ckpt.writeVolumeCheckpoint(flags.checkpoint, settings, sofar);
          progress.update(done, `radius ${num(radius)}`);
        },
      }).finally(() => progress.stop());
      if (flags.json) return void ctx.io.out(formatJson({ model: spec, ...r }));
      const out = ctx.io.out;
      const how = r.filterNormalized ? 'filter-normalised' : 'unnormalised';
      println(out, `minimum's loss ${num(r.minimumLoss)}, cutoff ${num(r.cutoff)}; ${r.directions.length} directions (seed ${r.seed}), ${how}`);
      const unit = r.filterNormalized ? '(1 = each weight’s own norm)' : `(weight units; ‖θ‖ = ${num(r.scale)})`;
      const rad = r.radius;
      println(out, `radius ${unit}: mean ${num(rad.mean)} ± ${num(rad.sd)}, min ${num(rad.min)}, median ${num(rad.median)}, max ${num(rad.max)}`);
      if (r.capped) println(out, `  ${r.capped} directions never reached the cutoff (capped at the largest radius tried)`);
      const lv = r.logVolume;
      println(out, `log-volume (D = ${r.dimension}): ${num(lv.estimate)} ± ${num(lv.spread)} (bootstrap); geometric lower bound ${num(lv.geometric)}`);
    });
}
