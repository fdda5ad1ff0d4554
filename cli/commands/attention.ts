/**
 * `rasplab attention MODEL --input "a b c"`: every head's pattern on one input.
 * `rasplab attention MODEL --against OTHER`: head-by-head similarity (mean 1 − JSD) and, for each
 * head of MODEL, the best match in OTHER.
 */
import { Command, Option } from 'commander';
import { formatValue } from '../../src/rasp/values.ts';
import { formatHead } from '../../src/model/components.ts';
import type { HeadRef } from '../../src/model/types.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { checkLength, parseInput } from '../options.ts';
import { openModel } from '../openModel.ts';
import { addProbeOptions, loadModelArg, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

interface AttentionFlags extends ProbeFlags {
  readonly input?: string;
  readonly against?: string;
  readonly threshold: number;
}

const ref = (h: HeadRef | null) => (h ? formatHead(h) : '-');

export function register(program: Command): void {
  const cmd = program
    .command('attention')
    .summary('attention patterns, and head matching between two models')
    .description(
      "With --input: print every head's attention pattern (rows: query positions, columns: keys; BOS first). " +
        'With --against OTHER: compare every head with every head of OTHER on probe inputs (mean over real-token queries of 1 − Jensen–Shannon divergence) ' +
        'and name, for each head of MODEL, the most similar head of OTHER; it counts as a match at --threshold or above.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd, { scoresOutputs: false })
    .addOption(new Option('-i, --input <tokens>', 'one input, space-separated tokens'))
    .addOption(new Option('--against <other>', 'a second model file to match heads against'))
    .addOption(new Option('--threshold <x>', 'similarity that counts as a match').argParser(Number).default(0.9))
    .addHelpText(
      'after',
      helpExamples(
        'attention fixtures/models/reverse.compiled.safetensors --input "a b c"',
        'attention fixtures/models/reverse.compiled.safetensors --against fixtures/models/reverse.learned.safetensors --json',
      ),
    )
    .action(async (modelSpec: string, flags: AttentionFlags, c: Command) => {
      if (flags.input !== undefined && flags.against === undefined) {
        const { ioOf } = await import('../format/output.ts');
        const io = ioOf(c);
        const model = await loadModelArg(modelSpec, flags);
        const input = parseInput(flags.input, model.config.vocab.slice(1));
        checkLength(input, model.config.nCtx - 1, "the model's max length (n_ctx - 1)");
        const { selectBackend } = await import('../../src/model/backend.ts');
        const backend = await selectBackend(flags.backend);
        if (!flags.json) io.err(`backend: ${backend}\n`);
        const { attentionPatterns } = await import('../../probes/attention.ts');
        const [r] = await attentionPatterns(await openModel(model), [input]);
        if (flags.json) return void io.out(formatJson(r));
        const labels = ['BOS', ...input.map(formatValue)];
        for (const h of r.heads) {
          const label = model.labels.heads.find((l) => l.layer === h.layer && l.head === h.head);
          println(io.out, `head ${formatHead(h)}${label ? `  ${label.expr}` : ''}`);
          io.out(renderTable({ head: ['q \\ k', ...labels], rows: h.pattern.map((row, q) => [labels[q], ...row.map((x) => x.toFixed(2))]), compact: true }));
        }
        return;
      }
      if (flags.against === undefined) {
        const { UserError } = await import('../../src/rasp/errors.ts');
        throw new UserError('give --input "TOKENS" to see patterns, or --against OTHER.safetensors to match heads');
      }
      const other = await loadModelArg(flags.against, flags);
      const ctx = await probeContext(modelSpec, flags, c, { spec: flags.against, data: other });
      if (ctx.note && !flags.json) ctx.io.err(`note: ${ctx.note}\n`);
      const { headSimilarity, matchHeads } = await import('../../probes/headSimilarity.ts');
      const sim = await headSimilarity(ctx.model, await openModel(other), ctx.set.inputs);
      const matches = matchHeads(sim, ctx.model, flags.threshold);
      if (flags.json) return void ctx.io.out(formatJson({ similarity: sim, matches }));
      ctx.io.out(
        renderTable({
          head: ['', ...sim.headsB.map(ref)],
          rows: sim.similarity.map((row, i) => [ref(sim.headsA[i]), ...row.map((x) => x.toFixed(3))]),
          compact: true,
        }),
      );
      ctx.io.out(
        renderTable({
          head: ['head', 'implements', 'best match', 'similarity', 'matched'],
          rows: matches.map((m) => [ref(m.head), m.expr ?? '', ref(m.best), m.similarity.toFixed(3), m.matched ? 'yes' : 'no']),
          compact: true,
        }),
      );
    });
}
