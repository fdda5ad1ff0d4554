/**
 * `rasplab connect A B`: loss and accuracy along the straight line between two models of one shape
 * (probes/landscape/connect.ts), on the training lengths and, with --test-lengths, beyond them;
 * with --curve, also along a trained Bézier curve (probes/landscape/curve.ts), side by side; with
 * --against and --hypotheses, which compiled heads and which claims still hold at each point
 * (probes/landscape/mechanisms.ts).
 */
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { helpExamples } from '../format/invocation.ts';
import { parsePositiveInt, parsePositiveNumber } from '../options.ts';
import type { NamedSet, SetPath } from '../../probes/landscape/connect.ts';
import type { ProbeSet, ProbeTask } from '../../probes/probeSet.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { PointMechanism } from '../../probes/landscape/mechanisms.ts';
import { resolveProgram } from '../resolveProgram.ts';
import { openModel } from '../openModel.ts';
import { valueKey, type Value } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import { addProbeOptions, loadModelArg, probeContext, type ProbeFlags } from '../probeContext.ts';
import { lengthsText } from '../format/lengths.ts';

interface ConnectFlags extends ProbeFlags {
  readonly points: number;
  readonly testLengths?: number[];
  readonly align: boolean;
  readonly curve?: boolean;
  readonly curveSteps: number;
  readonly curveLr: number;
  readonly curveBatch: number;
  readonly against?: string;
  readonly hypotheses?: string;
  readonly runs: number;
}

export function parsePoints(text: string): number {
  const n = parsePositiveInt('--points')(text);
  if (n < 2) throw new UserError(`--points must be at least 2 (the two ends), got ${n}`);
  if (n > 1001) throw new UserError(`--points must be at most 1001, got ${n}`);
  return n;
}

export function parseLengths(text: string): number[] {
  return text.split(',').map((t) => parsePositiveInt('--test-lengths entries', 'maxLen')(t.trim()));
}

/** A model takes inputs up to n_ctx − 1 tokens (one holds BOS): a longer --test-lengths entry is refused. */
export function checkTestLengths(lengths: readonly number[] | undefined, nCtx: number): void {
  for (const len of lengths ?? [])
    if (len > nCtx - 1) throw new UserError(`--test-lengths ${len} is longer than the models take (n_ctx ${nCtx}: at most ${nCtx - 1})`);
}

/** The probe sets a path is scored on: the training lengths (`set`), then each of `testLengths` on its own. */
export async function namedSets(
  ctx: { readonly program: Program; readonly task: ProbeTask; readonly set: ProbeSet },
  testLengths: readonly number[] | undefined,
  flags: { readonly samples: number; readonly seed: number },
): Promise<NamedSet[]> {
  const { makeProbeSet } = await import('../../probes/probeSet.ts');
  return [
    { name: 'trained', minLen: ctx.task.minLen, maxLen: ctx.task.maxLen, set: ctx.set },
    ...[...new Set(testLengths ?? [])].map((len) => ({
      name: `length ${len}`,
      minLen: len,
      maxLen: len,
      set: makeProbeSet(ctx.program, { vocab: ctx.task.vocab, minLen: len, maxLen: len, n: flags.samples, seed: flags.seed }),
    })),
  ];
}

const loss = (x: number) => x.toFixed(4);
// Restated so that --help does not load the probes; the connect test pins it to probes/headSimilarity.ts.
export const DEFAULT_MATCH_THRESHOLD_SHOWN = 0.9;

/** The probe inputs that `against` takes too (its vocabulary, its context); refused when none. */
function inputsBothTake(inputs: readonly Value[][], against: ModelData, spec: string): Value[][] {
  const vocab = new Set(against.config.vocab.map(valueKey));
  const taken = inputs.filter((x) => x.length <= against.config.nCtx - 1 && x.every((v) => vocab.has(valueKey(v))));
  if (taken.length === 0) throw new UserError(`--against ${spec} takes none of the probe inputs (its vocabulary or context differs)`);
  return taken;
}

/** A point's mechanism as table cells: the compiled heads matched, and the claims held (failing ones by number). */
function mechanismCells(m: PointMechanism, cols: { heads: boolean; claims: boolean }): string[] {
  const cells: string[] = [];
  if (cols.heads)
    cells.push(
      m
        .heads!.filter((h) => h.matched)
        .map((h) => h.head)
        .join(' ') || '-',
    );
  if (cols.claims) {
    const failed = m.claims!.filter((c) => !c.passed).map((c) => c.number);
    cells.push(`${m.claims!.length - failed.length}/${m.claims!.length}${failed.length ? ` (fails ${failed.join(', ')})` : ''}`);
  }
  return cells;
}
const barrierText = (s: SetPath) => `loss ${loss(s.barrier.loss)}, exact match ${pct(s.barrier.exactMatch)}, token accuracy ${pct(s.barrier.tokenAccuracy)}`;

export function register(program: Command): void {
  const cmd = program
    .command('connect')
    .summary('loss and accuracy on the straight line between two models of one shape, and the barrier')
    .description(
      'Score the models at evenly spaced points on the straight line between the weights of A (t = 0) and B (t = 1): ' +
        'loss, exact match and token accuracy on the lengths both were trained on, and on each of --test-lengths. ' +
        'The barrier is the highest loss on the path minus the mean of the two ends’ losses; for accuracy, the mean of the ends minus the lowest. ' +
        'A and B must have one shape (train B with --shape-of A); attention scales may differ (B’s folds into its W_Q). ' +
        'First, B’s residual directions and each layer’s heads and MLP neurons are permuted to best match A’s (weight matching, as in Git Re-Basin): ' +
        'the same function, nearer A; the permutation is printed (position i holds B’s unit i of the list); --no-align skips it. ' +
        'With --curve, a quadratic Bézier curve (1−t)²A + 2t(1−t)C + t²B is also scored at the same points, ' +
        'its middle point C trained from the line’s midpoint ' +
        'to minimise the loss at a random t per step (Garipov et al. 2018); the two paths and their barriers are printed side by side. ' +
        'With --against COMPILED, each point’s heads are matched to the compiled model’s by attention similarity (as compare does), ' +
        'and with --hypotheses FILE the file’s claims are checked of each point (as check does, on --runs inputs): columns heads and claims.',
    )
    .argument('<a>', 'first model file (t = 0)')
    .argument('<b>', 'second model file (t = 1)')
    .addOption(new Option('--points <n>', 'points on the line, both ends included').argParser(parsePoints).default(11))
    .option('--no-align', 'draw the line to B as it is, without first permuting its heads and neurons to match A’s')
    .option('--curve', 'also train a quadratic Bézier curve from A to B (its middle point minimises the loss along it) and score it at the same points')
    .addOption(new Option('--curve-steps <n>', 'with --curve: training steps of the middle point').argParser(parsePositiveInt('--curve-steps')).default(200))
    .addOption(new Option('--curve-lr <x>', 'with --curve: AdamW learning rate of the middle point').argParser(parsePositiveNumber('--curve-lr')).default(0.01))
    .addOption(new Option('--curve-batch <n>', 'with --curve: training sequences per step').argParser(parsePositiveInt('--curve-batch', 'batch')).default(32))
    .option(
      '--against <compiled>',
      'at each point, match the heads of this (compiled) model by attention similarity, as compare does: which still have a match',
    )
    .option('--hypotheses <file>', 'at each point, check the claims of this hypothesis file (as rasplab check does, on --runs generated inputs)')
    .addOption(new Option('--runs <n>', 'with --hypotheses: generated inputs per claim and point').argParser(parsePositiveInt('--runs', 'runs')).default(50))
    .addOption(
      new Option('--test-lengths <list>', 'also score inputs of these lengths, comma-separated (e.g. beyond the training lengths)').argParser(parseLengths),
    );
  addProbeOptions(cmd)
    .addHelpText(
      'after',
      helpExamples(
        'connect fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.safetensors --points 3',
        'connect fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.safetensors --test-lengths 9,10 --samples 200 --json',
        'connect fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.safetensors --no-align --points 5',
        'connect fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors --curve --curve-steps 100 --points 5',
        'connect fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors --points 5 --samples 100 ' +
          '--against fixtures/models/reverse.compiled.safetensors --hypotheses fixtures/hypotheses/reverse.learned.yaml --runs 20',
      ),
    )
    .action(async (aSpec: string, bSpec: string, flags: ConnectFlags, c: Command) => {
      const curveSet = ['curveSteps', 'curveLr', 'curveBatch'].filter((k) => c.getOptionValueSource(k) === 'cli');
      if (!flags.curve && curveSet.length) throw new UserError('--curve-steps, --curve-lr and --curve-batch go with --curve');
      if (flags.hypotheses === undefined && c.getOptionValueSource('runs') === 'cli') throw new UserError('--runs goes with --hypotheses');
      const a = await loadModelArg(aSpec, flags);
      const b = await loadModelArg(bSpec, flags);
      const { checkSameShape } = await import('../../probes/landscape/weightSpace.ts');
      checkSameShape(a, b, [aSpec, bSpec]);
      checkTestLengths(flags.testLengths, a.config.nCtx);
      const against = flags.against !== undefined ? await loadModelArg(flags.against, flags) : undefined;
      const { loadHypotheses } = await import('../../probes/hypotheses/fileFormat.ts');
      const hyp = flags.hypotheses !== undefined ? loadHypotheses(flags.hypotheses) : undefined;
      const ctx = await probeContext(aSpec, flags, c, { spec: bSpec, data: b });
      const { connectModels } = await import('../../probes/landscape/connect.ts');
      const sets = await namedSets(ctx, flags.testLengths, flags);
      const { mechanismsOnPath } = await import('../../probes/landscape/mechanisms.ts');
      let inspect: ReturnType<typeof mechanismsOnPath> | undefined;
      if (against || hyp) {
        const inputs = against ? inputsBothTake(ctx.set.inputs, against, flags.against!) : undefined;
        const program = hyp?.program !== undefined && flags.program === undefined ? await resolveProgram(hyp.program, { cwd: dirname(hyp.file) }) : ctx.program;
        inspect = mechanismsOnPath({
          against: against ? await openModel(against) : undefined,
          inputs,
          hypotheses: hyp && { program, claims: hyp.claims, domain: ctx.task, runs: flags.runs, seed: flags.seed, where: flags.hypotheses },
        });
      }
      const window: number[] = [];
      const r = await connectModels<PointMechanism>(ctx.model, b, sets, {
        points: flags.points,
        tolerance: flags.tolerance,
        align: flags.align,
        onPoint: (done, total) => ctx.io.err(`point ${done}/${total}\n`),
        curve: flags.curve
          ? {
              spec: { program: ctx.program, vocab: ctx.task.vocab, minLen: ctx.task.minLen, maxLen: ctx.task.maxLen },
              steps: flags.curveSteps,
              lr: flags.curveLr,
              batch: flags.curveBatch,
              seed: flags.seed,
              onStep: (done, total, l) => {
                window.push(l);
                if (done % Math.max(1, Math.round(total / 10)) !== 0 && done !== total) return;
                ctx.io.err(`curve step ${done}/${total}, mean loss since the last report ${loss(window.reduce((x, y) => x + y, 0) / window.length)}\n`);
                window.length = 0;
              },
            }
          : undefined,
        inspect,
      });
      if (flags.json) return void ctx.io.out(formatJson({ a: aSpec, b: bSpec, ...r, note: ctx.note }));
      const out = ctx.io.out;
      if (ctx.note) println(out, `note: ${ctx.note}`);
      if (r.rescaled) println(out, `note: B's attention scale (${b.config.attnScale}) folded into its W_Q and b_Q to match A's (${a.config.attnScale})`);
      const al = r.alignment;
      if (al) {
        const moved = `${al.moved.residual} residual directions, ${al.moved.heads} heads and ${al.moved.neurons} neurons moved`;
        println(out, `alignment: B permuted to match A (${moved}; distance ${al.distance.before.toFixed(3)} → ${al.distance.after.toFixed(3)})`);
        println(out, `  residual: ${al.residual.join(' ')}`);
        for (const p of al.layers) {
          const neurons = p.neurons.length ? `, neurons ${p.neurons.filter((x, i) => x !== i).length}/${p.neurons.length} moved` : '';
          println(out, `  layer ${p.layer}: heads ${p.heads.length ? `[${p.heads.join(' ')}]` : '-'}${neurons}`);
        }
      } else println(out, 'alignment: none (--no-align)');
      const cv = r.curve;
      if (cv) {
        const trained = `loss along it ${loss(cv.trainLoss.first)} → ${loss(cv.trainLoss.last)}`;
        println(out, `curve: middle point trained ${cv.steps} steps (lr ${cv.lr}, batch ${cv.batch}); ${trained}`);
      }
      const cols = { heads: Boolean(against), claims: Boolean(hyp) };
      if (cols.heads)
        println(out, `heads: the heads of ${flags.against} that have a match at the point (attention similarity ≥ ${DEFAULT_MATCH_THRESHOLD_SHOWN})`);
      if (cols.claims) println(out, `claims: the claims of ${flags.hypotheses} that hold at the point on ${flags.runs} generated inputs each`);
      const mechHead = [...(cols.heads ? ['heads'] : []), ...(cols.claims ? ['claims'] : [])];
      r.sets.forEach((s, k) => {
        const range = lengthsText(s);
        println(out, `${s.name === 'trained' ? 'trained lengths' : s.name} (${range}, ${s.inputs} inputs):`);
        const c = cv?.sets[k];
        const scores = (p: SetPath['path'][number]) => [loss(p.loss), pct(p.exactMatch), pct(p.tokenAccuracy)];
        // The mechanism columns go with the first set's table: they are the points', not the set's.
        const mech = k === 0 && (cols.heads || cols.claims);
        const lineHead = [c ? 'line loss' : 'loss', 'exact', 'token acc', ...(mech ? mechHead : [])];
        const curveHead = c ? ['curve loss', 'exact', 'token acc', ...(mech ? mechHead : [])] : [];
        out(
          renderTable({
            head: ['t', ...lineHead, ...curveHead],
            rows: s.path.map((p, i) => [
              p.t.toFixed(2),
              ...scores(p),
              ...(mech ? mechanismCells(r.mechanisms[i], cols) : []),
              ...(c ? [...scores(c.path[i]), ...(mech ? mechanismCells(cv!.mechanisms[i], cols) : [])] : []),
            ]),
            compact: true,
          }),
        );
        if (c) {
          println(out, `  line barrier:  ${barrierText(s)}`);
          println(out, `  curve barrier: ${barrierText(c)}`);
        } else println(out, `  barrier: ${barrierText(s)}`);
      });
    });
}
