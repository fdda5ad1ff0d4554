/**
 * `rasplab train [PROGRAM] --siit COMPILED.safetensors`: strict interchange intervention training
 * (probes/abstraction/siit.ts). The program is the compiled model's unless named; the learned
 * model's shape is --layers/--heads/--d-model/--d-mlp (default: the compiled model's layer and head
 * counts, d_model 32), with --layernorm, --causal and --act as `train` takes them; the alignment is --align VAR=COMP flags, an --align-map YAML file, or one
 * compiled node per component of the same name.
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
  readonly seed?: number;
  readonly align?: string[];
  readonly alignMap?: string;
  readonly taskWeight?: string;
  readonly iitWeight?: string;
  readonly strictWeight?: string;
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
  if (!o.json)
    io.err(`SIIT on ${program.name} (backend ${backend}): ${[...alignment].map(([v, cs]) => `${v} → ${cs.map(formatComponent).join('+')}`).join(', ')}\n`);
  const r = await trainSiit({
    config,
    program,
    compiled,
    compiledFile: o.siit,
    alignment,
    task,
    steps: positive('--steps', o.steps, 1000),
    batch: Math.max(1, positive('--batch', o.batch, 64)),
    lr: positive('--lr', o.lr, 3e-3, false),
    seed: o.seed ?? 0,
    weights,
    backend,
    onProgress: o.json
      ? undefined
      : (step, steps, l) => io.err(`step ${step}/${steps}: task ${l.task.toFixed(3)}, IIT ${l.iit.toFixed(3)}, strict ${l.strict.toFixed(3)}\n`),
  });
  const out = resolve(o.out);
  saveModel(out, r.model);
  if (o.json) {
    io.out(formatJson({ out, wallTimeS: r.wallTimeS, ...r.scores }));
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  io.out(
    `trained ${program.name} with SIIT → ${o.out} (${r.wallTimeS.toFixed(1)} s)\n` +
      `  exact match: ${pct(r.scores.exactMatch)}\n` +
      r.scores.iia.map((x) => `  IIA ${x.variable} at ${x.sites}: ${pct(x.iia)} (at one position: ${pct(x.iiaOnePosition)})\n`).join('') +
      (r.scores.inert.length
        ? `  outputs unchanged when a non-circuit node is patched: ${r.scores.inert.map((x) => `${x.node} ${pct(x.unchanged)}`).join(', ')}\n`
        : ''),
  );
  return 0;
}
