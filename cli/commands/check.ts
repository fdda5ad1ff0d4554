/**
 * `rasplab check MODEL HYPOTHESES`: check circuit hypotheses (a YAML/JSON file of claims) with
 * fast-check over the program's valid inputs; a failing claim is shrunk to a minimal counterexample.
 * `rasplab check --from-labels COMPILED MODEL`: claim each compiled head's selector of every head of
 * MODEL (an SIIT model: of the heads its alignment names) and report which hold. Exit code 1 when a claim fails (with --from-labels: when some
 * compiled head's selector holds of no head), 2 on usage errors.
 */
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import type { ClaimReport } from '../../probes/hypotheses/runner.ts';
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';
import { formatHead } from '../../src/model/components.ts';
import type { ModelData } from '../../src/model/types.ts';
import { EXIT_FAILED, setExitCode } from '../errors.ts';
import { formatClaimReport, formatProposals, formatSummary, replayCommand, type ProposalRow } from '../format/check.ts';
import { formatJson } from '../format/json.ts';
import { ioOf } from '../format/output.ts';
import {
  allowNonFiniteOption,
  backendOption,
  jsonOption,
  parsePositiveInt,
  programOption,
  seedOption,
  toleranceOption,
  type BackendChoice,
  type ModelFileFlags,
} from '../options.ts';
import { NUMERIC_TOLERANCE } from '../../src/model/scoring.ts';
import { openModel } from '../openModel.ts';
import { resolveProgram } from '../resolveProgram.ts';
import { loadModelArg, programOf } from '../probeContext.ts';
import { plural } from '../../src/rasp/plural.ts';
import { commandLine, helpExamples } from '../format/invocation.ts';

interface CheckFlags extends ModelFileFlags {
  readonly program?: string;
  readonly runs: number;
  readonly seed: number;
  readonly claim?: number;
  readonly path?: string;
  readonly fromLabels?: string;
  readonly match?: 'mass' | 'argmax';
  readonly threshold?: number;
  readonly tolerance: number;
  readonly json?: boolean;
  readonly backend: BackendChoice;
}

// Restated so that --help does not load the probes; tests pin it to probes/hypotheses/runner.ts.
export const DEFAULT_RUNS_SHOWN = 1000;

function parseFraction(text: string): number {
  const x = Number(text);
  if (!(x > 0 && x <= 1)) throw new UserError(`--threshold must be a number in (0, 1], got '${text}'`);
  return x;
}

/** --program, else the file's `program:` (relative to the file), else the model's recorded program. */
async function programFor(model: ModelData, modelSpec: string, flags: CheckFlags, file?: { file: string; program?: string }): Promise<Program> {
  if (flags.program === undefined && file?.program !== undefined) return resolveProgram(file.program, { cwd: dirname(file.file) });
  return programOf(model, modelSpec, flags.program);
}

export function register(program: Command): void {
  program
    .command('check')
    .summary('check circuit hypotheses as properties, with shrunk counterexamples')
    .description(
      "Check each claim of a hypothesis file (YAML or JSON) on --runs inputs generated with fast-check from the model's vocabulary and lengths " +
        '(inputs the program refuses are never generated). Claims: a head implements ' +
        'a selector (`head: "1.0"`, `implements: select(indices, opp_index, ==)`; ' +
        'a query that selects nothing must attend BOS); ablating components leaves the ' +
        'output unchanged or changes it; a neuron is active iff a RASP predicate holds; ' +
        'a residual read point encodes a variable linearly; the output is invariant under ' +
        'a transformation (permute, reverse, relabel); the model agrees with another. ' +
        'A failing claim is shrunk to a minimal counterexample (shortest input, earliest tokens) ' +
        'and printed with what the model did, what the claim expected and the command that replays it. ' +
        "With --from-labels COMPILED, each compiled head's selector is claimed of every head of MODEL " +
        '(of a model trained with --siit: of the heads its alignment names for that head’s variable), ' +
        'and the table says which hold. Exit code 1 when a claim fails.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .argument('[hypotheses]', 'a .yaml / .json file of claims (see README, "Circuit hypotheses")')
    .addOption(programOption())
    .addOption(new Option('--runs <n>', 'generated inputs per claim').argParser(parsePositiveInt('--runs', 'runs')).default(DEFAULT_RUNS_SHOWN))
    .addOption(seedOption())
    .addOption(new Option('--claim <n>', 'check only claim n (1-based), e.g. to replay its failure').argParser(parsePositiveInt('--claim')))
    .addOption(new Option('--path <path>', "with --claim and --seed: fast-check's path to a counterexample, replayed directly"))
    .addOption(new Option('--from-labels <compiled>', "propose claims from a compiled model's head labels and check them of MODEL"))
    .addOption(new Option('--match <rule>', 'with --from-labels: how a head must match the selector').choices(['mass', 'argmax']))
    .addOption(
      new Option('--threshold <x>', 'with --from-labels and --match mass: attention mass that must be on the selected keys (default 0.5)').argParser(
        parseFraction,
      ),
    )
    .addOption(toleranceOption())
    .addOption(jsonOption())
    .addOption(backendOption())
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'check fixtures/models/reverse.learned.safetensors fixtures/hypotheses/reverse.learned.yaml --runs 200',
        'check fixtures/models/reverse.learned.safetensors fixtures/hypotheses/reverse.learned.yaml --seed 3 --claim 2',
        'check --from-labels fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors --threshold 0.15 --runs 200',
      ),
    )
    .action(async (modelSpec: string, hypSpec: string | undefined, flags: CheckFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.fromLabels !== undefined && hypSpec !== undefined) throw new UserError('give a HYPOTHESES file or --from-labels COMPILED, not both');
      if (flags.fromLabels === undefined && hypSpec === undefined)
        throw new UserError(`name a HYPOTHESES file (${commandLine('check MODEL HYPOTHESES')}) or give --from-labels COMPILED`);
      if (flags.path !== undefined && flags.claim === undefined) throw new UserError('--path replays one claim: give --claim N with it');
      if (flags.fromLabels !== undefined && flags.claim !== undefined)
        throw new UserError('--claim picks a claim of a HYPOTHESES file; --from-labels checks every proposal');
      if (flags.fromLabels === undefined && (flags.match !== undefined || flags.threshold !== undefined))
        throw new UserError('--match and --threshold go with --from-labels; a hypothesis file states them per claim');
      const model = await loadModelArg(modelSpec, flags);
      const runner = await import('../../probes/hypotheses/runner.ts');
      const { selectBackend } = await import('../../src/model/backend.ts');
      const opts = { numRuns: flags.runs, seed: flags.seed, path: flags.path, tolerance: flags.tolerance };

      if (flags.fromLabels !== undefined) {
        const compiled = await loadModelArg(flags.fromLabels, flags);
        const prog = await programFor(model, modelSpec, flags);
        const { proposeFromLabels } = await import('../../probes/hypotheses/propose.ts');
        const proposal = proposeFromLabels(compiled, model, prog, { match: flags.match, threshold: flags.threshold });
        if (proposal.claims.length === 0) throw new UserError(`${flags.fromLabels} labels no head whose selector can be checked of ${modelSpec}`);
        const backend = await selectBackend(flags.backend);
        const note = once(
          () =>
            !flags.json &&
            io.err(
              `backend: ${backend}; ${proposal.claims.length} proposed claims${proposal.aligned ? ` (of the heads ${modelSpec}'s alignment names)` : ''}, ` +
                `${flags.runs} runs each, seed ${flags.seed}\n`,
            ),
        );
        const reports = await runner.checkClaims(await openModel(model), prog, proposal.claims, { ...opts, onReport: note });
        const rows: ProposalRow[] = reports.map((r, i) => ({
          from: proposal.claims[i].from,
          head: proposal.claims[i].head,
          selector: proposal.claims[i].implements,
          report: r,
        }));
        const heldBy = compiled.labels.heads.map((h) =>
          rows.filter((r) => r.from.layer === h.layer && r.from.head === h.head && r.report.passed).map((r) => r.head),
        );
        if (
          heldBy.some(
            (hs, i) =>
              hs.length === 0 &&
              !proposal.skipped.some((s) => s.from.layer === compiled.labels.heads[i].layer && s.from.head === compiled.labels.heads[i].head),
          )
        )
          setExitCode(cmd, EXIT_FAILED);
        if (flags.json)
          return void io.out(
            formatJson({
              seed: flags.seed,
              runs: flags.runs,
              proposals: rows.map((r) => ({ from: formatHead(r.from), head: r.head, selector: r.selector, ...jsonReport(r.report) })),
              skipped: proposal.skipped,
              aligned: proposal.aligned,
            }),
          );
        io.out(formatProposals(rows));
        for (const s of proposal.skipped) io.out(`compiled head ${formatHead(s.from)}: selector ${s.selector} skipped (${s.reason})\n`);
        return;
      }

      const { loadHypotheses } = await import('../../probes/hypotheses/fileFormat.ts');
      const hyp = loadHypotheses(hypSpec!);
      if (flags.claim !== undefined && flags.claim > hyp.claims.length)
        throw new UserError(`--claim ${flags.claim}: ${hypSpec} has ${plural(hyp.claims.length, 'claim')}`);
      const prog = await programFor(model, modelSpec, flags, hyp);
      const backend = await selectBackend(flags.backend);
      // Noted with the first result (claims are all validated before any runs), so that a mistake in
      // the file is the only line written.
      const note = once(() => !flags.json && io.err(`backend: ${backend}; program ${prog.name}; ${flags.runs} runs per claim, seed ${flags.seed}\n`));
      const picked = flags.claim !== undefined ? [flags.claim - 1] : hyp.claims.map((_, i) => i);
      const base = [
        'check',
        modelSpec,
        hypSpec!,
        ...(flags.program !== undefined ? ['--program', flags.program] : []),
        ...(flags.runs !== DEFAULT_RUNS_SHOWN ? ['--runs', String(flags.runs)] : []),
        ...(flags.tolerance !== NUMERIC_TOLERANCE ? ['--tolerance', String(flags.tolerance)] : []),
      ];
      const reports: ClaimReport[] = [];
      // Claims are prepared (and validated) together; each is printed as soon as it has run.
      const got = await runner.checkClaims(
        await openModel(model),
        prog,
        picked.map((i) => hyp.claims[i]),
        {
          ...opts,
          where: hypSpec,
          indices: picked,
          onReport: (r) => {
            note();
            reports.push(r);
            if (!flags.json) io.out(formatClaimReport(r, replayCommand(base, r)));
          },
        },
      );
      if (got.some((r) => !r.passed)) setExitCode(cmd, EXIT_FAILED);
      if (flags.json)
        return void io.out(
          formatJson({
            program: prog.name,
            seed: flags.seed,
            runs: flags.runs,
            claims: reports.map((r) => ({ ...jsonReport(r), ...(r.passed ? {} : { replay: replayCommand(base, r) }) })),
          }),
        );
      io.out(formatSummary(reports));
    });
}

function once(fn: () => unknown): () => void {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
}

/** A report as JSON shows it: claims numbered from 1, as in the text. */
function jsonReport(r: ClaimReport): Record<string, unknown> {
  const { index, ...rest } = r;
  return { number: index + 1, ...rest };
}
