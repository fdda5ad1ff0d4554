/**
 * What every probe command (probe, ablate, patch, prune, neurons, attention, compare, report,
 * check, tui) starts from: the common flags, loading the model named on the command line and its
 * program, and the probe set the program labels. Heavy modules load on first use, so that --help
 * stays fast.
 */
import type { Command } from 'commander';
import { UserError } from '../src/rasp/errors.ts';
import type { Program } from '../src/rasp/program.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';
import type { ProbeSet, ProbeTask } from '../probes/probeSet.ts';
import { ioOf, type CliIo } from './format/output.ts';
import {
  allowNonFiniteOption,
  backendOption,
  existingModelPath,
  jsonOption,
  programOption,
  samplesOption,
  seedOption,
  toleranceOption,
  type BackendChoice,
  type ModelFileFlags,
} from './options.ts';
import { openModel } from './openModel.ts';
import { programForModel } from './resolveProgram.ts';
import type { NamedModel } from './sharedTask.ts';

export interface ProbeFlags extends ModelFileFlags {
  readonly program?: string;
  readonly samples: number;
  readonly seed: number;
  readonly json?: boolean;
  readonly backend: BackendChoice;
  /** Absent for the commands that score no outputs. */
  readonly tolerance?: number;
}

/** --program, --samples, --seed, --json, --backend, --allow-nonfinite, and --tolerance where the command scores the model's outputs. */
export function addProbeOptions(cmd: Command, opts: { scoresOutputs?: boolean } = {}): Command {
  cmd
    .addOption(programOption())
    .addOption(samplesOption())
    .addOption(seedOption())
    .addOption(jsonOption())
    .addOption(backendOption())
    .addOption(allowNonFiniteOption());
  return opts.scoresOutputs === false ? cmd : cmd.addOption(toleranceOption());
}

/** The model file named on the command line, opened as `flags` say . */
export async function loadModelArg(spec: string, flags: ModelFileFlags): Promise<ModelData> {
  const { loadModel } = await import('../src/model/modelFile.ts');
  return loadModel(existingModelPath(spec), { allowNonFinite: flags.allowNonfinite === true });
}

/** The program given with --program, else the one the model file recorded. */
export function programOf(model: ModelData, modelSpec: string, spec: string | undefined): Promise<Program> {
  return programForModel(model, modelSpec, spec, { howToName: 'name one with --program PROGRAM' });
}

export interface ProbeContext {
  readonly io: CliIo;
  /** Loaded after the backend was chosen; freed when the command ends. */
  readonly model: LoadedModel;
  readonly program: Program;
  readonly task: ProbeTask;
  readonly set: ProbeSet;
  readonly backend: string;
  /** With a second model: what the shared task leaves out of each model's own (null: nothing). */
  readonly note: string | null;
}

/**
 * Everything a probe command starts from. With `against` (a second model), the probe inputs are
 * what both models take (cli/sharedTask.ts). A command that draws inputs of its own (base/source
 * pairs) says so with `ownInputs`, and stderr names only the backend.
 */
export async function probeContext(
  modelSpec: string,
  flags: ProbeFlags,
  cmd: Command,
  against?: NamedModel,
  opts: { readonly ownInputs?: boolean } = {},
): Promise<ProbeContext> {
  const io = ioOf(cmd);
  const data = await loadModelArg(modelSpec, flags);
  const program = await programOf(data, modelSpec, flags.program);
  const { selectBackend } = await import('../src/model/backend.ts');
  const backend = await selectBackend(flags.backend);
  const model = await openModel(data);
  const { makeProbeSet, modelTask } = await import('../probes/probeSet.ts');
  const { sharedTask } = await import('./sharedTask.ts');
  const { task, note } = against ? sharedTask([{ spec: modelSpec, data }, against]) : { task: modelTask(model), note: null };
  const set = makeProbeSet(program, { ...task, n: flags.samples, seed: flags.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the model's inputs`);
  const inputs = opts.ownInputs ? '' : `; ${set.inputs.length} inputs${set.exhaustive ? ' (all)' : ` (seed ${flags.seed})`}`;
  if (!flags.json) io.err(`backend: ${backend}${inputs}\n`);
  return { io, model, program, task, set, backend, note };
}
