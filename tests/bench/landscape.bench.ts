/**
 * The loss landscape's wall times on 2- and 4-layer models (probes.bench.ts's random models, 4
 * heads, d_model 32, d_mlp 64): `connect` (11 points on the aligned line, 1,000 inputs, alignment
 * included) and `volume` (100 filter-normalised directions, cutoff 0.1 above the model's loss).
 * Volume is measured on the probe commands' default 300 inputs with 6 bisections, not the default
 * 10 and 1,000 inputs: each direction costs a loss per bracketing step and per bisection, and 100
 * directions × ~12 losses of 1,000 inputs on a 4-layer model run for minutes on 2 cores.
 */
import { availableParallelism } from 'node:os';
import { renderTable } from '../../cli/format/table.ts';
import { connectModels } from '../../probes/landscape/connect.ts';
import { estimateVolume } from '../../probes/landscape/volume.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { backendBuild, selectBackend } from '../../src/model/backend.ts';
import { initWeights } from '../../src/model/init.ts';
import { reverse } from '../compiler/programs.ts';
import { randomModel } from './probes.bench.ts';

const VOLUME_INPUTS = 300;
const VOLUME_BISECTIONS = 6;

export default async function run(): Promise<void> {
  const vocab = ['a', 'b', 'c', 'd'];
  const task = { vocab, minLen: 1, maxLen: 8 };
  const connectSet = makeProbeSet(reverse(), { ...task, n: 1000, seed: 0 });
  const volumeSet = makeProbeSet(reverse(), { ...task, n: VOLUME_INPUTS, seed: 0 });
  await selectBackend(process.env.RASPLAB_BACKEND ?? 'auto');
  console.log(`backend: ${await backendBuild()}; ${availableParallelism()} cores`);
  const seconds = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return (performance.now() - t0) / 1000;
  };
  const rows: string[][] = [];
  for (const nLayers of [2, 4]) {
    const a = randomModel(vocab, 8, nLayers);
    const b = { ...a, weights: initWeights(a.config, 11) };
    let barrier = 0;
    const connect = await seconds(async () => {
      const r = await connectModels(a, b, [{ name: 'trained', ...task, set: connectSet }], { points: 11 });
      barrier = r.sets[0].barrier.loss;
    });
    rows.push([`${nLayers}`, 'connect (11 points, aligned)', `${connectSet.inputs.length}`, connect.toFixed(2), `barrier ${barrier.toFixed(3)}`]);
    let evaluations = 0;
    const volume = await seconds(async () => {
      const v = await estimateVolume(a, volumeSet, { directions: 100, seed: 0, cutoff: { rise: 0.1 }, bisections: VOLUME_BISECTIONS });
      evaluations = v.directions.reduce((s, d) => s + d.evaluations, 0);
    });
    rows.push([
      `${nLayers}`,
      `volume (100 directions, ${VOLUME_BISECTIONS} bisections)`,
      `${volumeSet.inputs.length}`,
      volume.toFixed(2),
      `${evaluations} losses, ${((1000 * volume) / evaluations).toFixed(1)} ms each`,
    ]);
  }
  console.log(renderTable({ head: ['layers', 'what', 'inputs', 'wall s', ''], rows, compact: true }));
}
