/**
 * Compiler benchmark, per library program: compile time (median of 21 where one compile takes
 * under 20 ms, else of 5, and of 3 at max length 20 and 40, after a warm-up; CPU time, as on an
 * idle machine, since the machines shared here run far more work than cores) and its speed-up over
 * tracr's, forward throughput (sequences per second at batch 256, on the fastest backend; at max
 * length 5 and 10 only), the most leaf-value combinations one MLP enumerated, and the model's size
 * beside tracr's figures (tests/support/tracrAnchors.ts) at max length 5, 10, 20 and 40, then
 * verification at a larger size (max length 8), and the differential property over more random
 * programs than the test suite runs.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR, libraryPrograms } from '../../cli/resolveProgram.ts';
import { renderTable } from '../../cli/format/table.ts';
import { verifyModel } from '../../probes/verify.ts';
import { backendBuild, selectBackend } from '../../src/model/backend.ts';
import { forward } from '../../src/model/forward.ts';
import { disposeParams, paramsFromModel } from '../../src/model/params.ts';
import type { ModelData } from '../../src/model/types.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { arbitraryCompilable } from '../support/arbitraryCompilable.ts';
import { TRACR_ANCHORS, TRACR_LARGER, tracrVocab } from '../support/tracrAnchors.ts';
import { firstDisagreement } from '../support/differential.ts';
import { medianCpuMs } from './timing.ts';
import { cellKey, liveTracrTimes, type LiveTracr, type TracrCell } from './tracrLive.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';

const BATCH = 256;

/** Sequences per second of the forward pass on full-length random inputs, batch 256, read back each time. */
function forwardThroughput(model: ModelData, maxLen: number): number {
  const params = paramsFromModel(model);
  const rng = makeRng(1);
  const V = model.config.vocab.length;
  const ids = new Int32Array(BATCH * (maxLen + 1));
  for (let r = 0; r < BATCH; r++) for (let p = 1; p <= maxLen; p++) ids[r * (maxLen + 1) + p] = 1 + rng.int(V - 1);
  const once = () =>
    tf.tidy(() => forward(model.config, params, { tokens: tf.tensor2d(ids, [BATCH, maxLen + 1], 'int32') }, { cache: false }).logits.dataSync());
  try {
    once();
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 400 || n < 3) {
      once();
      n++;
    }
    return (n * BATCH * 1000) / (performance.now() - t0);
  } finally {
    disposeParams(params);
  }
}

const MAX_LENS = [5, 10, 20, 40] as const;

/** tracr's figures for one program at one max length, in the columns the table shows. */
function tracrAt(name: string, maxLen: (typeof MAX_LENS)[number]) {
  if (maxLen === 5 || maxLen === 10) {
    const t = TRACR_ANCHORS[name]?.byMaxLen[maxLen];
    return t && { compileMs: t.compileMs, layers: t.layers, heads: t.heads, mlpHidden: t.mlpHidden.join(','), residual: t.residual, params: undefined };
  }
  const t = TRACR_LARGER[name]?.[maxLen];
  return t && { compileMs: t.compileMs, layers: t.layers, heads: undefined, mlpHidden: undefined, residual: t.residual, params: t.params };
}

/** The cells tracr has stored figures for: every anchored program at 5 and 10, and at 20 and 40 where the side-by-side run had one. */
function tracrCells(): TracrCell[] {
  return Object.entries(TRACR_ANCHORS).flatMap(([name, a]) => MAX_LENS.filter((n) => tracrAt(name, n)).map((n): TracrCell => [a.tracrName, n]));
}

/**
 * Median CPU ms of a compile once V8 has optimised it: after up to 300 compiles (at most a second
 * of them). tracr under CPython has no such warm-up, so its second compile is its steady state;
 * rasplab's first few run partly in V8's unoptimised tiers, which is what a one-off compile pays
 * and what the cold column shows.
 */
function warmCpuMs(reps: number, warmUp: () => void, fn: () => void): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < 300; i++) {
    warmUp();
    const c = process.cpuUsage(c0);
    if (c.user + c.system > 1e6) break;
  }
  return medianCpuMs(reps, fn);
}

function sizesTable(): void {
  const head = [
    'program',
    'len',
    'compile ms (cpu)',
    'warm ms',
    'tracr ms',
    'speed-up',
    'warm',
    'seq/s (b256)',
    'most combos',
    'layers',
    'tracr',
    'heads',
    'tracr',
    'mlp hidden',
    'tracr',
    'resid',
    'tracr',
    'params',
    'tracr',
  ];
  const rows: (string | number)[][] = [];
  const live = process.env.TRACR_DIR ? timeTracr() : undefined;
  const short: string[] = [];
  const shortWarm: string[] = [];
  // Forward passes after all compile timings: the garbage of 400 ms of them, collected during the
  // next program's compiles, would double a compile of a fraction of a millisecond.
  const forwards: (() => void)[] = [];
  for (const name of libraryPrograms()) {
    const program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
    // Over tracr's vocabulary where it has figures, so the sizes compare; else the file's own.
    const anchor = TRACR_ANCHORS[name];
    const vocab = anchor ? tracrVocab(anchor) : program.vocab!;
    for (const maxLen of MAX_LENS) {
      let result;
      const c0 = process.cpuUsage();
      try {
        result = compile(program, { vocab, maxLen });
      } catch (e) {
        // The reason without its file position, short enough to keep the table readable.
        const why = (e as Error).message.replace(/^.*?:\d+:\d+: /, '');
        rows.push([name, maxLen, `refused: ${why.length > 60 ? `${why.slice(0, 59)}…` : why}`, ...head.slice(3).map(() => '')]);
        continue;
      }
      const { model, stats, mlps } = result;
      const small = maxLen <= 10;
      const first = process.cpuUsage(c0);
      // Compiles of a few ms vary most on a shared machine: the median of many.
      const reps = (first.user + first.system) / 1000 < 20 ? 21 : small ? 5 : 3;
      // Each timed compile gets a program of its own, loaded untimed, as tracr's figures have: a
      // compile keeps the graph it makes per program, so compiling one program again skips that.
      const fresh = () => loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
      const compileFresh = () => {
        // medianCpuMs calls it reps + 1 times (one untimed first).
        const programs = Array.from({ length: reps + 1 }, fresh);
        return () => void compile(programs.pop()!, { vocab, maxLen });
      };
      const ms = medianCpuMs(reps, compileFresh());
      const warm = warmCpuMs(reps, () => void compile(fresh(), { vocab, maxLen }), compileFresh());
      const t = tracrAt(name, maxLen);
      const tracrMs = live?.ok ? anchor && live.ms.get(cellKey(anchor.tracrName, maxLen)) : t?.compileMs;
      if (tracrMs !== undefined && tracrMs / ms < 10) short.push(`${name} ${maxLen} ${(tracrMs / ms).toFixed(1)}×`);
      if (tracrMs !== undefined && tracrMs / warm < 10) shortWarm.push(`${name} ${maxLen} ${(tracrMs / warm).toFixed(1)}×`);
      const row = rows.length;
      // A forward pass of the largest models at batch 256 takes minutes on a small machine.
      if (small) forwards.push(() => void (rows[row][7] = Math.round(forwardThroughput(model, maxLen))));
      rows.push([
        name,
        maxLen,
        ms.toFixed(ms < 1 ? 2 : 1),
        warm.toFixed(warm < 1 ? 2 : 1),
        tracrMs !== undefined ? tracrMs.toFixed(1) : '',
        tracrMs !== undefined ? `${(tracrMs / ms).toFixed(1)}×` : '',
        tracrMs !== undefined ? `${(tracrMs / warm).toFixed(1)}×` : '',
        // Filled in once every compile is timed (below).
        '',
        Math.max(0, ...mlps.map((m) => m.combinations)),
        stats.layers,
        t?.layers ?? '',
        stats.heads,
        t?.heads ?? '',
        stats.mlpHidden.join(','),
        t?.mlpHidden ?? '',
        stats.residualWidth,
        t?.residual ?? '',
        stats.params,
        t?.params ?? '',
      ]);
    }
  }
  for (const f of forwards) f();
  const source = live?.ok
    ? `tracr ms: tracr's compiler timed in this run (TRACR_DIR=${process.env.TRACR_DIR}), up to its craft model, CPU time, median of 21/5/1`
    : `tracr ms: shared/anchors/tracr.md (5 and 10: 2026-11-22; 20 and 40: the 2026-12-01 side-by-side run), measured on other days` +
      (live ? `; not timed here: ${live.why}` : '; set TRACR_DIR to a tracr checkout to time it in this run');
  console.log(
    `compile time, forward throughput and size (${source}; tracr's times exclude its assembly step; ` +
      "at max length 20 and 40 tracr's residual includes its padding; warm = after V8 has optimised the compile)",
  );
  console.log(renderTable({ head, rows, compact: true }));
  if (live?.ok) for (const e of live.errors) console.log(`tracr failed: ${e}`);
  for (const [which, cells] of [
    ['cold', short],
    ['warm', shortWarm],
  ] as const) {
    const verdict = cells.length
      ? `under 10× faster than tracr at ${cells.join(', ')}`
      : 'at least 10× faster than tracr at every program and max length timed';
    console.log(`${which}: ${verdict}`);
  }
}

function timeTracr(): LiveTracr {
  const cells = tracrCells();
  const t0 = performance.now();
  console.log(`timing tracr's compiler on ${cells.length} programs × max lengths (minutes; sort_freq at 40 takes about a minute a compile)…`);
  const live = liveTracrTimes(cells);
  if (live.ok) console.log(`tracr timed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return live;
}

function verifyLarger(): void {
  const rows: (string | number)[][] = [];
  for (const name of libraryPrograms()) {
    const program: Program = loadProgram(join(LIBRARY_DIR, `${name}.rasp`));
    const maxLen = 8;
    const vocab = program.vocab!;
    const t0 = performance.now();
    const { model } = compile(program, { vocab, maxLen });
    const m = LoadedModel.from(model);
    const r = verifyModel(m, program, { vocab, maxLen, samples: 10_000 });
    m.dispose();
    rows.push([
      name,
      vocab.length,
      maxLen,
      r.checked,
      r.exhaustive ? 'yes' : 'no',
      r.agreement === null ? '-' : `${(100 * r.agreement).toFixed(2)}%`,
      r.maxAbsError.toExponential(1),
      Math.round(performance.now() - t0),
    ]);
  }
  console.log('verification at max length 8 (every input up to 100,000 of them, else 10,000 sampled)');
  console.log(renderTable({ head: ['program', 'vocab', 'max len', 'checked', 'exhaustive', 'agreement', 'max abs err', 'ms'], rows, compact: true }));
  if (rows.some((r) => r[5] !== '100.00%')) process.exitCode = 1;
}

function differential(runs: number): void {
  let programs = 0;
  let inputs = 0;
  const t0 = performance.now();
  const result = fc.check(
    fc.property(arbitraryCompilable, (c) => {
      programs++;
      const r = firstDisagreement(c);
      inputs += r.checked;
      return r.mismatch === null;
    }),
    { numRuns: runs, seed: 424242 },
  );
  const s = (performance.now() - t0) / 1000;
  console.log(
    `differential property: ${programs} random programs, ${inputs} inputs, ` +
      `${result.failed ? `FAILED (seed ${result.seed}, path ${result.counterexamplePath})` : 'all agree'} in ${s.toFixed(1)} s`,
  );
  if (result.failed) process.exitCode = 1;
}

export default async function run(): Promise<void> {
  await selectBackend(process.env.RASPLAB_BACKEND ?? 'auto');
  console.log(`backend: ${await backendBuild()}; ${availableParallelism()} cores`);
  sizesTable();
  verifyLarger();
  differential(Number(process.env.RASPLAB_BENCH_PROGRAMS ?? 3000));
}
