/**
 * `rasplab train PROGRAM -o learned.safetensors`: fits a learned transformer to a program's behaviour.
 * Flags become `TrainFlags` here; every check and the run itself live in src/train (imported lazily,
 * so `--help` does not load tfjs).
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { ThreadCount } from '../../src/threads/count.ts';
import { DEFAULT_FLAGS, validateTrainFlags, type ArchFlags, type TrainFlags } from '../../src/train/options.ts';
import { setExitCode } from '../errors.ts';
import { ioOf, type CliIo } from '../format/output.ts';
import {
  allowNonFiniteOption,
  backendOption,
  maxLenOption,
  outputNameOption,
  seedOption,
  threadsOption,
  toleranceOption,
  vocabOption,
  type BackendChoice,
} from '../options.ts';
import { trainAtTerminal } from '../trainRun.ts';
import { printNotes, resolveProgram } from '../resolveProgram.ts';
import { helpExamples } from '../format/invocation.ts';
import { requiredOption } from '../requiredOption.ts';
import { DEFAULT_CBFT_LAMBDA, validateCbft } from '../../src/train/cbft.ts';

/** Options as commander hands them over (strings where the user typed them). */
export interface RawTrainOptions {
  vocab?: Value[];
  minLen?: string;
  maxLen?: number;
  layers?: string;
  heads?: string;
  dModel?: string;
  dHead?: string;
  dMlp?: string;
  attnOnly?: boolean;
  layernorm?: boolean;
  causal?: boolean;
  act?: string;
  steps?: string;
  batch?: string;
  lr?: string;
  weightDecay?: string;
  warmup?: string;
  decay?: string;
  clip?: string;
  seed?: number;
  andMask?: string;
  dataFraction?: string;
  initFrom?: string;
  shapeOf?: string;
  cbft?: string;
  cbftLambda?: string;
  targetAcc?: string;
  tolerance?: number;
  testLengths?: string;
  testSize?: string;
  evalEvery?: string;
  logEvery?: string;
  checkpointEvery?: string;
  resume?: boolean;
  backend?: BackendChoice;
  threads?: ThreadCount;
  allowNonfinite?: boolean;
  /** The model file to write. */
  out?: string;
  /** The s-op to learn (default: the program's output). */
  output?: string;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new UserError(`${flag} expects a number, got '${text}'`);
  return v;
}

/** Turns raw flags into TrainFlags (validation happens in `train`). `defaults`: the --init-from model's vocabulary and length, else the program header's. */
export function toTrainFlags(o: RawTrainOptions, defaults: { vocab?: readonly Value[]; maxLen?: number } = {}): TrainFlags {
  const maxLen = o.maxLen ?? defaults.maxLen;
  if (maxLen === undefined) throw new UserError('give --max-len (the program states no default)');
  if (o.initFrom !== undefined && o.shapeOf !== undefined)
    throw new UserError('give --init-from or --shape-of, not both: a fine-tuned model has its initial model’s shape already');
  const shapeFlag = o.initFrom !== undefined ? '--init-from' : o.shapeOf !== undefined ? '--shape-of' : undefined;
  const hasArch = shapeFlag === undefined;
  if (!hasArch && (o.layers ?? o.heads ?? o.dModel ?? o.dMlp ?? o.dHead) !== undefined)
    throw new UserError(`${shapeFlag} takes the architecture from the model: drop --layers/--heads/--d-model/--d-mlp/--d-head`);
  if (!hasArch && (o.attnOnly || o.layernorm || o.causal || o.act !== undefined))
    throw new UserError(`${shapeFlag} takes the architecture from the model: drop --attn-only/--layernorm/--causal/--act`);
  let arch: ArchFlags | undefined;
  if (hasArch) {
    if (o.layers === undefined || o.heads === undefined || o.dModel === undefined)
      throw new UserError('give the model size: --layers, --heads and --d-model (or --init-from or --shape-of a model)');
    if (o.act !== undefined && o.act !== 'relu' && o.act !== 'gelu') throw new UserError(`--act must be relu or gelu, got '${o.act}'`);
    arch = {
      layers: number('--layers', o.layers)!,
      heads: number('--heads', o.heads)!,
      dModel: number('--d-model', o.dModel)!,
      dHead: number('--d-head', o.dHead),
      dMlp: number('--d-mlp', o.dMlp),
      attnOnly: Boolean(o.attnOnly),
      layernorm: Boolean(o.layernorm),
      causal: Boolean(o.causal),
      actFn: o.act as 'relu' | 'gelu' | undefined,
    };
  }
  const decay = o.decay ?? DEFAULT_FLAGS.decay;
  if (decay !== 'cosine' && decay !== 'linear' && decay !== 'constant') throw new UserError(`--decay must be cosine, linear or constant, got '${decay}'`);
  return {
    vocab: o.vocab ?? defaults.vocab,
    minLen: number('--min-len', o.minLen) ?? DEFAULT_FLAGS.minLen,
    maxLen,
    testLengths: o.testLengths ? o.testLengths.split(',').map((t) => number('--test-lengths', t)!) : [],
    arch,
    steps: number('--steps', o.steps) ?? DEFAULT_FLAGS.steps,
    batch: number('--batch', o.batch) ?? DEFAULT_FLAGS.batch,
    lr: number('--lr', o.lr) ?? DEFAULT_FLAGS.lr,
    weightDecay: number('--weight-decay', o.weightDecay) ?? DEFAULT_FLAGS.weightDecay,
    warmup: number('--warmup', o.warmup),
    decay,
    clipNorm: number('--clip', o.clip) ?? DEFAULT_FLAGS.clipNorm,
    seed: o.seed ?? DEFAULT_FLAGS.seed,
    andMask: number('--and-mask', o.andMask),
    dataFraction: number('--data-fraction', o.dataFraction),
    targetAcc: number('--target-acc', o.targetAcc),
    tolerance: o.tolerance,
    testSize: number('--test-size', o.testSize) ?? DEFAULT_FLAGS.testSize,
    evalEvery: number('--eval-every', o.evalEvery) ?? DEFAULT_FLAGS.evalEvery,
    logEvery: number('--log-every', o.logEvery) ?? DEFAULT_FLAGS.logEvery,
    checkpointEvery: number('--checkpoint-every', o.checkpointEvery) ?? DEFAULT_FLAGS.checkpointEvery,
  };
}

async function runTrain(programArg: string, o: RawTrainOptions, io: CliIo): Promise<number> {
  if (!o.out) throw new UserError('give the file to write the learned model to with -o (e.g. -o learned.safetensors)');
  const out = resolve(o.out);
  if (o.cbft !== undefined && o.initFrom !== undefined) throw new UserError('give --cbft or --init-from, not both: --cbft fine-tunes from its model');
  if (o.cbft === undefined && o.cbftLambda !== undefined) throw new UserError('--cbft-lambda goes with --cbft');
  // --cbft FROM fine-tunes from FROM, as --init-from FROM does; its barrier term is the difference.
  if (o.cbft !== undefined) o = { ...o, initFrom: o.cbft };
  const cbft = o.cbft !== undefined ? { lambda: number('--cbft-lambda', o.cbftLambda) ?? DEFAULT_CBFT_LAMBDA } : undefined;
  if (cbft) validateCbft(cbft.lambda);
  const program = await resolveProgram(programArg, { output: o.output });
  printNotes(io.err, program);
  const { loadModel } = await import('../../src/model/modelFile.ts');
  const open = (file: string | undefined) => (file !== undefined ? { model: loadModel(file, { allowNonFinite: o.allowNonfinite === true }), file } : undefined);
  const init = open(o.initFrom);
  const shapeOf = open(o.shapeOf);
  const { initDefaults, resolveConfig, resolveVocab } = await import('../../src/train/setup.ts');
  const source = init ?? shapeOf;
  const flags = toTrainFlags(o, source ? initDefaults(source.model) : { vocab: program.vocab, maxLen: program.maxLen });
  validateTrainFlags(flags); // before any work or output: a bad flag is one line on stderr
  if (cbft && flags.andMask !== undefined) throw new UserError('give --cbft or --and-mask, not both');
  const vocab = resolveVocab({ program, flags, init, shapeOf });
  resolveConfig({ program, flags, init, shapeOf }, vocab); // so is a model too large to hold
  if (flags.dataFraction !== undefined && flags.dataFraction < 1) {
    const { checkSubsetSize } = await import('../../src/train/dataset.ts');
    checkSubsetSize(vocab.length, flags.minLen, flags.maxLen); // and a subset of inputs too many to enumerate
  }
  const { trainThreads } = await import('../../src/threads/count.ts');
  const threads = flags.andMask === undefined && !cbft ? trainThreads(o.threads ?? 'auto', flags.steps, flags.batch) : 1;
  const { backendBuild, selectBackend, wasmKernelThreads } = await import('../../src/model/backend.ts');
  const backend = await selectBackend(o.backend ?? 'auto');
  const kernels = (await wasmKernelThreads()) > 1 ? `, kernels on ${await backendBuild()}` : '';
  const banner = `training ${program.name} on backend ${backend}, ${threads === 1 ? '1 thread' : `${threads} threads`}${kernels}\n`;
  const { result, checkpointPath, logPath } = await trainAtTerminal({ program, flags, init, shapeOf, cbft, threads }, out, {
    resume: Boolean(o.resume),
    io,
    banner,
  });
  if (result.status === 'interrupted') {
    io.err(`interrupted at step ${result.steps}: checkpoint saved to ${checkpointPath}; continue with --resume\n`);
    return 130;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lengths = Object.entries(result.lengthAcc).map(([len, acc]) => `  length ${len}: ${pct(acc)}\n`);
  io.out(
    `trained ${program.name} → ${out}\n` +
      `  ${result.steps} steps (${result.status}), ${result.wallTimeS.toFixed(1)} s, ${Math.round(result.tokensPerSec)} tokens/s on ${result.backend}` +
      `${result.threads > 1 ? ` (${result.threads} threads)` : ''}\n` +
      `  exact match: train ${pct(result.trainAcc)}, test ${pct(result.testAcc)}\n` +
      lengths.join('') +
      `  log: ${logPath}\n`,
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('train')
    .summary('train a learned transformer on the task a RASP program defines')
    .description(
      'Train a learned transformer on the input/output behaviour of a RASP program: inputs of every length in ' +
        '[--min-len, --max-len], labels from the reference evaluator, undefined outputs left out of the loss. ' +
        'Progress goes to stderr, metrics to <out>.train.jsonl, checkpoints to <out>.ckpt (Ctrl-C saves one; --resume continues).',
    )
    .argument('[program]', 'a .rasp file or a library program name (with --siit: default, the compiled model’s program)')
    .addOption(vocabOption())
    .option('--min-len <n>', 'shortest training input', '1')
    .addOption(maxLenOption())
    .option('--layers <n>', 'layers')
    .option('--heads <n>', 'attention heads per layer')
    .option('--d-model <n>', 'residual width')
    .option('--d-head <n>', 'width per head (default d-model / heads)')
    .option('--d-mlp <n>', 'MLP hidden width (default 4 × d-model)')
    .option('--attn-only', 'no MLPs')
    .option('--layernorm', 'layer norm before each sublayer and the unembedding')
    .option('--causal', 'causal attention mask')
    .addOption(new Option('--act <fn>', 'MLP activation').choices(['relu', 'gelu']))
    .option('--steps <n>', 'optimisation steps', String(DEFAULT_FLAGS.steps))
    .option('--batch <n>', 'sequences per step', String(DEFAULT_FLAGS.batch))
    .option('--lr <x>', 'peak learning rate', String(DEFAULT_FLAGS.lr))
    .option('--weight-decay <x>', 'AdamW decoupled weight decay', String(DEFAULT_FLAGS.weightDecay))
    .option('--warmup <n>', 'linear warm-up steps (default 5% of steps, at most 200)')
    .addOption(new Option('--decay <shape>', 'learning-rate decay after warm-up').choices(['cosine', 'linear', 'constant']).default('cosine'))
    .option('--clip <x>', 'clip gradients to this global norm (0: off)', String(DEFAULT_FLAGS.clipNorm))
    .addOption(seedOption())
    .option('--and-mask <t>', 'AND-mask gradients across length environments with agreement threshold t in (0, 1]')
    .option(
      '--data-fraction <f>',
      'train only on a fixed seeded subset of this fraction (0 < f ≤ 1) of the inputs of the training lengths, round(f × count) of each length; ' +
        'held-out sets come from outside it. Needs the inputs enumerable: more than the samples ceiling (100,000) of them is refused',
    )
    .option('--init-from <model>', 'start from this (e.g. compiled) model: its architecture, vocabulary, maximum length and output')
    .option(
      '--shape-of <model>',
      'train a fresh model with exactly this model’s architecture (layers, heads and widths per layer, vocabulary, context, output), to connect the two',
    )
    .option(
      '--cbft <model>',
      'connectivity-based fine-tuning from this model (Lubana et al.): as --init-from, minus λ times the loss at a random point of the line back to it, ' +
        'so that the new model leaves its basin (check with rasplab connect)',
    )
    .option('--cbft-lambda <x>', `with --cbft: the weight λ of the barrier term (default ${DEFAULT_CBFT_LAMBDA})`)
    .option('--target-acc <x>', 'stop once held-out exact match reaches x')
    .addOption(toleranceOption())
    .option('--test-lengths <list>', 'also measure exact match at these input lengths, comma-separated')
    .option('--test-size <n>', 'held-out sequences per test set', String(DEFAULT_FLAGS.testSize))
    .option('--eval-every <n>', 'steps between held-out evaluations', String(DEFAULT_FLAGS.evalEvery))
    .option('--log-every <n>', 'steps between log records', String(DEFAULT_FLAGS.logEvery))
    .option('--checkpoint-every <n>', 'steps between checkpoints', String(DEFAULT_FLAGS.checkpointEvery))
    .option('--resume', 'continue from the checkpoint beside the output')
    .addOption(backendOption())
    .addOption(threadsOption("each step's gradient (not with --and-mask)", 'every core, up to 4, for runs of 20,000 sequences or more; else 1'))
    .addOption(allowNonFiniteOption())
    .addOption(requiredOption('-o, --out <path>', 'where to save the learned model (.safetensors); the log and checkpoint go beside it'))
    .addOption(outputNameOption())
    .addHelpText(
      'after',
      helpExamples(
        'train reverse --vocab a,b,c,d,e --max-len 8 --layers 2 --heads 2 --d-model 64 --target-acc 0.99 -o reverse.learned.safetensors',
        'train hist --vocab a,b,c --max-len 8 --layers 1 --heads 1 --d-model 32 --test-lengths 9,10 -o hist.safetensors',
        'train reverse --vocab a,b,c --max-len 5 --layers 2 --heads 2 --d-model 32 --steps 50 --backend wasm-threads -o reverse.wt.safetensors',
        'train reverse --vocab a,b,c --max-len 5 --layers 2 --heads 2 --d-model 32 --data-fraction 0.25 --steps 300 -o reverse.quarter.safetensors',
        'train reverse --init-from fixtures/models/reverse.compiled.safetensors --steps 500 --lr 1e-4 -o tuned.safetensors',
        'train reverse --shape-of fixtures/models/reverse.compiled.safetensors --steps 300 -o reverse.shaped.safetensors',
        'train --siit fixtures/models/reverse.compiled.safetensors --steps 10 --batch 16 --align-map fixtures/siit/reverse.align.yaml -o siit.safetensors',
        'train reverse --cbft fixtures/models/reverse.learned.len8.safetensors --min-len 1 --max-len 8 --steps 200 --lr 3e-3 -o reverse.cbft.safetensors',
      ),
    )
    .option('--siit <compiled>', 'strict interchange intervention training against this compiled model: aligned components play its nodes’ causal roles')
    .option(
      '--align <var=comp>',
      'with --siit: align a program variable with components (repeatable): opp_index=mlp0, length=0.0+mlp0',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--align-map <file>', 'with --siit: the alignment as YAML, { variable: component | [components] }')
    .option('--task-weight <x>', 'with --siit: weight of the task loss', '1')
    .option('--iit-weight <x>', 'with --siit: weight of the interchange (IIT) loss', '1')
    .option('--strict-weight <x>', 'with --siit: weight of the strict loss (non-circuit nodes change nothing)', '1')
    .option('--no-strict-embed', 'with --siit: leave alone the embeddings the aligned circuit omits (by default the strict loss shuffles them along positions)')
    .option('--strict-zero', 'with --siit: the strict loss also zeroes the non-circuit node (so that zero ablation changes nothing either)')
    .option('--iit-all', 'with --siit: the IIT loss trains every aligned variable each step (by default one a step, in turn)')
    .option('--json', 'with --siit: the scores as JSON')
    .action(async (programArg: string | undefined, o: RawTrainOptions & { siit?: string; align?: string[] }, cmd: Command) => {
      if (o.siit !== undefined) {
        const { runSiit } = await import('../siitRun.ts');
        const siitFlags = {
          ...o,
          steps: cmd.getOptionValueSource('steps') === 'default' ? undefined : o.steps,
          lr: cmd.getOptionValueSource('lr') === 'default' ? undefined : o.lr,
          batch: cmd.getOptionValueSource('batch') === 'default' ? undefined : o.batch,
        };
        const code = await runSiit(programArg, siitFlags as Parameters<typeof runSiit>[1], ioOf(cmd));
        if (code !== 0) setExitCode(cmd, code);
        return;
      }
      if (programArg === undefined) throw new UserError('name the program to train on (a .rasp file or a library program name)');
      const code = await runTrain(programArg, o, ioOf(cmd));
      if (code !== 0) setExitCode(cmd, code);
    });
}
