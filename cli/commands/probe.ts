/**
 * `rasplab probe MODEL`: linear probes for every program variable at every residual read point.
 * Also home of what every probe command shares: loading the model and its program, the probe set,
 * and the common flags.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { ProbeSet, ProbeTask } from '../../probes/probeSet.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, type CliIo } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { backendOption, existingModelPath, jsonOption, parsePositiveInt, programOption, seedOption, type BackendChoice } from '../options.ts';
import { openModel } from '../openModel.ts';
import { programForModel } from '../resolveProgram.ts';

export interface ProbeFlags {
  readonly program?: string;
  readonly samples: number;
  readonly seed: number;
  readonly json?: boolean;
  readonly backend: BackendChoice;
}

/** --program, --samples, --seed, --json, --backend. */
export function addProbeOptions(cmd: Command, samples = 500): Command {
  return cmd
    .addOption(programOption())
    .addOption(new Option('--samples <n>', 'probe inputs: all of them when there are at most this many, else this many random ones').argParser(parsePositiveInt('--samples')).default(samples))
    .addOption(seedOption())
    .addOption(jsonOption())
    .addOption(backendOption());
}

export async function loadModelArg(spec: string): Promise<ModelData> {
  const { loadModel } = await import('../../src/model/modelFile.ts');
  return loadModel(existingModelPath(spec));
}

/** The program given with --program, else the one the model file recorded. */
export function programOf(model: ModelData, modelSpec: string, spec: string | undefined): Promise<Program> {
  return programForModel(model, modelSpec, spec, { howToName: 'name one with --program PROGRAM' });
}

export interface ProbeContext {
  readonly io: CliIo;
  readonly model: LoadedModel;
  readonly program: Program;
  readonly task: ProbeTask;
  readonly set: ProbeSet;
  readonly backend: string;
}

/**
 * Everything a probe command starts from. With `against` (a second model), the probe inputs are
 * from the lengths both models were built or trained for.
 */
export async function probeContext(modelSpec: string, flags: ProbeFlags, cmd: Command, against?: ModelData): Promise<ProbeContext> {
  const io = ioOf(cmd);
  const data = await loadModelArg(modelSpec);
  const program = await programOf(data, modelSpec, flags.program);
  const { selectBackend } = await import('../../src/model/backend.ts');
  const backend = await selectBackend(flags.backend);
  const model = await openModel(data);
  const { makeProbeSet, modelTask, sharedTask } = await import('../../probes/probeSet.ts');
  const task = against ? sharedTask(model, against).task : modelTask(model);
  const set = makeProbeSet(program, { ...task, n: flags.samples, seed: flags.seed });
  if (set.inputs.length === 0) throw new UserError(`program '${program.name}' accepts none of the model's inputs`);
  if (!flags.json) io.err(`backend: ${backend}; ${set.inputs.length} inputs${set.exhaustive ? ' (all)' : ` (seed ${flags.seed})`}\n`);
  return { io, model, program, task, set, backend };
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);

interface ProbeCmdFlags extends ProbeFlags {
  readonly threshold: number;
  readonly steps: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('probe')
    .summary('linear probes: where each program variable becomes decodable')
    .description(
      "Fit a linear probe (logistic regression for categorical variables, least squares for numerical ones) from the residual stream at each read point " +
        '(resid_pre of every layer, then the final resid_post) to each program variable per position, and report held-out accuracy. ' +
        'On compiled models the point where the model holds each variable in its own directions is shown too.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(new Option('--threshold <x>', 'held-out accuracy that counts as decodable').argParser(Number).default(0.99))
    .addOption(new Option('--steps <n>', 'logistic-regression refinement steps').argParser(parsePositiveInt('--steps')).default(200))
    .addHelpText('after', '\nExamples:\n  $ rasplab probe reverse.safetensors\n  $ rasplab probe learned.safetensors --program reverse --json')
    .action(async (modelSpec: string, flags: ProbeCmdFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { linearProbes } = await import('../../probes/linearProbe.ts');
      const r = await linearProbes(ctx.model, ctx.program, ctx.set, { seed: flags.seed, threshold: flags.threshold, steps: flags.steps });
      if (flags.json) return void ctx.io.out(formatJson(r));
      const head = ['variable', ...r.hooks.map((h) => h.replace('.hook_', ' ')), 'first decodable', ...(ctx.model.config.origin === 'compiled' ? ['compiled'] : [])];
      const rows = r.variables.map((v) => [
        v.variable,
        ...v.points.map((p) => pct(p.accuracy)),
        v.firstDecodable === null ? '-' : String(v.firstDecodable),
        ...(ctx.model.config.origin === 'compiled' ? [v.compiledPoint === null || v.compiledPoint === undefined ? '-' : String(v.compiledPoint)] : []),
      ]);
      ctx.io.out(renderTable({ head, rows, compact: true }));
    });
}
