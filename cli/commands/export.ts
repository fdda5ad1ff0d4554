/**
 * `rasplab export MODEL --tl OUT.safetensors`: the model as a TransformerLens state dict (OUT.safetensors)
 * and a HookedTransformerConfig (OUT.json), loaded with `HookedTransformer(cfg)` and
 * `load_state_dict(..., strict=True)`. Reads the file only (no tfjs).
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { println, ioOf } from '../format/output.ts';
import { allowNonFiniteOption, type ModelFileFlags } from '../options.ts';
import { loadModelArg } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { tlConfigPath } from '../../src/model/tlFormat.ts';

export function register(program: Command): void {
  program
    .command('export')
    .summary('write a model for TransformerLens (state dict + HookedTransformerConfig)')
    .description(
      'Write MODEL as a TransformerLens state dict (safetensors) and, beside it, its HookedTransformerConfig as JSON ' +
        '(OUT.json for OUT.safetensors), for TransformerLens 3.5: HookedTransformer(HookedTransformerConfig(**cfg)) then ' +
        'load_state_dict(load_file(OUT), strict=True). Layers are padded to one head count and width (padding computes 0); ' +
        "rasplab's vocabulary, output, labels and which heads and neurons are padding are in the file's metadata. " +
        'Token 0 is BOS and must start every input. See examples/load_in_transformerlens.py.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .addOption(new Option('--tl <out>', 'where to write the state dict (a .safetensors path; the config goes to the same name with .json)'))
    .addOption(allowNonFiniteOption())
    .addHelpText(
      'after',
      helpExamples(
        'export fixtures/models/reverse.compiled.safetensors --tl reverse.tl.safetensors',
        'export fixtures/models/reverse.learned.safetensors --tl learned.tl.safetensors',
      ),
    )
    .action(async (modelSpec: string, flags: { tl?: string } & ModelFileFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.tl === undefined) throw new UserError('export needs a format and a destination: --tl OUT.safetensors');
      if (!flags.tl.endsWith('.safetensors'))
        throw new UserError(`--tl ${flags.tl}: the state dict file must end in .safetensors (its config goes beside it as .json)`);
      const model = await loadModelArg(modelSpec, flags);
      const { encodeTransformerLens } = await import('../../src/model/exportTL.ts');
      const { writeFileAtomic } = await import('../../src/files/atomicWrite.ts');
      const files = encodeTransformerLens(model);
      const configPath = tlConfigPath(flags.tl);
      writeFileAtomic(flags.tl, files.safetensors);
      writeFileAtomic(configPath, files.config);
      println(io.out, `wrote ${flags.tl} (state dict) and ${configPath} (HookedTransformerConfig), for TransformerLens 3.5`);
      println(io.out, `token 0 is BOS: start every input with it; the other ids are metadata 'rasplab.tokens' (${model.config.vocab.length} tokens)`);
    });
}
