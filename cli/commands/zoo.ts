/**
 * `rasplab zoo ZOO`: the models of a zoo (src/zoo/store.ts) as a table, filtered by --query (an SQL
 * condition over the index's columns), exported with --csv or --json; --emergence and --rashomon
 * answer questions about the population (src/zoo/populations.ts).
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatJson } from '../format/json.ts';
import { helpExamples } from '../format/invocation.ts';
import { errIsTerminal, ioOf, println, type CliIo } from '../format/output.ts';
import { pct } from '../format/percent.ts';
import { renderTable } from '../format/table.ts';
import { jsonOption } from '../options.ts';
import type { Basins } from '../../probes/zoo/basins.ts';
import type { Multiplicity } from '../../probes/zoo/multiplicity.ts';
import type { JobSettings } from '../../src/zoo/jobs.ts';
import type { Zoo, ZooRow } from '../../src/zoo/store.ts';
import { DEFAULT_BARRIER, type RashomonSet } from '../../src/zoo/populations.ts';
import { lengthsText } from '../format/lengths.ts';

interface ZooFlags {
  readonly query?: string;
  readonly csv?: boolean;
  readonly json?: boolean;
  readonly emergence?: boolean;
  readonly rashomon?: number;
  readonly barrier?: number;
  readonly html?: string;
}

const TABLE = [
  ['key', 'key'],
  ['program', 'program'],
  ['layers', 'layers'],
  ['heads', 'heads'],
  ['d_model', 'd_model'],
  ['d_mlp', 'd_mlp'],
  ['steps', 'steps'],
  ['lr', 'lr'],
  ['seed', 'seed'],
  ['test_acc', 'exact'],
  ['test_token_acc', 'token'],
  ['verify_trained', 'verify'],
  ['verify_beyond', 'beyond'],
  ['compare_in', 'A = B'],
] as const;
const SHARES = new Set<string>(['test_acc', 'test_token_acc', 'verify_trained', 'verify_beyond', 'compare_in', 'compare_beyond']);

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function parseBarrier(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v >= 0 && v <= 1)) throw new UserError(`--barrier expects an exact-match barrier in [0, 1], got '${text}'`);
  return v;
}

function parseEpsilon(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v >= 0 && v <= 1)) throw new UserError(`--rashomon expects ε in [0, 1] (a share of exact match), got '${text}'`);
  return v;
}

/** The most models of one Rashomon set whose every pair is joined by a line (n·(n−1)/2 paths). */
const MAX_BASIN_MODELS = 16;
const BASIN_POINTS = 5;
const BASIN_SAMPLES = 200;

interface Population {
  /**
   * How often the models disagree past their training lengths (probes/zoo/multiplicity.ts); null
   * for fewer than two models, models of different vocabularies, or no such lengths.
   */
  readonly multiplicity: Multiplicity | null;
  /** Their basins by the barrier between every same-shape pair (probes/zoo/basins.ts), on the first model's training lengths. */
  readonly basins: Basins | null;
  /** Why `basins` is null when it is, for the table. */
  readonly basinsSkipped?: string;
}

/** What the models of `keys` do as a population, from their model files. */
async function populationOf(zoo: Zoo, keys: readonly string[], rows: readonly ZooRow[], threshold: number, io: CliIo): Promise<Population> {
  if (keys.length < 2) return { multiplicity: null, basins: null, basinsSkipped: 'fewer than two models' };
  const { loadModel } = await import('../../src/model/modelFile.ts');
  const { LoadedModel } = await import('../../src/model/loadedModel.ts');
  const { jobProgram } = await import('../../probes/zoo/runJob.ts');
  const { predictiveMultiplicity } = await import('../../probes/zoo/multiplicity.ts');
  const { linearBasins } = await import('../../probes/zoo/basins.ts');
  const { makeProbeSet } = await import('../../probes/probeSet.ts');
  const data = keys.map((k) => loadModel(zoo.modelPath(k)));
  const row = rows.find((r) => r.key === keys[0])!;
  const program = jobProgram({ key: keys[0], settings: JSON.parse(row.settings) as JobSettings });
  const vocab = data[0].config.vocab.slice(1);
  const sameVocab = data.every((d) => JSON.stringify(d.config.vocab) === JSON.stringify(data[0].config.vocab));
  let multiplicity: Multiplicity | null = null;
  const minBeyond = Math.max(...data.map((d) => d.training?.maxLen ?? d.config.nCtx - 1)) + 1;
  const maxBeyond = Math.min(...data.map((d) => d.config.nCtx - 1));
  if (sameVocab && minBeyond <= maxBeyond) {
    const models = data.map((d) => LoadedModel.from(d));
    try {
      multiplicity = predictiveMultiplicity(models, program, { vocab, minLen: minBeyond, maxLen: maxBeyond }, { samples: 500, seed: 0 });
    } finally {
      for (const m of models) m.dispose();
    }
  }
  if (keys.length > MAX_BASIN_MODELS)
    return { multiplicity, basins: null, basinsSkipped: `${keys.length} models (pairs are joined for at most ${MAX_BASIN_MODELS})` };
  const minLen = data[0].training?.minLen ?? 1;
  const maxLen = data[0].training?.maxLen ?? data[0].config.nCtx - 1;
  const set = { name: 'trained', minLen, maxLen, set: makeProbeSet(program, { vocab, minLen, maxLen, n: BASIN_SAMPLES, seed: 0 }) };
  const { createCountProgress } = await import('../countProgress.ts');
  const tty = errIsTerminal(io);
  let progress: ReturnType<typeof createCountProgress> | undefined;
  const basins = await linearBasins(
    keys.map((key, i) => ({ key, data: data[i] })),
    set,
    {
      threshold,
      points: BASIN_POINTS,
      onPair: (done, total, pair) => {
        progress ??= createCountProgress({ total, unit: `${String(row.program)} pair`, write: io.err, tty });
        progress.update(done, `barrier ${pair.exactMatch.toFixed(2)}`);
      },
    },
  );
  progress?.stop();
  return { multiplicity, basins };
}

export function register(program: Command): void {
  program
    .command('zoo')
    .summary('list, filter and export the models of a zoo; emergence and Rashomon sets')
    .description(
      'Print the models of a zoo written by `npx rasplab sweep`: their settings, held-out exact match and token accuracy, verify on and beyond the ' +
        'training lengths, and agreement with the compiled model. --query filters with an SQL condition over the columns (key, program, layers, ' +
        'heads, d_model, d_mlp, attn_only, min_len, max_len, steps, lr, and_mask, data_fraction, init_from, seed, status, train_acc, test_acc, ' +
        'test_token_acc, final_loss, test_loss, verify_trained, verify_beyond, compare_in, compare_beyond, heads_compiled, heads_matched, log_volume, ' +
        'barrier_loss, barrier_acc, circuit_edges, edge_auc, node_auc). ' +
        '--emergence: exact match, token accuracy and log-likelihood against size, steps, learning rate and data fraction, ' +
        'side by side, averaged over seeds. ' +
        '--rashomon ε: the models within ε of the best exact match and ' +
        'their distinct mechanisms (which compiled head each matched learned head does the job of; where the index has the figures, also the ' +
        'discovered circuit, the same edge set being one mechanism, and the exact-match barrier to the reference, below --barrier being its basin), ' +
        'their basins by the exact-match barrier on the aligned line between every same-shape pair (below --barrier: joined; at most ' +
        `${MAX_BASIN_MODELS} models a set), and ` +
        'their predictive multiplicity past the training lengths (how often two of them disagree there).',
    )
    .argument('<zoo>', 'the zoo folder')
    .option('--query <expr>', 'an SQL condition over the columns, e.g. "test_acc >= 0.9 AND layers = 1"')
    .addOption(new Option('--csv', 'print the rows as CSV (every column)').conflicts('json'))
    .addOption(jsonOption())
    .addOption(new Option('--emergence', 'exact match, token accuracy and log-likelihood against size and steps').conflicts('csv'))
    .addOption(
      new Option('--rashomon <eps>', 'the models within ε of the best exact match, and their distinct mechanisms').argParser(parseEpsilon).conflicts('csv'),
    )
    .option('--html <file>', 'write the zoo page (the emergence figure and, with --rashomon, each Rashomon set; d3 SVG inline) to this HTML file')
    .addOption(
      new Option(
        '--barrier <x>',
        `with --rashomon: the exact-match barrier (a share) below which two models, or a model and the reference, share a basin (default ${DEFAULT_BARRIER})`,
      ).argParser(parseBarrier),
    )
    .addHelpText(
      'after',
      helpExamples(
        'sweep fixtures/zoo/tiny.yaml -o zoo',
        'zoo zoo',
        'zoo zoo --query "heads = 2 AND steps = 20" --csv',
        'zoo zoo --emergence',
        'zoo zoo --emergence --html zoo.html',
        'zoo zoo --rashomon 0.1 --json',
        'zoo zoo --rashomon 0.1 --barrier 0.1',
        'zoo zoo --rashomon 0.1 --html zoo.html',
      ),
    )
    .action(async (dir: string, flags: ZooFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.barrier !== undefined && flags.rashomon === undefined) throw new UserError('--barrier goes with --rashomon');
      const { Zoo, ZOO_COLUMNS } = await import('../../src/zoo/store.ts');
      const zoo = Zoo.open(resolve(dir), { create: false });
      try {
        const rows = zoo.rows(flags.query);
        const failures = zoo.failures();
        if (failures.length) io.err(`${dir}: ${failures.length} job(s) failed and are not in the table (a rerun of the sweep tries them again)\n`);
        const rashomonSets: (RashomonSet & Population)[] = [];
        if (flags.rashomon !== undefined) {
          const { rashomon } = await import('../../src/zoo/populations.ts');
          const sets = rashomon(rows, flags.rashomon, flags.barrier);
          const { selectBackend } = await import('../../src/model/backend.ts');
          await selectBackend('auto');
          for (const s of sets)
            rashomonSets.push({
              ...s,
              ...(await populationOf(
                zoo,
                s.models.map((m) => m.key),
                rows,
                flags.barrier ?? DEFAULT_BARRIER,
                io,
              )),
            });
        }
        if (flags.html !== undefined) {
          if (!rows.length) throw new UserError(`${dir}: no models${flags.query ? ` where ${flags.query}` : ''}: nothing to draw`);
          const { emergence } = await import('../../src/zoo/populations.ts');
          const { renderZooPage, zooFigures } = await import('../report/zooPage.ts');
          const { writeFileAtomic } = await import('../../src/files/atomicWrite.ts');
          writeFileAtomic(resolve(flags.html), renderZooPage(dir, rows.length, zooFigures(emergence(rows), rashomonSets)));
          println(io.err, `zoo page → ${flags.html}`);
        }
        if (flags.emergence) {
          const { emergence } = await import('../../src/zoo/populations.ts');
          const points = emergence(rows);
          if (flags.json) return void io.out(formatJson(points));
          println(io.out, `emergence: ${rows.length} models (mean over seeds; held-out; log-lik per output position)`);
          io.out(
            renderTable({
              head: ['program', 'layers', 'heads', 'd_model', 'd_mlp', 'steps', 'lr', 'data', 'seeds', 'exact match', 'token acc', 'log-lik'],
              rows: points.map((p) => [
                p.program,
                p.layers ?? '-',
                p.heads ?? '-',
                p.dModel ?? '-',
                p.dMlp ?? '-',
                p.steps ?? '-',
                p.lr ?? '-',
                p.dataFraction,
                p.seeds,
                pct(p.exactMatch),
                pct(p.tokenAccuracy),
                p.logLikelihood.toFixed(3).replace(/^-(0\.0+)$/, '$1'),
              ]),
              compact: true,
            }),
          );
          return;
        }
        if (flags.rashomon !== undefined) {
          if (flags.json) return void io.out(formatJson(rashomonSets));
          for (const s of rashomonSets) {
            const range = s.beyondRange ? `; beyond the training lengths they agree with the program on ${pct(s.beyondRange[0])}–${pct(s.beyondRange[1])}` : '';
            const counts = `${s.models.length} model(s) within ε = ${s.epsilon}, ${s.mechanisms.length} distinct mechanism(s)`;
            println(io.out, `${s.program}: best exact match ${pct(s.best)}; ${counts}${range}`);
            io.out(
              renderTable({
                head: ['models', 'matched heads (compiled head → learned layer)'],
                rows: s.mechanisms.map((m) => [m.models.length, m.signature]),
                compact: true,
              }),
            );
            if (s.byCircuit) {
              println(io.out, `by discovered circuit (the same edge set): ${s.byCircuit.length} distinct mechanism(s)`);
              io.out(renderTable({ head: ['models', 'circuit'], rows: s.byCircuit.map((m) => [m.models.length, m.signature]), compact: true }));
            }
            if (s.byBarrier) {
              const b = s.byBarrier;
              println(io.out, `by linear barrier to ${b.reference} (exact-match barrier below ${b.threshold}: one basin): ${b.groups.length} group(s)`);
              io.out(renderTable({ head: ['models', 'basin'], rows: b.groups.map((m) => [m.models.length, m.signature]), compact: true }));
            }
            if (s.basins) {
              const b = s.basins;
              const lengths = lengthsText(b);
              println(
                io.out,
                `by linear barrier between every pair (${b.pairs.length} same-shape pair(s), ${b.points} points, ${b.inputs} inputs of ${lengths}; ` +
                  `exact-match barrier below ${b.threshold}: one basin): ${b.groups.length} basin(s)`,
              );
              io.out(renderTable({ head: ['models', 'basin'], rows: b.groups.map((g) => [g.length, g.map((k) => k.slice(0, 8)).join(' ')]), compact: true }));
            } else if (s.basinsSkipped) println(io.out, `by linear barrier between every pair: not measured, ${s.basinsSkipped}`);
            const m = s.multiplicity;
            if (m) {
              const lengths = lengthsText(m);
              const differ = `${pct(m.ambiguity)} of inputs get different outputs from some two of the ${m.models} models`;
              println(io.out, `predictive multiplicity on ${lengths} (${m.inputs} inputs): ${differ}; a pair differs on ${pct(m.discrepancy)} on average`);
            }
          }
          return;
        }
        if (flags.json) {
          return void io.out(
            formatJson(
              rows.map((r) => ({
                ...Object.fromEntries(ZOO_COLUMNS.map((c) => [c, r[c]])),
                settings: JSON.parse(r.settings) as unknown,
                figures: JSON.parse(r.figures) as unknown,
              })),
            ),
          );
        }
        if (flags.csv) {
          const lines = [ZOO_COLUMNS.join(','), ...rows.map((r) => ZOO_COLUMNS.map((c) => csvField(r[c])).join(','))];
          return void io.out(`${lines.join('\n')}\n`);
        }
        const cell = (c: string, v: string | number | null) =>
          v === null ? '-' : SHARES.has(c) ? pct(Number(v)) : c === 'key' ? String(v).slice(0, 8) : String(v);
        io.out(renderTable({ head: TABLE.map(([, h]) => h), rows: rows.map((r) => TABLE.map(([c]) => cell(c, r[c]))), compact: true }));
        println(io.out, `${rows.length} model(s)${flags.query ? ` where ${flags.query}` : ''}`);
      } finally {
        zoo.close();
      }
    });
}
