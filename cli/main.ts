/**
 * The `rasplab` command. main() never calls process.exit: it returns the exit code, and writes
 * through `io`, so tests run it in-process. Each command registers itself from cli/commands/;
 * heavy modules (tfjs, the compiler) are imported inside the actions, so --help starts fast.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { register as registerCompile } from './commands/compile.ts';
import { register as registerEval } from './commands/eval.ts';
import { register as registerInspect } from './commands/inspect.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerTrain } from './commands/train.ts';
import { register as registerVerify } from './commands/verify.ts';
import { register as registerAblate } from './commands/ablate.ts';
import { register as registerAttention } from './commands/attention.ts';
import { register as registerCompare } from './commands/compare.ts';
import { register as registerConnect } from './commands/connect.ts';
import { register as registerVolume } from './commands/volume.ts';
import { register as registerLandscape } from './commands/landscape.ts';
import { register as registerNeurons } from './commands/neurons.ts';
import { register as registerPatch } from './commands/patch.ts';
import { register as registerIntervene } from './commands/intervene.ts';
import { register as registerAlign } from './commands/align.ts';
import { register as registerDiscover } from './commands/discover.ts';
import { register as registerProbe } from './commands/probe.ts';
import { register as registerPrune } from './commands/prune.ts';
import { register as registerCheck } from './commands/check.ts';
import { register as registerTui } from './commands/tui.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerDemo } from './commands/demo.ts';
import { register as registerExport } from './commands/export.ts';
import { register as registerImport } from './commands/import.ts';
import { register as registerCache } from './commands/cache.ts';
import { register as registerSweep } from './commands/sweep.ts';
import { register as registerZoo } from './commands/zoo.ts';
import { register as registerWorker } from './commands/worker.ts';
import { exitCodeOf, reportError } from './errors.ts';
import { processIo, type CliIo } from './format/output.ts';
import { closeModels } from './openModel.ts';
import { libraryPrograms } from './resolveProgram.ts';
import { checkRequiredOptions } from './requiredOption.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** The root command with every subcommand registered, writing through `io`. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('rasplab');
  // Settings first: commander copies them into each subcommand when it is created.
  program
    .description(
      'A transformer-interpretability workbench: run RASP programs, compile them to exact transformer ' +
        'weights, train learned transformers on the same task, and compare the two with probes, circuit ' +
        'hypotheses, a terminal UI and HTML reports. Start with `npx rasplab demo`.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      // Errors are printed once, by main(), in our own format.
      outputError: () => {},
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .hook('preAction', checkRequiredOptions)
    .addHelpText('after', () => {
      const names = libraryPrograms();
      return (
        `\nProgram library (use the name as PROGRAM): ${names.length ? names.join(', ') : '(none found)'}\n` +
        '\nExamples:\n' +
        '  $ npx rasplab demo\n' +
        '  $ npx rasplab eval reverse --input "a b c d" --trace\n' +
        '  $ npx rasplab compile reverse --vocab a,b,c,d --max-len 8 -o reverse.safetensors\n' +
        '  $ npx rasplab run reverse.safetensors --input "a b c d"\n' +
        '  $ npx rasplab verify reverse.safetensors\n' +
        '  $ npx rasplab inspect reverse.safetensors'
      );
    });

  registerEval(program);
  registerCompile(program);
  registerRun(program);
  registerInspect(program);
  registerVerify(program);
  registerTrain(program);
  registerAblate(program);
  registerAttention(program);
  registerCompare(program);
  registerConnect(program);
  registerVolume(program);
  registerLandscape(program);
  registerNeurons(program);
  registerPatch(program);
  registerIntervene(program);
  registerAlign(program);
  registerDiscover(program);
  registerProbe(program);
  registerPrune(program);
  registerCheck(program);
  registerTui(program);
  registerReport(program);
  registerExport(program);
  registerImport(program);
  registerCache(program);
  registerSweep(program);
  registerZoo(program);
  registerWorker(program);
  registerDemo(program);
  return program;
}

/** Runs `rasplab` with `argv` (the arguments after the command name); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodeOf(program);
  } catch (e) {
    const report = reportError(e);
    if (report.text) io.err(report.text);
    return report.exitCode;
  } finally {
    closeModels();
  }
}
