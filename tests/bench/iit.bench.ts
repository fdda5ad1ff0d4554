/**
 * Causal abstraction throughput on this machine: DAS per variable of the learned reverse fixture
 * (one residual read point each, rank 4, 100 steps on 256 pairs, IIA on 256 held-out ones) and
 * strict IIT training of a small reverse model (200 steps), with wall times and IIA. Fails when
 * either leaves tensors behind (tf.memory().numTensors before and after).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { renderTable } from '../../cli/format/table.ts';
import { align } from '../../probes/abstraction/align.ts';
import { defaultAlignment } from '../../probes/abstraction/alignmentMap.ts';
import { trainSiit } from '../../probes/abstraction/siit.ts';
import { modelTask } from '../../probes/probeSet.ts';
import { compile } from '../../compiler/index.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import type { HookName } from '../../src/model/hooks.ts';
import { loadProgram } from '../../src/rasp/load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function checkFreed(before: number, what: string): void {
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${what} left ${after - before} tensors behind`);
}

export default async function run(): Promise<void> {
  const backend = await selectBackend('auto');
  const program = loadProgram(join(ROOT, 'fixtures/programs/reverse.rasp'));
  const learned = LoadedModel.from(loadModel(join(ROOT, 'fixtures/models/reverse.learned.safetensors')));
  const rows: string[][] = [];
  const cases: [string, HookName][] = [
    ['tokens', 'blocks.0.hook_resid_pre'],
    ['length', 'blocks.1.hook_resid_pre'],
    ['opp_index', 'blocks.1.hook_resid_pre'],
    ['reverse', 'blocks.1.hook_resid_post'],
  ];
  for (const [variable, hook] of cases) {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const r = await align(learned, program, variable, { rank: 4, steps: 100, pairs: 256, seed: 0, task: modelTask(learned), hooks: [hook] });
    const s = (performance.now() - t0) / 1000;
    checkFreed(before, `DAS on ${variable}`);
    rows.push([`DAS ${variable} at ${hook} (ranks 1, 2, 4)`, s.toFixed(1), pct(r.best.iia), `rank ${r.rankNeeded}`]);
  }
  learned.dispose();

  const compiled = compile(program, { vocab: ['a', 'b', 'c'], maxLen: 4 }).model;
  const config = {
    ...compiled.config,
    dModel: 32,
    layers: [0, 1].map(() => ({ nHeads: 2, dHead: 16, dMlp: 64 })),
    origin: 'learned' as const,
    attnScale: 4,
  };
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const r = await trainSiit({
    config,
    program,
    compiled,
    alignment: defaultAlignment(compiled),
    task: { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 4 },
    steps: 200,
    batch: 64,
    lr: 3e-3,
    seed: 0,
    weights: { task: 1, iit: 1, strict: 1 },
    backend,
  });
  const s = (performance.now() - t0) / 1000;
  checkFreed(before, 'SIIT');
  rows.push([
    `SIIT reverse, 200 steps (exact match ${pct(r.scores.exactMatch)})`,
    s.toFixed(1),
    r.scores.iia.map((x) => `${x.variable} ${pct(x.iia)}`).join(', '),
    '-',
  ]);
  console.log(`backend ${backend}`);
  console.log(renderTable({ head: ['run', 'wall s', 'IIA', 'rank needed'], rows, align: ['left', 'right', 'left', 'left'] }));
}
