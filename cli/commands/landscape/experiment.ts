/**
 * What the landscape experiments share: loading the models and the probe inputs they all take,
 * the radius and page options, and the one way each experiment ends (finish).
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../../src/rasp/errors.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { formatJson } from '../../format/json.ts';
import { ioOf, println, type CliIo } from '../../format/output.ts';
import { renderTable } from '../../format/table.ts';
import { num, parseBisections, parseDirections } from '../volume.ts';
import { parsePositiveNumber } from '../../options.ts';
import { loadModelArg, programOf, type ProbeFlags } from '../../probeContext.ts';
import type { Program } from '../../../src/rasp/program.ts';
import type { ProbeSet, ProbeTask } from '../../../probes/probeSet.ts';
import { type Figure } from '../../report/svg.ts';

export interface PageFlags extends ProbeFlags {
  readonly html?: string;
  readonly svg?: string;
}

/** The flags of the experiments that measure radii (addRadiusOptions). */
export interface RadiusFlags extends PageFlags {
  readonly directions: number;
  readonly rise: number;
  readonly bisections: number;
}

/** What the experiments call a model: its file name without `.safetensors`. */
export const modelName = (spec: string): string => basename(spec).replace(/\.safetensors$/, '');

export interface Loaded {
  readonly io: CliIo;
  readonly models: { readonly spec: string; readonly name: string; readonly model: ModelData }[];
  readonly program: Program;
  readonly task: ProbeTask;
  readonly set: ProbeSet;
  readonly note: string | null;
}

/** The models, their program (the first model's, or --program) and the probe inputs all of them take. */
export async function loadAll(specs: readonly string[], flags: ProbeFlags, c: Command): Promise<Loaded> {
  const io = ioOf(c);
  const data = await Promise.all(specs.map((s) => loadModelArg(s, flags)));
  const names = specs.map(modelName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UserError(`two models are both called '${dup}' (the experiments name models by file name): give each its own file name`);
  const program = await programOf(data[0], specs[0], flags.program);
  const { selectBackend } = await import('../../../src/model/backend.ts');
  const backend = await selectBackend(flags.backend);
  const { sharedTask } = await import('../../sharedTask.ts');
  const { makeProbeSet, modelTask } = await import('../../../probes/probeSet.ts');
  const { task, note } = data.length > 1 ? sharedTask(specs.map((spec, i) => ({ spec, data: data[i] }))) : { task: modelTask(data[0]), note: null };
  const set = makeProbeSet(program, { ...task, n: flags.samples, seed: flags.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the models' inputs`);
  if (!flags.json) io.err(`backend: ${backend}; ${set.inputs.length} inputs${set.exhaustive ? ' (all)' : ` (seed ${flags.seed})`}\n`);
  return { io, models: specs.map((spec, i) => ({ spec, name: names[i], model: data[i] })), program, task, set, note };
}

/** --directions, --rise, --bisections: how the experiments that measure radii measure them (as `landscape volumes` does). */
export function addRadiusOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--directions <n>', 'random directions per model').argParser(parseDirections).default(10))
    .addOption(new Option('--rise <d>', 'each model’s cutoff is its own loss plus d').argParser(parsePositiveNumber('--rise')).default(0.1))
    .addOption(new Option('--bisections <n>', 'bisection steps once a radius is bracketed').argParser(parseBisections).default(8));
}

/** How those experiments measure radii, from their flags; each direction said on stderr, except under --json. */
export function radiusOptions(ctx: Loaded, flags: RadiusFlags) {
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
export const rho = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** --html FILE and --svg DIR: where an experiment's page and figures go. */
export function addPageOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--html <file>', 'write the figure and the table on a self-contained HTML page'))
    .addOption(new Option('--svg <dir>', 'write the figure as an .svg file into this folder'));
}

export async function writePage(flags: PageFlags, io: CliIo, page: { title: string; lede: string; tables: string[]; figures: Figure[] }): Promise<void> {
  if (flags.html === undefined && flags.svg === undefined) return;
  const { writeExperiment } = await import('../../report/write.ts');
  const w = writeExperiment(page, { html: flags.html, svgDir: flags.svg });
  if (flags.json) return;
  if (w.html) println(io.out, `report → ${w.html} (${w.figures} figure${w.figures === 1 ? '' : 's'})`);
  if (w.svgFiles.length) println(io.out, `figures → ${w.svgFiles.length} .svg file${w.svgFiles.length === 1 ? '' : 's'} in ${flags.svg}`);
}

/** How the radii of `volumes` and `data` were measured, for the line above their table. */
export const radiiHeader = (r: { directions: number; seed: number; rise: number; inputs: number }): string =>
  `${r.directions} directions (seed ${r.seed}), filter-normalised; each cutoff the model's own loss + ${r.rise}; ${r.inputs} probe inputs`;

/**
 * How every experiment ends: with --json the data (and the page if asked); else the note, a line
 * saying how it was measured, the table, the lines after it, then the page.
 */
export async function finish(
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
