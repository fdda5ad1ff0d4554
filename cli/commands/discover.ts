/**
 * `rasplab discover MODEL [--method acdc|eap|eap-ig|all] [--level node|edge] [--threshold τ]
 * [--against COMPILED] [--json]`: automated circuit discovery, scored against the true circuit
 * where the model is compiled, and mapped onto a compiled model's circuit where it is learned.
 */
import { Command, Option } from 'commander';
import type { CircuitComparison, NodeMapping } from '../../probes/circuit/against.ts';
import type { Discovery } from '../../probes/circuit/discover.ts';
import type { NodeBaseline } from '../../probes/circuit/nodeBaseline.ts';
import { ABLATION_MODES, type AblationMode } from '../../probes/ablationModes.ts';
import { areaText, circuitGraphText, scoreText } from '../format/circuit.ts';
import { helpExamples } from '../format/invocation.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { pct } from '../format/percent.ts';
import { renderTable } from '../format/table.ts';
import { openModel } from '../openModel.ts';
import { UserError } from '../../src/rasp/errors.ts';
import { addProbeOptions, loadModelArg, probeContext, type ProbeFlags } from '../probeContext.ts';

const METHODS = ['acdc', 'eap', 'eap-ig', 'all'] as const;

interface DiscoverFlags extends ProbeFlags {
  readonly method: (typeof METHODS)[number];
  readonly level: 'node' | 'edge';
  readonly threshold?: number;
  readonly metric?: 'kl' | 'loss';
  readonly corruption?: string;
  readonly steps: number;
  readonly igPath: 'inputs' | 'edges';
  readonly backward: 'secant' | 'gradient';
  readonly node: string[];
  readonly against?: string;
  readonly baseline?: AblationMode;
  readonly neurons?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function parseThreshold(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || Number.isNaN(x)) throw new UserError(`--threshold must be a number, got '${text}'`);
  return x;
}

function parseSteps(text: string): number {
  const x = Number(text);
  if (!Number.isInteger(x) || x < 1 || x > 100) throw new UserError(`--steps must be a whole number from 1 to 100, got '${text}'`);
  return x;
}

function summaryLine(d: Discovery): string {
  const tau = d.method === 'acdc' ? `τ ${d.threshold}` : `τ ${d.threshold} × top score, backward ${d.backward}`;
  const nodes = d.circuit.nodes.length;
  return (
    `${d.method} (metric ${d.metric}, corruption ${d.corruption}, ${tau}): ` +
    `${d.circuit.edges.length} of ${d.edges.length} edges, ${nodes} node${nodes === 1 ? '' : 's'}; ` +
    `exact match ${pct(d.exactMatch.circuit)} with the circuit alone (full model ${pct(d.exactMatch.full)}); ` +
    `${d.passes} passes, ${(d.wallMs / 1000).toFixed(2)} s`
  );
}

function againstLine(d: Discovery): string | null {
  if (!d.against) return null;
  const { edges, nodes } = d.against;
  return (
    `  against the true circuit (${edges.positives} edges, ${nodes.positives} nodes): edges ROC AUC ${areaText(edges.rocAuc)}, ` +
    `average precision ${areaText(edges.averagePrecision)}; nodes ROC AUC ${areaText(nodes.rocAuc)}, average precision ${areaText(nodes.averagePrecision)}`
  );
}

const mark = (x: boolean | undefined) => (x === undefined ? '-' : x ? 'yes' : 'no');

function printDiscovery(out: (s: string) => void, d: Discovery, level: 'node' | 'edge', only: ReadonlySet<string> | null): void {
  println(out, summaryLine(d));
  const a = againstLine(d);
  if (a) println(out, a);
  if (level === 'edge') {
    const rows = d.edges
      .filter((e) => e.inCircuit || e.inTrue)
      .filter((e) => !only || only.has(e.sender) || only.has(e.receiver))
      .map((e) => [e.edge, scoreText(e.score), mark(e.inCircuit), mark(e.inTrue)]);
    out(renderTable({ head: ['edge', 'score', 'circuit', 'true'], rows, align: ['left', 'right', 'left', 'left'], compact: true }));
  } else {
    const rows = d.nodes.filter((n) => !only || only.has(n.node)).map((n) => [n.node, scoreText(n.score), mark(n.inCircuit), mark(n.inTrue)]);
    out(renderTable({ head: ['node', 'score', 'circuit', 'true'], rows, align: ['left', 'right', 'left', 'left'], compact: true }));
  }
  println(out, 'circuit (receiver ← senders):');
  out(circuitGraphText(d));
  if (d.faithfulness.length)
    println(out, `faithfulness (top edges kept: exact match ÷ the full model's): ${d.faithfulness.map((p) => `${p.edges} ${pct(p.faithfulness)}`).join(', ')}`);
}

function printBaseline(out: (s: string) => void, b: NodeBaseline, only: ReadonlySet<string> | null): void {
  const a = b.against;
  const scored = a ? `; against the true circuit (${a.positives} nodes): ROC AUC ${areaText(a.rocAuc)}, average precision ${areaText(a.averagePrecision)}` : '';
  println(out, `node baseline (${b.mode} ablation of each node alone: the loss's rise)${scored}`);
  const rows = b.nodes.filter((n) => !only || only.has(n.node)).map((n) => [n.node, scoreText(n.score), mark(n.inCircuit), mark(n.inTrue)]);
  out(renderTable({ head: ['node', 'rise', 'matters', 'true'], rows, align: ['left', 'right', 'left', 'left'], compact: true }));
}

const MAPPING_TEXT = {
  'head match': "heads by compare's head matching, MLPs by layer",
  probes: 'by linear probes: each compiled node onto the learned node of its kind whose output decodes the variable it writes best, if it reaches 90% held out',
};

function mappedNode(n: NodeMapping): string {
  const tied = n.tied?.length ? `, as ${n.tied.length === 1 ? 'does' : 'do'} ${n.tied.join(', ')}` : '';
  const below = () => ` (${n.variable}: at most ${pct(n.accuracy!)}, from ${n.closest})`;
  const probe = n.accuracy === undefined ? '' : n.learned ? ` (${n.variable} ${pct(n.accuracy)}${tied})` : below();
  return `${n.compiled} → ${n.learned ?? 'none'}${probe}`;
}

/** Which compiled edges the learned circuit has, lacks or adds, under each mapping of compiled nodes onto learned ones: one column per mapping. */
function printComparisons(out: (s: string) => void, cs: readonly CircuitComparison[], compiledSpec: string): void {
  println(out, `against ${compiledSpec}:`);
  for (const c of cs) {
    const mapped = c.nodes.filter((n) => n.by !== 'itself').map(mappedNode);
    const by = c.mapping === 'probes' ? 'probes' : 'head matching';
    println(out, `  nodes mapped by ${by} (${MAPPING_TEXT[c.mapping]}): ${mapped.join(', ') || 'nothing to map'}`);
  }
  const cell = (c: CircuitComparison, compiled: string) => {
    const has = c.has.find((e) => e.compiled === compiled);
    if (has) return `has ${has.learned}`;
    const lacks = c.lacks.find((e) => e.compiled === compiled)!;
    return `lacks ${lacks.learned ?? '(no such edge)'}`;
  };
  const compiledEdges = [...cs[0].has, ...cs[0].lacks].map((e) => ({ edge: e.compiled, via: e.via }));
  const order = new Map(compiledEdges.map((e, i) => [e.edge, i]));
  compiledEdges.sort((a, b) => order.get(a.edge)! - order.get(b.edge)!);
  const added = [...new Set(cs.flatMap((c) => c.adds))];
  const rows = [
    ...compiledEdges.map((e) => [e.edge, e.via.join(', '), ...cs.map((c) => cell(c, e.edge))]),
    ...added.map((e) => ['-', '', ...cs.map((c) => (c.adds.includes(e) ? `adds ${e}` : '-'))]),
  ];
  const heads = cs.map((c) => (c.mapping === 'probes' ? 'by probes' : 'by head matching'));
  out(renderTable({ head: ['compiled edge', 'carries', ...heads], rows, compact: true }));
}

export function register(program: Command): void {
  const cmd = program
    .command('discover')
    .summary('find the circuit that computes the output (ACDC, EAP, EAP-IG), scored against the true one where it is known')
    .description(
      'Circuit discovery on the computational graph (nodes: embed, pos_embed, every head L.H, every MLP mlpL, logits; an edge from each ' +
        "node to each later reader, through a head's q, k or v, an MLP's input or the logits). Patching an edge replaces its sender's " +
        'contribution to that one input with the corrupted value: what the sender wrote at a position drawn at random from the probe inputs ' +
        "(--corruption resample, the default for eap and eap-ig: another token at another position; BOS from a BOS), or each sender's mean " +
        'over the probe inputs and positions (mean, the default for acdc; the token embedding: per position), or the partner inputs patch draws ' +
        '(token, length, variable:NAME). ' +
        'ACDC tries every edge, receivers from the logits back, and leaves out those whose patching raises the metric by at most τ ' +
        '(default metric: KL divergence to the clean output); EAP scores every edge at once from one forward and one backward pass ' +
        "(the metric's first-order change; default metric: the task's loss) and keeps edges scoring at least τ × the top score; " +
        'EAP-IG averages its gradient over --steps interpolations from corrupt to clean (--ig-path inputs: the input embeddings; edges: every edge). ' +
        'Both cross each softmax and MLP activation backwards by its secant between the clean and the corrupted run (--backward secant), ' +
        'so a saturated attention or a flat ReLU passes on the change it makes; --backward gradient takes the plain derivative. ' +
        'On a compiled model the true circuit (from its weights) scores each method: ROC AUC and average precision over every threshold, for ' +
        "edges and nodes, and the faithfulness of the top-k circuits. --against COMPILED maps a learned model's circuit onto the compiled " +
        "model's true one, twice (compiled nodes onto learned ones by compare's head matching, and by linear probes: onto the learned node " +
        'whose output best decodes the variable the compiled node writes), and says which compiled edges it has, lacks or adds under each. ' +
        '--neurons splits each MLP into its neurons (mlp0.n3), ' +
        "each a node with its own edges; on a compiled model the true circuit is then its weights' neurons, " +
        'less those the corruption leaves as they were on every input ' +
        '(one that never fires; resampled, one that writes the same at every position, so no draw changes it).',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(new Option('--method <m>', 'acdc, eap, eap-ig or all').choices(METHODS).default('acdc'))
    .addOption(new Option('--level <l>', 'list edges or nodes').choices(['node', 'edge']).default('edge'))
    .addOption(
      new Option(
        '--threshold <τ>',
        'acdc: the rise in the metric an edge must cause (≥ 0); eap, eap-ig: the share of the top score (0 … 1); default 0.01',
      ).argParser(parseThreshold),
    )
    .addOption(new Option('--metric <m>', 'kl (default for acdc) or loss (default for eap, eap-ig)').choices(['kl', 'loss']))
    .addOption(new Option('--corruption <kind>', 'resample, mean, token, length or variable:NAME (default: mean for acdc, resample for eap, eap-ig)'))
    .addOption(new Option('--steps <k>', 'eap-ig: interpolation steps').argParser(parseSteps).default(5))
    .addOption(new Option('--ig-path <p>', 'eap-ig: what is interpolated').choices(['inputs', 'edges']).default('inputs'))
    .addOption(
      new Option(
        '--backward <b>',
        "eap, eap-ig: cross each softmax and MLP activation by its secant to the corrupted run's (secant) or by its slope (gradient: 0 where saturated)",
      )
        .choices(['secant', 'gradient'])
        .default('secant'),
    )
    .option('--neurons', 'each MLP neuron a node of the graph (mlp0.n3), scored against the compiled weights’ neurons')
    .addOption(new Option('--node <name>', 'list only what touches this node (repeatable)').argParser(collect).default([]))
    .addOption(
      new Option('--against <compiled>', "a compiled model of the program: map this model's circuit onto its true one (by head matching and by probes)"),
    )
    .addOption(
      new Option('--baseline <mode>', "also the node-level baseline: each node ablated alone (zero, mean or resample), the loss's rise as its score").choices(
        ABLATION_MODES,
      ),
    )
    .addHelpText(
      'after',
      helpExamples(
        'discover fixtures/models/reverse.compiled.safetensors --samples 100',
        'discover fixtures/models/reverse.compiled.safetensors --method all --level node --samples 100',
        'discover fixtures/models/reverse.compiled.safetensors --method eap-ig --threshold 0.001 --samples 50 --json',
        'discover fixtures/models/reverse.learned.safetensors --against fixtures/models/reverse.compiled.safetensors --samples 100',
        'discover fixtures/models/reverse.compiled.safetensors --method eap --baseline zero --samples 100',
        'discover fixtures/models/reverse.compiled.safetensors --method eap --backward gradient --samples 100',
        'discover fixtures/models/reverse.compiled.safetensors --neurons --method eap --level node --samples 30',
      ),
    )
    .action(async (modelSpec: string, flags: DiscoverFlags, c: Command) => {
      const { parseDiscoveryCorruption, checkThreshold, DEFAULT_THRESHOLD, knownCircuit } = await import('../../probes/circuit/discover.ts');
      const { circuitGraph, parseNode, nodeName } = await import('../../src/model/circuitGraph.ts');
      // Every flag is checked before the models load and the backend starts.
      const methods = flags.method === 'all' ? (['acdc', 'eap', 'eap-ig'] as const) : ([flags.method] as const);
      const threshold = flags.threshold ?? DEFAULT_THRESHOLD;
      for (const m of methods) checkThreshold(m, threshold);
      const corruption = flags.corruption === undefined ? undefined : parseDiscoveryCorruption(flags.corruption);
      if (flags.neurons && flags.against !== undefined) throw new UserError('--neurons goes without --against (the compiled circuit is mapped MLP by MLP)');
      if (flags.neurons && flags.baseline !== undefined) throw new UserError('--neurons goes without --baseline (the ablation profile scores whole MLPs)');
      const data = await loadModelArg(modelSpec, flags);
      const graph = circuitGraph(data.config, { neurons: flags.neurons });
      const only = flags.node.length ? new Set(flags.node.map((n) => nodeName(graph.nodes[parseNode(graph, n, '--node')]))) : null;
      const compiledData = flags.against !== undefined ? await loadModelArg(flags.against, flags) : undefined;
      const truth = compiledData ? knownCircuit(compiledData) : null;
      if (compiledData && !truth) throw new UserError(`--against ${flags.against}: not a compiled model (its file records no true circuit)`);
      const ctx = await probeContext(modelSpec, flags, c, compiledData ? { spec: flags.against!, data: compiledData } : undefined);
      const { discover } = await import('../../probes/circuit/discover.ts');
      const results = await discover(ctx, methods, {
        metric: flags.metric,
        threshold,
        steps: flags.steps,
        igPath: flags.igPath,
        backward: flags.backward,
        corruption,
        seed: flags.seed,
        neurons: flags.neurons,
      });
      let comparisons: { readonly byHeads: CircuitComparison; readonly byProbes: CircuitComparison }[] | null = null;
      if (compiledData && truth) {
        const { headSimilarity, matchHeads } = await import('../../probes/headSimilarity.ts');
        const { compareCircuits, headMatchMapping } = await import('../../probes/circuit/against.ts');
        const { probeMapping } = await import('../../probes/circuit/probeMapping.ts');
        const compiled = await openModel(compiledData);
        const matches = matchHeads(await headSimilarity(compiled, ctx.model, ctx.set.inputs), compiled);
        const byHeads = headMatchMapping(compiled.config, ctx.model.config, matches);
        const byProbes = await probeMapping(compiledData, ctx.model, ctx.program, ctx.set, { seed: flags.seed });
        comparisons = results.map((d) => ({
          byHeads: compareCircuits(truth, compiled.config, ctx.model.config, d.circuit.edges, 'head match', byHeads),
          byProbes: compareCircuits(truth, compiled.config, ctx.model.config, d.circuit.edges, 'probes', byProbes),
        }));
      }
      let baseline: NodeBaseline | null = null;
      if (flags.baseline !== undefined) {
        const { nodeBaseline } = await import('../../probes/circuit/nodeBaseline.ts');
        baseline = await nodeBaseline(ctx.model, ctx.set, flags.baseline, { seed: flags.seed });
      }
      if (flags.json)
        return void ctx.io.out(
          formatJson({
            note: ctx.note,
            results,
            ...(comparisons ? { against: comparisons.map((c) => c.byHeads), againstByProbes: comparisons.map((c) => c.byProbes) } : {}),
            ...(baseline ? { baseline } : {}),
          }),
        );
      const out = ctx.io.out;
      if (ctx.note) println(out, `note: ${ctx.note}`);
      println(out, `${ctx.program.name}: ${results[0].inputs} inputs`);
      results.forEach((d, i) => {
        if (i > 0) println(out, '');
        printDiscovery(out, d, flags.level, only);
        if (comparisons) printComparisons(out, [comparisons[i].byHeads, comparisons[i].byProbes], flags.against!);
      });
      if (baseline) {
        println(out, '');
        printBaseline(out, baseline, only);
      }
    });
}
