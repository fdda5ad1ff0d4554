/**
 * `rasplab cache MODEL --input "a b c" -o cache.safetensors`: the activation cache of one run, as
 * TransformerLens's run_with_cache names it: every hook point (or those --hooks selects) under its
 * TransformerLens name, in its TransformerLens axis order, batch 1, position 0 being BOS.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import { ioOf, println } from '../format/output.ts';
import { helpExamples } from '../format/invocation.ts';
import { allowNonFiniteOption, backendOption, checkLength, parseInput, type BackendChoice, type ModelFileFlags } from '../options.ts';
import { openModel } from '../openModel.ts';
import { loadModelArg } from '../probeContext.ts';
import { requiredOption } from '../requiredOption.ts';

interface CacheFlags extends ModelFileFlags {
  readonly input: string;
  readonly trueSizes?: boolean;
  readonly hooks?: string;
  readonly out: string;
  readonly backend: BackendChoice;
}

/** A glob over hook names: `*` matches any run of characters, everything else itself. */
function globMatcher(glob: string): (name: string) => boolean {
  const re = new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (name) => re.test(name);
}

export function register(program: Command): void {
  program
    .command('cache')
    .summary("write one run's activations under TransformerLens's hook names (.safetensors)")
    .description(
      "Run MODEL on one input and write every activation it names — TransformerLens's run_with_cache — as a safetensors " +
        'file: one tensor per hook point, named and laid out as in TransformerLens (blocks.0.attn.hook_pattern is ' +
        '[batch, head, query, key]), batch 1, position 0 being BOS. As in TransformerLens, every layer has the common ' +
        'head count, d_head and d_mlp of the export (export --tl: padded heads and neurons are 0, a padded head attends uniformly), ' +
        'and an attention-only model has no hook_resid_mid or hook_mlp_out; --true-sizes keeps each layer at its own sizes instead. ' +
        'Masked attention scores are -inf. The input tokens are in the metadata (rasplab.tokens).',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .addOption(requiredOption('-i, --input <tokens>', 'the input: space-separated tokens, e.g. "a b c d"'))
    .addOption(new Option('--hooks <patterns>', 'only these hook points: comma-separated names or globs, e.g. "blocks.*.attn.hook_pattern,hook_embed"'))
    .addOption(requiredOption('-o, --out <path>', 'where to write the cache (.safetensors)'))
    .option('--true-sizes', "each layer's own head count and widths, rasplab's hook points (not TransformerLens's padded ones)")
    .addOption(backendOption())
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'cache fixtures/models/reverse.compiled.safetensors --input "a b c" -o cache.safetensors',
        'cache fixtures/models/reverse.learned.safetensors --input "a b c" --hooks "blocks.*.attn.hook_pattern" -o patterns.safetensors',
      ),
    )
    .action(async (modelSpec: string, flags: CacheFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const own = await loadModelArg(modelSpec, flags);
      const { asTransformerLensRuns } = await import('../../src/model/exportTL.ts');
      const tl = flags.trueSizes ? { model: own, attnOnly: false } : asTransformerLensRuns(own);
      const model = tl.model;
      const vocab: readonly Value[] = model.config.vocab.slice(1);
      const input = parseInput(flags.input, vocab);
      checkLength(input, model.config.nCtx - 1, `the model's max length (n_ctx - 1)`);
      const { hookNames } = await import('../../src/model/hooks.ts');
      const all = hookNames(model.config).filter((h) => !(tl.attnOnly && /\.hook_(resid_mid|mlp_out)$/.test(h)));
      let names = all;
      if (flags.hooks !== undefined) {
        const globs = flags.hooks.split(',').map((g) => g.trim());
        const none = globs.find((g) => g === '' || !all.some(globMatcher(g)));
        if (none !== undefined) throw new UserError(`--hooks: '${none}' names no hook point of this model (e.g. ${all.slice(0, 3).join(', ')}, …)`);
        const matchers = globs.map(globMatcher);
        names = all.filter((h) => matchers.some((m) => m(h)));
      }
      const { selectBackend } = await import('../../src/model/backend.ts');
      await selectBackend(flags.backend);
      const m = await openModel(model);
      const run = m.runWithCache([input], { names });
      const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
      try {
        for (const name of names) {
          const t = run.cache.get(name)!;
          tensors.set(name, { shape: [...t.shape], data: (await t.data()) as Float32Array });
        }
      } finally {
        run.dispose();
      }
      const { encodeSafetensors } = await import('../../src/model/safetensors.ts');
      const { writeFileAtomic } = await import('../../src/files/atomicWrite.ts');
      writeFileAtomic(flags.out, encodeSafetensors(tensors, { 'rasplab.tokens': JSON.stringify(['BOS', ...input.map(formatValue)]) }));
      println(io.out, `wrote ${tensors.size} activations of ${input.length + 1} positions (BOS first) → ${flags.out}`);
    });
}
