/**
 * EAP at scale: one forward and one backward pass over a 4-layer model (4 heads, d_model 32,
 * d_mlp 64 per layer; random weights, reverse's task) and 1,000 inputs. Held to: under 10 s on 2
 * cores. `npm run bench -- discoveryScale` runs it alone.
 */
import { availableParallelism } from 'node:os';
import { discover } from '../../probes/circuit/discover.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { circuitGraph } from '../../src/model/circuitGraph.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { reverse } from '../compiler/programs.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

export default async function run(): Promise<void> {
  console.log(`backend: ${await selectBackend(process.env.RASPLAB_BACKEND ?? 'auto')}; ${availableParallelism()} cores`);
  const vocab = ['a', 'b', 'c', 'd'];
  const config = tinyConfig({
    dModel: 32,
    nCtx: 9,
    vocab: ['BOS', ...vocab],
    layers: Array.from({ length: 4 }, () => ({ nHeads: 4, dHead: 8, dMlp: 64 })),
    output: { encoding: 'categorical', values: vocab },
    causal: false,
  });
  const big = LoadedModel.from(randomModel(config, 7, 0.3));
  try {
    const prog = reverse();
    const task = { vocab, minLen: 1, maxLen: 8 };
    const set = makeProbeSet(prog, { ...task, n: 1000, seed: 0 });
    const [d] = await discover({ model: big, program: prog, set, task }, ['eap'], { faithfulnessPoints: 0 });
    console.log(
      `EAP, 4 layers × 4 heads + MLPs (${circuitGraph(config).edges.length} edges), ${set.inputs.length} inputs: ` +
        `${d.passes} passes (a forward and a backward pass per batch), ${(d.wallMs / 1000).toFixed(2)} s ` +
        `(held to under 10 s on 2 cores: ${d.wallMs < 10_000 ? 'met' : 'missed'} here, on ${availableParallelism()})`,
    );
  } finally {
    big.dispose();
  }
}
