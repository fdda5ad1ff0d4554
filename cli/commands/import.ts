/**
 * `rasplab import --tl STATE.safetensors --config CFG.json -o MODEL.safetensors`: a TransformerLens
 * model (its state dict saved with safetensors, and its HookedTransformerConfig as JSON) becomes a
 * rasplab model file, so every probe, the TUI and the report read it. With --program the model is
 * given the program's task (vocabulary, output classes), so verify, compare and discovery score it.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { jsonProblem, RaspError, UserError } from '../../src/rasp/errors.ts';
import { ceilingOf } from '../../src/rasp/limits.ts';
import type { Value } from '../../src/rasp/values.ts';
import { ioOf, println } from '../format/output.ts';
import { helpExamples } from '../format/invocation.ts';
import { outputNameOption, programOption, vocabOption } from '../options.ts';
import { requiredOption } from '../requiredOption.ts';
import { resolveProgram } from '../resolveProgram.ts';
import { tlConfigPath } from '../../src/model/tlFormat.ts';

interface ImportFlags {
  readonly tl: string;
  readonly config?: string;
  readonly program?: string;
  readonly vocab?: Value[];
  readonly output?: string;
  readonly out: string;
}

export function register(program: Command): void {
  program
    .command('import')
    .summary('make a rasplab model of a TransformerLens state dict and config')
    .description(
      'Read a TransformerLens model — its state dict saved with safetensors (save_file(model.state_dict(), PATH)) and its ' +
        'HookedTransformerConfig as JSON — and write it as a rasplab model file that every probe, the TUI and the report read. ' +
        "Refused, with the reason, when rasplab's forward pass does not compute what TransformerLens would (rotary or other " +
        'positions, gated MLPs, grouped-query attention, RMS norm, per-layer attention scales). Token 0 is BOS; with --program, ' +
        "tokens 1… are the program's vocabulary in order and the logits its output values, so verify and compare score it. " +
        'A file written by `npx rasplab export --tl` comes back with its labels.',
    )
    .addOption(requiredOption('--tl <state>', 'the state dict (.safetensors) of a TransformerLens HookedTransformer'))
    .addOption(new Option('--config <cfg>', 'its HookedTransformerConfig as JSON (default: the state dict path with .json)'))
    .addOption(programOption())
    .addOption(vocabOption())
    .addOption(outputNameOption())
    .addOption(requiredOption('-o, --out <path>', 'where to write the rasplab model (.safetensors)'))
    .addHelpText(
      'after',
      helpExamples(
        'export fixtures/models/reverse.compiled.safetensors --tl reverse.tl.safetensors',
        'import --tl reverse.tl.safetensors --config reverse.tl.json -o reverse.back.safetensors',
        'import --tl reverse.tl.safetensors --program reverse -o reverse.back.safetensors',
      ),
    )
    .action(async (flags: ImportFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const configPath = flags.config ?? tlConfigPath(flags.tl);
      const { readRegularFile } = await import('../../src/rasp/programFile.ts');
      const { modelFileSize, saveModel } = await import('../../src/model/modelFile.ts');
      const { decodeSafetensors } = await import('../../src/model/safetensors.ts');
      const { importTransformerLens } = await import('../../src/model/importTL.ts');
      const read = (path: string, what: string, copies: number) => {
        try {
          return readRegularFile(path, modelFileSize(copies));
        } catch (e) {
          if (e instanceof RaspError) throw new UserError(`${path}: cannot read ${what} (${e.detail})`);
          throw e;
        }
      };
      // float64 state dicts take twice the bytes of the float32 model they hold.
      const bytes = read(flags.tl, 'state dict', 2);
      // A pickle (torch.save's format, in a zip since torch 1.6) is never unpickled: it can run code.
      // (A safetensors file's header length may start with those bytes too, but its JSON header then opens at byte 8.)
      const pickled = (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03);
      if (pickled && bytes[8] !== 0x7b)
        throw new UserError(`${flags.tl}: a torch.save pickle, not safetensors; save it with safetensors.torch.save_file(model.state_dict(), PATH)`);
      const stateDict = decodeSafetensors(bytes, flags.tl, { dtypes: ['F16', 'BF16', 'F64', 'BOOL'] });
      let config: unknown;
      try {
        config = JSON.parse(read(configPath, 'config', 1).toString('utf8'));
      } catch (e) {
        if (e instanceof SyntaxError) throw new UserError(`${configPath}: not valid JSON (${jsonProblem(e)})`);
        throw e;
      }
      let task;
      if (flags.program !== undefined) {
        const prog = await resolveProgram(flags.program, { output: flags.output });
        const vocab = flags.vocab ?? prog.vocab;
        if (!vocab) throw new UserError(`program '${prog.name}' states no vocabulary: give --vocab (token 1 is its first token, token 0 is BOS)`);
        const nCtx = (config as { n_ctx?: unknown } | null)?.n_ctx;
        // (A context past the length ceiling is refused by the import, with its reason; the output's values are not worked out that far.)
        const maxLen = typeof nCtx === 'number' && nCtx > 1 ? Math.min(nCtx - 1, ceilingOf('maxLen')) : (prog.maxLen ?? 1);
        const { programOutputSpec, outputName } = await import('../../src/train/outputSpec.ts');
        const { programLabel } = await import('../../src/model/types.ts');
        task = {
          vocab,
          output: programOutputSpec(prog, vocab, maxLen),
          program: programLabel(prog, outputName(prog)),
        };
      } else if (flags.vocab !== undefined || flags.output !== undefined) throw new UserError('--vocab and --output go with --program');
      const model = importTransformerLens({ stateDict, stateName: flags.tl, config, configName: configPath, task });
      const out = resolve(flags.out);
      saveModel(out, model);
      const sizes = model.config.layers.map((L) => `${L.nHeads}×${L.dHead}${L.dMlp ? `+${L.dMlp}` : ''}`).join(', ');
      println(io.out, `wrote ${flags.out}: ${model.config.layers.length} layers (heads×d_head+d_mlp: ${sizes}), ${model.labels.heads.length} labelled heads`);
    });
}
