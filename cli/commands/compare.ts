/**
 * `rasplab compare A B [--program P] [--json]`: the alignment summary of two models of one program.
 */
import { Command } from 'commander';
import { formatHead } from '../../src/model/components.ts';
import type { HeadRef } from '../../src/model/types.ts';
import { ablationProfileText, blindSpotFootnotes, markBlind } from '../format/ablation.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { openModel } from '../openModel.ts';
import { addProbeOptions, loadModelArg, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

const ref = (h: HeadRef | null) => (h ? formatHead(h) : '-');

export function register(program: Command): void {
  const cmd = program
    .command('compare')
    .summary('how two models of one program line up: outputs, heads, ablations, probes, pruning, neurons')
    .description(
      'Compare model A (typically compiled) with model B (typically learned) on the program: output agreement on the training lengths and beyond them, ' +
        'the best match in B for each head of A (and, for B trained with --siit, the heads its alignment names), both ablation profiles (zero and mean), ' +
        'the first residual read point at which each variable is linearly decodable, ' +
        'global magnitude-pruning curves and neuron sparsity.',
    )
    .argument('<a>', 'first model file')
    .argument('<b>', 'second model file');
  addProbeOptions(cmd)
    .addHelpText(
      'after',
      helpExamples(
        'compare fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors',
        'compare fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors --samples 100 --json',
      ),
    )
    .action(async (aSpec: string, bSpec: string, flags: ProbeFlags, c: Command) => {
      const b = await loadModelArg(bSpec, flags);
      const ctx = await probeContext(aSpec, flags, c, { spec: bSpec, data: b });
      const { compareModels } = await import('../../probes/compare.ts');
      const r = await compareModels(ctx.model, await openModel(b), ctx.program, { samples: flags.samples, seed: flags.seed, tolerance: flags.tolerance });
      const ablation = { a: ablationProfileText(r.ablation.a), b: ablationProfileText(r.ablation.b) };
      if (flags.json) return void ctx.io.out(formatJson({ ...r, ablation, note: ctx.note }));
      const out = ctx.io.out;
      if (ctx.note) println(out, `note: ${ctx.note}`);
      const agree = (o: typeof r.outputs.inRange | null, what: string) =>
        o ? [what, `${o.minLen}–${o.maxLen}`, o.inputs, pct(o.agreement), pct(o.aExact), pct(o.bExact)] : [what, '-', 0, '-', '-', '-'];
      println(out, `program ${r.program}: outputs`);
      out(
        renderTable({
          head: ['lengths', 'range', 'inputs', 'A = B', 'A exact', 'B exact'],
          rows: [agree(r.outputs.inRange, 'trained'), agree(r.outputs.outOfRange, 'beyond')],
          compact: true,
        }),
      );
      const aligned = r.heads.matches.some((m) => m.aligned);
      println(out, `heads of A and their best match in B${aligned ? ", and the heads B's alignment names for them" : ''}:`);
      out(
        renderTable({
          head: ['A head', 'implements', 'B head', 'similarity', 'matched', ...(aligned ? ['aligned in B (similarity)'] : [])],
          rows: r.heads.matches.map((m) => [
            ref(m.head),
            m.expr ?? '',
            ref(m.best),
            m.similarity.toFixed(3),
            m.matched ? 'yes' : 'no',
            ...(aligned ? [m.aligned?.length ? m.aligned.map((x) => `${ref(x.head)} (${x.similarity.toFixed(3)})`).join(', ') : '-'] : []),
          ]),
          compact: true,
        }),
      );
      println(out, 'ablation (exact match when ablated):');
      const names = [...new Set([...ablation.a.components, ...ablation.b.components].map((x) => `${x.component} ${x.mode}`))];
      const find = (p: typeof ablation.a, k: string) => p.components.find((x) => `${x.component} ${x.mode}` === k);
      out(
        renderTable({
          head: ['component', 'A', 'B'],
          rows: names.map((k) => {
            const mode = (find(ablation.a, k) ?? find(ablation.b, k))!.mode;
            return [k, markBlind(pct(find(ablation.a, k)?.exactMatch), mode), markBlind(pct(find(ablation.b, k)?.exactMatch), mode)];
          }),
          compact: true,
        }),
      );
      for (const note of blindSpotFootnotes([...ablation.a.components, ...ablation.b.components].map((x) => x.mode))) println(out, note);
      println(out, 'first read point where each variable is linearly decodable:');
      out(renderTable({ head: ['variable', 'A', 'B'], rows: r.decodable.map((d) => [d.variable, d.a ?? '-', d.b ?? '-']), compact: true }));
      println(out, 'global magnitude pruning (exact match):');
      out(
        renderTable({
          head: ['sparsity', 'A', 'B'],
          rows: r.pruning.a.points.map((p, i) => [pct(p.sparsity), pct(p.exactMatch), pct(r.pruning.b.points[i]?.exactMatch)]),
          compact: true,
        }),
      );
      println(out, 'neurons (dead / total, mean share active):');
      const nrow = (ls: typeof r.neurons.a) => ls.map((l) => `L${l.layer} ${l.dead}/${l.dMlp} ${pct(l.meanFractionActive)}`).join(', ') || 'no MLPs';
      println(out, `  A: ${nrow(r.neurons.a)}`);
      println(out, `  B: ${nrow(r.neurons.b)}`);
    });
}
