/**
 * Probe throughput: wall time of a full ablation sweep (every head, sublayer and layer; zero, mean
 * and resample; then every neuron, zero) and of a full patching sweep (every layer's resid_pre and
 * every component) for 2- and 4-layer models over 1,000 inputs, each run started from the clean
 * stream at the first layer it touches (probes/cleanPrefix.ts: after the attention when it touches
 * only the MLP, with the batch's attention masks made once), then shared among threads, and, for
 * the ratio, from the embedding on one thread as before (on tfjs-wasm's own Slice and SplitV, as
 * then: src/model/wasmCopies.ts; since 2026-12-03 08:00 a patching sweep's clean run there is also
 * the run that fills its caches, one run fewer than then, so the ratio errs low). Running more rows per forward pass (64 to
 * 1,024) changed a 4-layer forward's time per row by under 5% here, so ablations are not batched
 * together along the batch axis.
 */
import { availableParallelism } from 'node:os';
import { ablationSweep, ABLATION_MODES } from '../../probes/ablation.ts';
import { renderTable } from '../../cli/format/table.ts';
import { allComponents } from '../../src/model/components.ts';
import { makeCorruptions } from '../../probes/corruptions.ts';
import { patchSweep } from '../../probes/patching.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { backendBuild, selectBackend } from '../../src/model/backend.ts';
import { withTfjsCopies } from '../../src/model/wasmCopies.ts';
import { BOS, FORMAT_VERSION, type ModelConfig, type ModelData, type WeightArray } from '../../src/model/types.ts';
import { reverse } from '../compiler/programs.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';

/** Issue 19's side-by-side run (2026-12-01, 2 cores): PyTorch, one forward per component, was 1.6–2.4× faster than rasplab's sweeps then. */
const PYTORCH_THEN = [1.6, 2.4] as const;

/** A model of `nLayers` layers (4 heads, d_model 32, d_mlp 64) with seeded random weights (what a learned model looks like before training). */
export function randomModel(vocab: string[], maxLen: number, nLayers: number): ModelData {
  const layers = Array.from({ length: nLayers }, () => ({ nHeads: 4, dHead: 8, dMlp: 64 }));
  const config: ModelConfig = {
    formatVersion: FORMAT_VERSION,
    dModel: 32,
    nCtx: maxLen + 1,
    vocab: [BOS, ...vocab],
    layers,
    output: { encoding: 'categorical', values: vocab },
    normalization: 'none',
    causal: false,
    actFn: 'relu',
    attnScale: Math.sqrt(8),
    origin: 'learned',
  };
  const rng = makeRng(7);
  const w = (shape: number[], scale: number): WeightArray => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale),
  });
  const D = config.dModel;
  const weights = new Map<string, WeightArray>([
    ['embed.W_E', w([vocab.length + 1, D], 1)],
    ['pos_embed.W_pos', w([config.nCtx, D], 1)],
    ['unembed.W_U', w([D, vocab.length], 0.3)],
    ['unembed.b_U', w([vocab.length], 0)],
  ]);
  layers.forEach((L, l) => {
    for (const n of ['Q', 'K', 'V']) {
      weights.set(`blocks.${l}.attn.W_${n}`, w([L.nHeads, D, L.dHead], 0.3));
      weights.set(`blocks.${l}.attn.b_${n}`, w([L.nHeads, L.dHead], 0));
    }
    weights.set(`blocks.${l}.attn.W_O`, w([L.nHeads, L.dHead, D], 0.3));
    weights.set(`blocks.${l}.attn.b_O`, w([D], 0));
    weights.set(`blocks.${l}.mlp.W_in`, w([D, L.dMlp], 0.3));
    weights.set(`blocks.${l}.mlp.b_in`, w([L.dMlp], 0.1));
    weights.set(`blocks.${l}.mlp.W_out`, w([L.dMlp, D], 0.3));
    weights.set(`blocks.${l}.mlp.b_out`, w([D], 0));
  });
  return { config, labels: { residual: [], heads: [], mlps: [] }, weights };
}

export default async function run(): Promise<void> {
  const vocab = ['a', 'b', 'c', 'd'];
  const prog = reverse();
  const task = { vocab, minLen: 1, maxLen: 8 };
  const set = makeProbeSet(prog, { ...task, n: 1000, seed: 0 });
  const pairs = makeCorruptions(prog, set, 'token', task, 0);
  await selectBackend(process.env.RASPLAB_BACKEND ?? 'auto');
  console.log(`backend: ${await backendBuild()}; ${availableParallelism()} cores; ${set.inputs.length} inputs`);
  const seconds = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return (performance.now() - t0) / 1000;
  };
  const rows: string[][] = [];
  const threads = Math.min(availableParallelism(), 4);
  for (const nLayers of [2, 4]) {
    const loaded = LoadedModel.from(randomModel(vocab, 8, nLayers));
    const sweeps: [string, (reuse: boolean, threads: number) => Promise<number>][] = [
      [
        'ablation (zero, mean, resample)',
        async (reuse, threads) => (await ablationSweep(loaded, set, { modes: ABLATION_MODES, reuseCleanPrefix: reuse, threads })).components.length,
      ],
      [
        'ablation (every neuron, zero)',
        async (reuse, threads) =>
          (await ablationSweep(loaded, set, { components: neurons(loaded.config), reuseCleanPrefix: reuse, threads })).components.length,
      ],
      ['patching (resid_pre + components)', async (reuse, threads) => (await patchSweep(loaded, pairs, { reuseCleanPrefix: reuse, threads })).length],
    ];
    for (const [what, sweep] of sweeps) {
      let runs = 0;
      // The path issue 19 measured: from the embedding, on tfjs-wasm's own Slice and SplitV.
      const slow = await seconds(() => withTfjsCopies(() => sweep(false, 1)));
      const fast = await seconds(async () => void (runs = await sweep(true, 1)));
      const shared = await seconds(() => sweep(true, threads));
      const best = Math.min(fast, shared);
      rows.push([
        `${nLayers}`,
        what,
        `${runs}`,
        slow.toFixed(2),
        fast.toFixed(2),
        shared.toFixed(2),
        `${(slow / best).toFixed(2)}×`,
        `${(PYTORCH_THEN[0] * (best / slow)).toFixed(2)}–${(PYTORCH_THEN[1] * (best / slow)).toFixed(2)}×`,
      ]);
    }
    loaded.dispose();
  }
  console.log(
    `sweep wall time: from the embedding on one thread (the path issue 19 measured), from the clean stream on one thread, and on ${threads} threads; ` +
      `vs PyTorch: issue 19 found PyTorch ${PYTORCH_THEN[0]}–${PYTORCH_THEN[1]}× faster than the first, ` +
      'so this is that range times best ÷ first (below 1: faster than PyTorch)',
  );
  console.log(
    renderTable({
      head: ['layers', 'sweep', 'runs', 's from the embedding', 's clean stream', `s on ${threads} threads`, 'faster', 'time vs PyTorch (implied)'],
      rows,
      compact: true,
    }),
  );
}

const neurons = (config: ModelConfig) => allComponents(config, { neurons: true }).filter((c) => c.kind === 'neuron');
