/**
 * `rasplab train [PROGRAM] --siit COMPILED.safetensors`: strict interchange intervention training
 * (probes/abstraction/siit.ts). The program is the compiled model's unless named; the learned
 * model's shape is --layers/--heads/--d-model/--d-mlp (default: the compiled model's layer and head
 * counts, d_model 32), with --layernorm, --causal and --act as `train` takes them; the alignment is --align VAR=COMP flags, an --align-map YAML file, or one
 * compiled node per component of the same name. Optimisation is `train`'s (AdamW, --lr peak, default
 * 1e-3 as train's, with --warmup and --decay, --clip, --weight-decay), and so are the checkpoint beside the output
 * (every --checkpoint-every steps and on Ctrl-C), --resume and the lock on the output.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../src/rasp/errors.ts';
import type { ModelConfig } from '../src/model/types.ts';
import type { CliIo } from './format/output.ts';
import { existingModelPath, type BackendChoice } from './options.ts';
import { programForModel, resolveProgram } from './resolveProgram.ts';
import { formatJson } from './format/json.ts';

export interface SiitFlags {
  readonly siit: string;
  readonly out?: string;
  readonly layers?: string;
  readonly heads?: string;
  readonly dModel?: string;
  readonly dMlp?: string;
  readonly layernorm?: boolean;
  readonly causal?: boolean;
  readonly act?: 'relu' | 'gelu';
  readonly steps?: string;
  readonly batch?: string;
  readonly lr?: string;
  readonly warmup?: string;
  readonly decay?: string;
  readonly weightDecay?: string;
  readonly clip?: string;
  readonly checkpointEvery?: string;
  readonly resume?: boolean;
  readonly seed?: number;
  readonly align?: string[];
  readonly alignMap?: string;
  readonly taskWeight?: string;
  readonly iitWeight?: string;
  readonly strictWeight?: string;
  /** false (--no-strict-embed): the strict loss leaves the embeddings alone. */
  readonly strictEmbed?: boolean;
  /** --strict-zero: the strict loss also zeroes the node. */
  readonly strictZero?: boolean;
  /** --iit-all: every aligned variable each step. */
  readonly iitAll?: boolean;
  readonly backend?: BackendChoice;
  readonly json?: boolean;
}

function positive(flag: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
    throw new UserError(`${flag} expects a ${integer ? 'whole ' : ''}number ≥ 0, got '${text}'`);
  return v;
}

export async function runSiit(programArg: string | undefined, o: SiitFlags, io: CliIo): Promise<number> {
  if (!o.out) throw new UserError('give the file to write the learned model to with -o (e.g. -o reverse.siit.safetensors)');
  const { loadModel, saveModel } = await import('../src/model/modelFile.ts');
  const compiledPath = existingModelPath(o.siit);
  const compiled = loadModel(compiledPath);
  if (compiled.config.origin !== 'compiled')
    throw new UserError(`--siit ${o.siit}: not a compiled model (its labels are what the learned model is aligned to)`);
  const program = programArg
    ? await resolveProgram(programArg)
    : await programForModel(compiled, o.siit, undefined, { howToName: 'name the program before --siit' });
  const c = compiled.config;
  const layers = positive('--layers', o.layers, c.layers.length);
  const heads = positive('--heads', o.heads, Math.max(1, ...c.layers.map((L) => L.nHeads)));
  const dModel = positive('--d-model', o.dModel, 32);
  const dMlp = positive('--d-mlp', o.dMlp, 4 * dModel);
  if (layers < 1 || heads < 1 || dModel < heads || dModel % heads !== 0)
    throw new UserError(`--d-model ${dModel} must be a positive multiple of --heads ${heads}`);
  if (o.act !== undefined && o.act !== 'relu' && o.act !== 'gelu') throw new UserError(`--act must be relu or gelu, got '${o.act}'`);
  // The trainer's own config: its layer norm, causal mask and activation, on the compiled model's vocabulary, context and output.
  const { learnedConfig } = await import('../src/train/options.ts');
  const arch = { layers, heads, dModel, dMlp, attnOnly: false, layernorm: Boolean(o.layernorm), causal: Boolean(o.causal), actFn: o.act };
  const config: ModelConfig = learnedConfig(arch, c.vocab.slice(1), c.nCtx, c.output);
  const { parseAlignFlags, parseAlignYaml, resolveAlignment, checkedDefault } = await import('../probes/abstraction/alignmentMap.ts');
  const written = new Map<string, string[]>();
  if (o.alignMap) {
    let text: string;
    try {
      text = readFileSync(o.alignMap, 'utf8');
    } catch {
      throw new UserError(`--align-map ${o.alignMap}: cannot read the file`);
    }
    for (const [k, v] of parseAlignYaml(text, o.alignMap)) written.set(k, v);
  }
  for (const [k, v] of parseAlignFlags(o.align ?? [])) {
    if (written.has(k)) throw new UserError(`the alignment gives '${k}' twice (in --align-map and --align)`);
    written.set(k, v);
  }
  const alignment = written.size ? resolveAlignment(written, program, config) : checkedDefault(compiled, config);
  const weights = {
    task: positive('--task-weight', o.taskWeight, 1, false),
    iit: positive('--iit-weight', o.iitWeight, 1, false),
    strict: positive('--strict-weight', o.strictWeight, 1, false),
  };
  const { selectBackend } = await import('../src/model/backend.ts');
  const backend = await selectBackend(o.backend ?? 'auto');
  const maxLen = c.nCtx - 1;
  const task = { vocab: c.vocab.slice(1), minLen: 1, maxLen };
  const { trainSiit } = await import('../probes/abstraction/siit.ts');
  const { formatComponent } = await import('../src/model/components.ts');
  const { DEFAULT_FLAGS } = await import('../src/train/options.ts');
  const { checkpointPathFor } = await import('../src/train/checkpoint.ts');
  if (o.decay !== undefined && o.decay !== 'cosine' && o.decay !== 'linear' && o.decay !== 'constant')
    throw new UserError(`--decay must be cosine, linear or constant, got '${o.decay}'`);
  const steps = positive('--steps', o.steps, 1000);
  const optim = {
    warmup: o.warmup === undefined ? undefined : positive('--warmup', o.warmup, 0),
    decay: (o.decay ?? DEFAULT_FLAGS.decay) as 'cosine' | 'linear' | 'constant',
    weightDecay: positive('--weight-decay', o.weightDecay, DEFAULT_FLAGS.weightDecay, false),
    clipNorm: positive('--clip', o.clip, DEFAULT_FLAGS.clipNorm, false),
  };
  const every = Math.max(1, positive('--checkpoint-every', o.checkpointEvery, DEFAULT_FLAGS.checkpointEvery));
  const out = resolve(o.out);
  const checkpointPath = checkpointPathFor(out);
  const { whileLocked } = await import('./trainRun.ts');
  const r = await whileLocked(out, [checkpointPath], async (stopped) => {
    if (!o.json)
      io.err(`SIIT on ${program.name} (backend ${backend}): ${[...alignment].map(([v, cs]) => `${v} → ${cs.map(formatComponent).join('+')}`).join(', ')}\n`);
    const run = await trainSiit({
      config,
      program,
      compiled,
      compiledFile: o.siit,
      alignment,
      task,
      steps,
      batch: Math.max(1, positive('--batch', o.batch, 64)),
      lr: positive('--lr', o.lr, DEFAULT_FLAGS.lr, false),
      seed: o.seed ?? 0,
      weights,
      strictEmbeddings: o.strictEmbed !== false,
      strictZero: o.strictZero === true,
      iitAllVariables: o.iitAll === true,
      backend,
      optim,
      checkpoint: { path: checkpointPath, every, resume: Boolean(o.resume) },
      shouldStop: stopped,
      onNote: (m) => io.err(`${m}\n`),
      onProgress: o.json
        ? undefined
        : (step, total, l) => io.err(`step ${step}/${total}: task ${l.task.toFixed(3)}, IIT ${l.iit.toFixed(3)}, strict ${l.strict.toFixed(3)}\n`),
    });
    if (run.status === 'completed') saveModel(out, run.model);
    return run;
  });
  if (r.status === 'interrupted') {
    io.err(`interrupted at step ${r.steps}: checkpoint saved to ${checkpointPath}; continue with --resume\n`);
    return 130;
  }
  if (o.json) {
    io.out(formatJson({ out, wallTimeS: r.wallTimeS, ...r.scores }));
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  io.out(
    `trained ${program.name} with SIIT → ${o.out} (${r.wallTimeS.toFixed(1)} s)\n` +
      `  exact match: ${pct(r.scores.exactMatch)}\n` +
      r.scores.iia
        .map(
          (x) =>
            `  IIA ${x.variable} at ${x.sites}: ${pct(x.iia)} (at one position: ${pct(x.iiaOnePosition)}; ` +
            `by length ${x.byLength.map((l) => `${l.length}: ${pct(l.iia)}`).join(', ')})\n`,
        )
        .join('') +
      (r.scores.inert.length
        ? `  outputs unchanged when a non-circuit node is patched: ${r.scores.inert.map((x) => `${x.node} ${pct(x.unchanged)}`).join(', ')}\n`
        : ''),
  );
  return 0;
}
