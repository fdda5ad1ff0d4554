/**
 * `npx rasplab sweep SPEC -o ZOO`: trains and analyses every model a sweep spec describes
 * (src/zoo/spec.ts, jobs.ts) into a model zoo (src/zoo/store.ts), on a pool of worker threads
 * here (cli/zoo/localSweep.ts) or through a Redis queue that workers on any machine take jobs
 * from (cli/zoo/queue.ts). Jobs already in the zoo are skipped, so a rerun, or a rerun of an
 * interrupted sweep, does only what is left.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { EXIT_FAILED, setExitCode } from '../errors.ts';
import { formatJson } from '../format/json.ts';
import { helpExamples } from '../format/invocation.ts';
import { ioOf, println } from '../format/output.ts';
import { backendOption, jsonOption, parsePositiveInt, type BackendChoice } from '../options.ts';
import { requiredOption } from '../requiredOption.ts';
import { resolveProgram } from '../resolveProgram.ts';
import type { SpecModel } from '../../src/zoo/jobs.ts';
import type { SweepSpec } from '../../src/zoo/spec.ts';

interface SweepFlags {
  readonly out: string;
  readonly workers?: number;
  readonly queue?: string;
  readonly backend: BackendChoice;
  readonly json?: boolean;
}

/** Every model file the spec names (training.initFrom, analyses.connect's reference), by the path it gives, read relative to the spec's folder. */
async function readSpecModels(spec: SweepSpec, specFile: string): Promise<Map<string, SpecModel>> {
  const { deserializeModel } = await import('../../src/model/modelFile.ts');
  const files = new Set([...(spec.training.initFrom ?? []).map(String), ...(spec.analyses.connect ? [spec.analyses.connect.reference] : [])]);
  const out = new Map<string, SpecModel>();
  for (const file of files) {
    const path = resolve(dirname(specFile), file);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new UserError(`${spec.file}: cannot read model ${file} (${path}): ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    out.set(file, { bytes, model: deserializeModel(bytes, file) });
  }
  return out;
}

function readSpecText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read sweep spec ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function register(program: Command): void {
  program
    .command('sweep')
    .summary('train and analyse every model of a sweep spec into a model zoo')
    .description(
      'Expand a sweep spec (YAML: programs × sizes × training options × seeds, and the analyses to run on each model) into jobs keyed by a hash ' +
        'of their settings, run the ones not yet in the zoo, and write each model to ZOO/models/<key>.safetensors and its settings, training outcome ' +
        'and figures to ZOO/index.sqlite. Locally a pool of worker threads runs the jobs (one per core unless --workers); with --queue they go to a ' +
        'Redis queue that `npx rasplab worker` processes on any machine take them from, and this command writes the zoo as results arrive. ' +
        'Progress (done, running, failed, time left) goes to stderr; exit code 1 when a job failed (its error is kept in the zoo; a rerun tries it again).',
    )
    .argument('<spec>', 'the sweep spec (.yaml)')
    .addOption(requiredOption('-o, --out <zoo>', 'the zoo folder (made when missing)'))
    .addOption(new Option('--workers <n>', 'worker threads of a local sweep (default: one per core)').argParser(parsePositiveInt('--workers')))
    .addOption(
      new Option('--queue <url>', 'put the jobs on the BullMQ queue at this Redis URL (redis://HOST:PORT) instead of running them here').conflicts('workers'),
    )
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      helpExamples(
        'sweep fixtures/zoo/tiny.yaml -o zoo',
        'sweep fixtures/zoo/tiny.yaml -o zoo --workers 2 --json   # a rerun: every job is in the zoo already',
      ),
    )
    .action(async (specArg: string, flags: SweepFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.queue) {
        // Before anything is read or made: an unreachable Redis is one line within seconds.
        const { checkQueue } = await import('../zoo/queue.ts');
        await checkQueue(flags.queue);
      }
      const specFile = resolve(specArg);
      const { parseSweepSpec } = await import('../../src/zoo/spec.ts');
      const spec = parseSweepSpec(readSpecText(specFile), specArg);
      const programs = [];
      for (const entry of spec.programs)
        programs.push({ entry, program: await resolveProgram(entry.program, { cwd: dirname(specFile), output: entry.output }) });
      const { expandJobs } = await import('../../src/zoo/jobs.ts');
      const jobs = expandJobs(spec, programs, await readSpecModels(spec, specFile));
      const { Zoo } = await import('../../src/zoo/store.ts');
      const { lockOutput } = await import('../../src/files/outputLock.ts');
      const dir = resolve(flags.out);
      const zoo = Zoo.open(dir, { create: true });
      const lock = lockOutput(resolve(dir, 'index.sqlite'));
      try {
        const have = zoo.keys();
        const todo = jobs.filter((j) => !have.has(j.key));
        const through = flags.queue ? ` through ${flags.queue}` : '';
        io.err(`sweep: ${jobs.length} jobs, ${jobs.length - todo.length} in ${flags.out} already, ${todo.length} to run${through}\n`);
        const t0 = performance.now();
        let outcome;
        if (flags.queue) {
          const { submitSweep } = await import('../zoo/queue.ts');
          outcome = await submitSweep(todo, zoo, { url: flags.queue, err: io.err });
        } else {
          const { selectBackend } = await import('../../src/model/backend.ts');
          const backend = await selectBackend(flags.backend);
          const { runLocalSweep } = await import('../zoo/localSweep.ts');
          outcome = await runLocalSweep(todo, zoo, { workers: flags.workers ?? availableParallelism(), backend, err: io.err });
        }
        const wallS = (performance.now() - t0) / 1000;
        if (outcome.failed.length) setExitCode(cmd, EXIT_FAILED);
        const summary = { jobs: jobs.length, skipped: jobs.length - todo.length, done: outcome.done, failed: outcome.failed, wallS, zoo: flags.out };
        if (flags.json) return void io.out(formatJson(summary));
        const counts = `${jobs.length} jobs, ${summary.skipped} already there, ${outcome.done} done now, ${outcome.failed.length} failed`;
        println(io.out, `sweep ${specArg} → ${flags.out}: ${counts} (${wallS.toFixed(1)} s)`);
        for (const f of outcome.failed) println(io.out, `  failed ${f.key}: ${f.error}`);
      } finally {
        lock.release();
        zoo.close();
      }
    });
}
