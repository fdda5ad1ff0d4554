/**
 * Circuit discovery: on every compiled library program (decoys added: tests/support/decoys.ts),
 * each method's wall time and forward passes (ACDC's grow with the edges, EAP's are one forward
 * and one backward pass) and its ROC AUC and average precision against the true circuit, for
 * edges and nodes. EAP on a 4-layer model over 1,000 inputs: discoveryScale.bench.ts.
 */
import { availableParallelism } from 'node:os';
import { renderTable } from '../../cli/format/table.ts';
import { discover, type Discovery } from '../../probes/circuit/discover.ts';
import { nodeBaseline } from '../../probes/circuit/nodeBaseline.ts';
import { makeProbeSet, modelTask } from '../../probes/probeSet.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { circuitGraph } from '../../src/model/circuitGraph.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { compiledLibrary } from '../hypotheses/support.ts';
import { withDecoys } from '../support/decoys.ts';
import { libraryNames } from '../support/libraryExamples.ts';

const MAX_LEN = 5;
const INPUTS = 64;

const area = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(3));

export default async function run(): Promise<void> {
  console.log(`backend: ${await selectBackend(process.env.RASPLAB_BACKEND ?? 'auto')}; ${availableParallelism()} cores`);
  console.log(
    `every library program compiled for lengths up to ${MAX_LEN}, a decoy head per layer and a decoy neuron per MLP; ${INPUTS} inputs; ` +
      "each method's default corruption (acdc: mean; eap, eap-ig: resample) unless marked",
  );
  const variants: { label: string; method: 'acdc' | 'eap' | 'eap-ig'; igPath?: 'inputs' | 'edges'; backward?: 'secant' | 'gradient'; corruption?: 'mean' }[] = [
    { label: 'acdc', method: 'acdc' },
    { label: 'eap', method: 'eap' },
    { label: 'eap (mean)', method: 'eap', corruption: 'mean' },
    { label: 'eap (gradient)', method: 'eap', backward: 'gradient' },
    { label: 'eap-ig (inputs)', method: 'eap-ig', igPath: 'inputs' },
    { label: 'eap-ig (edges)', method: 'eap-ig', igPath: 'edges' },
  ];
  const rows: string[][] = [];
  const worst = new Map<string, { node: number; edge: number }>();
  for (const name of libraryNames()) {
    const { program, model: base } = compiledLibrary(name, { maxLen: MAX_LEN });
    const m = LoadedModel.from(withDecoys(base));
    try {
      const task = modelTask(m);
      const set = makeProbeSet(program, { ...task, n: INPUTS, seed: 0 });
      const edges = circuitGraph(m.config).edges.length;
      for (const v of variants) {
        const [d]: Discovery[] = await discover({ model: m, program, set, task }, [v.method], {
          igPath: v.igPath,
          backward: v.backward,
          corruption: v.corruption,
          threshold: 0,
          faithfulnessPoints: 0,
        });
        const a = d.against!;
        rows.push([
          name,
          String(edges),
          v.label,
          d.passes.toString(),
          (d.wallMs / 1000).toFixed(2),
          area(a.nodes.rocAuc),
          area(a.edges.rocAuc),
          area(a.edges.averagePrecision),
        ]);
        const w = worst.get(v.label) ?? { node: 1, edge: 1 };
        worst.set(v.label, { node: Math.min(w.node, Number.isNaN(a.nodes.rocAuc) ? 1 : a.nodes.rocAuc), edge: Math.min(w.edge, a.edges.rocAuc) });
      }
      // The node baseline: the zero-ablation profile (one pass per node, the embeddings together, and the unablated model).
      const t0 = performance.now();
      const b = await nodeBaseline(m, set, 'zero');
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      rows.push([name, String(edges), 'ablation (zero)', String(b.nodes.length), seconds, area(b.against!.rocAuc), '-', '-']);
      const w = worst.get('ablation (zero)') ?? { node: 1, edge: Number.NaN };
      worst.set('ablation (zero)', { node: Math.min(w.node, Number.isNaN(b.against!.rocAuc) ? 1 : b.against!.rocAuc), edge: Number.NaN });
    } finally {
      m.dispose();
    }
  }
  process.stdout.write(
    renderTable({
      head: ['program', 'edges', 'method', 'passes', 'seconds', 'node AUC', 'edge AUC', 'edge AP'],
      rows,
      align: ['left', 'right', 'left', 'right', 'right', 'right', 'right', 'right'],
      compact: true,
    }),
  );
  console.log('node AUC: "-" where every node is in the true circuit (there is nothing to rank below it)');
  for (const [label, w] of worst) console.log(`lowest over the library, ${label}: node AUC ${w.node.toFixed(3)}, edge AUC ${area(w.edge)}`);
}
