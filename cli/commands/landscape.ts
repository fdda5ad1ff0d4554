/**
 * `rasplab landscape EXPERIMENT MODELS…`: the loss-landscape experiments, each one command that
 * prints a table (--json the probe's data) and, with --html/--svg, writes its figure on a report
 * page. `volumes`: compiled vs learned minima (probes/landscape/minimaVolumes.ts); `barriers`: between
 * seeds vs between a model and its fine-tuned self (probes/landscape/tunedBarriers.ts); `lengths`:
 * mean radius and barrier against exact match beyond the training lengths (probes/landscape/beyondLengths.ts); `data`: mean
 * radius against the amount of training data (probes/landscape/dataVolumes.ts).
 */
import { basename, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { ModelData } from '../../src/model/types.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println, type CliIo } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { helpExamples } from '../format/invocation.ts';
import { pct } from '../format/percent.ts';
import { requiredOption } from '../requiredOption.ts';
import { checkTestLengths, namedSets, parseLengths, parsePoints } from './connect.ts';
import { num, parseBisections, parseDirections } from './volume.ts';
import type { Barrier } from '../../probes/landscape/connect.ts';
import { parsePositiveNumber } from '../options.ts';
import { addProbeOptions, loadModelArg, programOf, type ProbeFlags } from '../probeContext.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ProbeSet, ProbeTask } from '../../probes/probeSet.ts';
import { esc, type Figure } from '../report/svg.ts';

interface PageFlags extends ProbeFlags {
  readonly html?: string;
  readonly svg?: string;
}

/** The flags of the experiments that measure radii (addRadiusOptions). */
interface RadiusFlags extends PageFlags {
  readonly directions: number;
  readonly rise: number;
  readonly bisections: number;
}

/** What the experiments call a model: its file name without `.safetensors`. */
export const modelName = (spec: string): string => basename(spec).replace(/\.safetensors$/, '');

interface Loaded {
  readonly io: CliIo;
  readonly models: { readonly spec: string; readonly name: string; readonly model: ModelData }[];
  readonly program: Program;
  readonly task: ProbeTask;
  readonly set: ProbeSet;
  readonly note: string | null;
}

/** The models, their program (the first model's, or --program) and the probe inputs all of them take. */
async function loadAll(specs: readonly string[], flags: ProbeFlags, c: Command): Promise<Loaded> {
  const io = ioOf(c);
  const data = await Promise.all(specs.map((s) => loadModelArg(s, flags)));
  const names = specs.map(modelName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UserError(`two models are both called '${dup}' (the experiments name models by file name): give each its own file name`);
  const program = await programOf(data[0], specs[0], flags.program);
  const { selectBackend } = await import('../../src/model/backend.ts');
  const backend = await selectBackend(flags.backend);
  const { sharedTask } = await import('../sharedTask.ts');
  const { makeProbeSet, modelTask } = await import('../../probes/probeSet.ts');
  const { task, note } = data.length > 1 ? sharedTask(specs.map((spec, i) => ({ spec, data: data[i] }))) : { task: modelTask(data[0]), note: null };
  const set = makeProbeSet(program, { ...task, n: flags.samples, seed: flags.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the models' inputs`);
  if (!flags.json) io.err(`backend: ${backend}; ${set.inputs.length} inputs${set.exhaustive ? ' (all)' : ` (seed ${flags.seed})`}\n`);
  return { io, models: specs.map((spec, i) => ({ spec, name: names[i], model: data[i] })), program, task, set, note };
}

/** --directions, --rise, --bisections: how the experiments that measure radii measure them (as `landscape volumes` does). */
function addRadiusOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--directions <n>', 'random directions per model').argParser(parseDirections).default(10))
    .addOption(new Option('--rise <d>', 'each model’s cutoff is its own loss plus d').argParser(parsePositiveNumber('--rise')).default(0.1))
    .addOption(new Option('--bisections <n>', 'bisection steps once a radius is bracketed').argParser(parseBisections).default(8));
}

/** How those experiments measure radii, from their flags; each direction said on stderr, except under --json. */
function radiusOptions(ctx: Loaded, flags: RadiusFlags) {
  return {
    directions: flags.directions,
    seed: flags.seed,
    rise: flags.rise,
    bisections: flags.bisections,
    tolerance: flags.tolerance,
    onDirection: flags.json
      ? undefined
      : (k: number, done: number, total: number, radius: number) => ctx.io.err(`${ctx.models[k].name}: direction ${done}/${total}, radius ${num(radius)}\n`),
  };
}

/** A rank correlation as printed: three decimals, '-' where there is none. */
const rho = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** --html FILE and --svg DIR: where an experiment's page and figures go. */
function addPageOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--html <file>', 'write the figure and the table on a self-contained HTML page'))
    .addOption(new Option('--svg <dir>', 'write the figure as an .svg file into this folder'));
}

async function writePage(flags: PageFlags, io: CliIo, page: { title: string; lede: string; tables: string[]; figures: Figure[] }): Promise<void> {
  if (flags.html === undefined && flags.svg === undefined) return;
  const { writeExperiment } = await import('../report/write.ts');
  const w = writeExperiment(page, { html: flags.html, svgDir: flags.svg });
  if (flags.json) return;
  if (w.html) println(io.out, `report → ${w.html} (${w.figures} figure${w.figures === 1 ? '' : 's'})`);
  if (w.svgFiles.length) println(io.out, `figures → ${w.svgFiles.length} .svg file${w.svgFiles.length === 1 ? '' : 's'} in ${flags.svg}`);
}

/** How the radii of `volumes` and `data` were measured, for the line above their table. */
const radiiHeader = (r: { directions: number; seed: number; rise: number; inputs: number }): string =>
  `${r.directions} directions (seed ${r.seed}), filter-normalised; each cutoff the model's own loss + ${r.rise}; ${r.inputs} probe inputs`;

/**
 * How every experiment ends: with --json the data (and the page if asked); else the note, a line
 * saying how it was measured, the table, the lines after it, then the page.
 */
async function finish(
  ctx: Loaded,
  flags: PageFlags,
  out: { page: Parameters<typeof writePage>[2]; data: object; header: string; head: string[]; rows: (string | number)[][]; after: string[] },
): Promise<void> {
  if (flags.json) {
    await writePage(flags, ctx.io, out.page);
    return void ctx.io.out(formatJson({ ...out.data, note: ctx.note }));
  }
  if (ctx.note) println(ctx.io.out, `note: ${ctx.note}`);
  println(ctx.io.out, out.header);
  ctx.io.out(renderTable({ head: out.head, rows: out.rows }));
  for (const line of out.after) println(ctx.io.out, line);
  await writePage(flags, ctx.io, out.page);
}

const VOLUMES_EXAMPLES = [
  'landscape volumes fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors ' +
    'fixtures/models/reverse.learned.seed1.safetensors ' +
    '--directions 5 --samples 50 --html volumes.html',
];

function registerVolumes(parent: Command): void {
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
      const { minimaVolumes } = await import('../../probes/landscape/minimaVolumes.ts');
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
      const { minimaVolumesFigure } = await import('../report/figures/experiments.ts');
      const { htmlTable } = await import('../report/tables.ts');
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

interface BarriersFlags extends PageFlags {
  readonly points: number;
  readonly align: boolean;
  readonly testLengths?: number[];
}

const BARRIERS_EXAMPLES = [
  'landscape barriers fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors --samples 100 --html barriers.html',
  'landscape barriers fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors --points 5 --samples 50 --test-lengths 9 --json',
];

const barrierCells = (b: Barrier) => [b.loss.toFixed(4), pct(b.exactMatch), pct(b.tokenAccuracy)];

function registerBarriers(parent: Command): void {
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
      const { checkSameShape } = await import('../../probes/landscape/weightSpace.ts');
      checkSameShape(a.model, b.model, [aSpec, bSpec]);
      checkSameShape(a.model, tuned.model, [aSpec, tSpec]);
      checkTestLengths(flags.testLengths, a.model.config.nCtx);
      const sets = await namedSets(ctx, flags.testLengths, flags);
      const { tunedBarriers } = await import('../../probes/landscape/tunedBarriers.ts');
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
      const { tunedBarriersFigure } = await import('../report/figures/experiments.ts');
      const { htmlTable } = await import('../report/tables.ts');
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

interface LengthsFlags extends RadiusFlags {
  readonly testLengths: number[];
  readonly reference?: string;
  readonly points: number;
}

const LENGTHS_EXAMPLES = [
  'landscape lengths fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors ' +
    'fixtures/models/reverse.learned.tuned.safetensors fixtures/models/reverse.learned.len8.safetensors --test-lengths 9,10 ' +
    '--reference fixtures/models/reverse.learned.safetensors --directions 5 --samples 50 --html lengths.html',
];

function registerLengths(parent: Command): void {
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
      const { modelTask } = await import('../../probes/probeSet.ts');
      for (const m of ctx.models) {
        checkTestLengths(flags.testLengths, m.model.config.nCtx);
        const own = modelTask(m.model);
        const inside = flags.testLengths.find((len) => len >= own.minLen && len <= own.maxLen);
        if (inside !== undefined) throw new UserError(`--test-lengths ${inside} is not beyond ${m.spec}'s training lengths (${own.minLen}–${own.maxLen})`);
      }
      if (reference) {
        const { checkSameShape } = await import('../../probes/landscape/weightSpace.ts');
        for (const m of models) checkSameShape(reference.model, m.model, [reference.spec, m.spec]);
      }
      const [trained, ...beyond] = await namedSets(ctx, flags.testLengths, flags);
      const { beyondLengths } = await import('../../probes/landscape/beyondLengths.ts');
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
      const { beyondLengthsFigure } = await import('../report/figures/experiments.ts');
      const { htmlTable } = await import('../report/tables.ts');
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

const DATA_EXAMPLES = [
  'landscape data fixtures/models/reverse.data10.safetensors fixtures/models/reverse.data25.safetensors ' +
    'fixtures/models/reverse.data100.safetensors --directions 5 --html data.html',
];

function registerData(parent: Command): void {
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
      const { dataVolumes } = await import('../../probes/landscape/dataVolumes.ts');
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
      const { dataVolumesFigure } = await import('../report/figures/experiments.ts');
      const { htmlTable } = await import('../report/tables.ts');
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

export function register(program: Command): void {
  const cmd = program
    .command('landscape')
    .summary('loss-landscape experiments: volumes of minima, barriers between seeds and fine-tuned models, against length generalisation and data')
    .description(
      'Experiments on the loss landscape, each one command with a table (--json: the data) and, with --html FILE or --svg DIR, its figure. ' +
        '`volumes M…`: radius distributions and log-volumes of several models on the same inputs and directions. ' +
        '`barriers A B T`: the line barriers between two seeds A and B, and between each and T, A fine-tuned. ' +
        '`lengths M… --test-lengths L`: mean radius and barrier to a reference against exact match beyond the training lengths. ' +
        '`data M…`: mean radius and unseen exact match against the share of the training inputs each model trained on.',
    )
    .addHelpText('after', helpExamples(...VOLUMES_EXAMPLES, ...BARRIERS_EXAMPLES, ...LENGTHS_EXAMPLES, ...DATA_EXAMPLES));
  registerVolumes(cmd);
  registerBarriers(cmd);
  registerLengths(cmd);
  registerData(cmd);
}
