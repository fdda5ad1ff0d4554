/**
 * `rasplab tui MODEL [--vs OTHER] [--program P]`: the interactive terminal UI — ablate components
 * of one model (or of two side by side) and watch accuracy, the output on an input, and attention.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import {
  allowNonFiniteOption,
  backendOption,
  programOption,
  samplesOption,
  seedOption,
  toleranceOption,
  type BackendChoice,
  type ModelFileFlags,
} from '../options.ts';
import { INVOCATION, helpExamples } from '../format/invocation.ts';

interface TuiFlags extends ModelFileFlags {
  readonly vs?: string;
  readonly program?: string;
  readonly samples: number;
  readonly seed: number;
  readonly tolerance: number;
  readonly backend: BackendChoice;
}

export function register(program: Command): void {
  program
    .command('tui')
    .summary('interactive terminal UI: ablate heads and MLPs and watch what breaks')
    .description(
      'Browse the model as a tree (layers → heads, MLP → neurons, with the RASP expression each compiled component implements), ablate components ' +
        "(zero, mean or resample) and watch exact match and per-position accuracy on a fixed probe set, the output on an input against the program's, " +
        "and the selected head's attention as a heatmap. With --vs, a second model sits beside the first with its own ablations. Press ? inside for every key.",
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .addOption(new Option('--vs <other>', 'a second model file of the same task, shown side by side'))
    .addOption(programOption().default(undefined, 'the program recorded in the model file'))
    .addOption(samplesOption())
    .addOption(seedOption())
    .addOption(toleranceOption())
    .addOption(backendOption())
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'tui fixtures/models/reverse.compiled.safetensors',
        'tui fixtures/models/reverse.compiled.safetensors --vs fixtures/models/reverse.learned.safetensors',
      ),
    )
    .action(async (modelSpec: string, flags: TuiFlags) => {
      const { prepareSession } = await import('../tui/session.ts');
      const session = await prepareSession(modelSpec, flags);
      const notTty = !process.stdout.isTTY ? 'stdout' : !process.stdin.isTTY ? 'stdin' : null;
      if (notTty)
        throw new UserError(`the terminal UI needs an interactive terminal, but ${notTty} is not a TTY (for scripts use ${INVOCATION} ablate or attention)`);
      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      const { createEngine } = await import('../tui/engine.ts');
      const { LoadedModel } = await import('../../src/model/loadedModel.ts');
      const loaded = session.models.map((m) => LoadedModel.from(m.data));
      const engine = createEngine(loaded, session.set, { seed: flags.seed, tolerance: flags.tolerance });
      // Ink decides when it is imported whether it runs in CI (CI=true, as containers and CI shells
      // set), and then draws only the final frame: a blank screen here, where we know there is a TTY.
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
      try {
        const { discoverMarks, TUI_DISCOVERY_INPUTS } = await import('../tui/circuit.ts');
        process.stderr.write(`discovering each model's circuit (acdc, ${TUI_DISCOVERY_INPUTS} probe inputs)…\n`);
        const circuits = await discoverMarks(loaded, session.program, session.set, session.task, flags.seed);
        const { startTui } = await import('../tui/start.tsx');
        await startTui({ ...session, engine, seed: flags.seed, backend, circuits });
      } finally {
        engine.dispose();
      }
    });
}
