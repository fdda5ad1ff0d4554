/**
 * A sweep spec expanded into jobs: programs × sizes × training options × seeds, each job the
 * `TrainFlags` of one run plus the analyses to run on its model. A job is keyed by a hash of its
 * settings (the program's text included, its path not), so the same settings give the same key on
 * any machine, a rerun finds the jobs already done and an interrupted sweep resumes.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../rasp/errors.ts';
import type { Program } from '../rasp/program.ts';
import type { Value } from '../rasp/values.ts';
import type { ModelData } from '../model/types.ts';
import { DEFAULT_FLAGS, contextLength, validateTrainFlags, type ArchFlags, type TrainFlags } from '../train/options.ts';
import { initDefaults } from '../train/setup.ts';
import type { AnalysesSpec, ProgramEntry, SweepSpec } from './spec.ts';

export interface JobProgram {
  readonly name: string;
  /** The program's text: a worker on another machine parses it from here. */
  readonly source: string;
  /** The s-op to learn; null: the program's own output. */
  readonly output: string | null;
}

/** A model file a job reads (the initial model, a reference to connect to): its path as the spec gives it, and its bytes' hash. */
export interface ModelRef {
  readonly file: string;
  readonly sha256: string;
}

/** Everything that makes a job the job it is; its key is a hash of this. */
export interface JobSettings {
  readonly program: JobProgram;
  readonly flags: TrainFlags;
  /** The spec's analyses, a model they name (connect's reference) by its file and hash. */
  readonly analyses: AnalysesSpec<ModelRef>;
  /** Train from this model's weights and architecture (`flags.arch` is then absent). */
  readonly initFrom?: ModelRef;
}

export interface Job {
  readonly key: string;
  readonly settings: JobSettings;
  /** The program's file on the submitting machine (where its `load`s are read); not part of the key. */
  readonly file?: string;
  /** The bytes (base64) of every model file the settings name, by hash: a worker elsewhere has no file of the submitter's. */
  readonly models?: Readonly<Record<string, string>>;
}

/** A model file the spec names, read by the caller (src/zoo writes and reads no file of its own here). */
export interface SpecModel {
  readonly bytes: Uint8Array;
  readonly model: ModelData;
}

export function modelRef(file: string, bytes: Uint8Array): ModelRef {
  return { file, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The bytes of a model a job names, as the job carries them. */
export function jobModelBytes(job: Job, ref: ModelRef): Uint8Array {
  const b64 = job.models?.[ref.sha256];
  if (b64 === undefined) throw new Error(`job ${job.key} lacks the bytes of ${ref.file}`);
  return Buffer.from(b64, 'base64');
}

/** JSON with every object's keys sorted, so that equal settings hash equally however they were built. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function jobKey(settings: JobSettings): string {
  return createHash('sha256').update(stableJson(settings)).digest('hex').slice(0, 16);
}

/** Every combination of the alternatives of each key, in the order the keys and alternatives are given. */
export function product<T>(options: Readonly<Record<string, readonly T[]>>): Record<string, T>[] {
  let out: Record<string, T>[] = [{}];
  for (const [k, alts] of Object.entries(options)) out = out.flatMap((o) => alts.map((a) => ({ ...o, [k]: a })));
  return out;
}

const without = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The training lengths and those verify checks beyond them: the test lengths a job's model is measured at. */
function lengthsBeyond(maxLen: number, beyond: number, given: readonly number[]): number[] {
  const extra = Array.from({ length: beyond }, (_, i) => maxLen + 1 + i);
  return [...new Set([...given, ...extra])].sort((a, b) => a - b);
}

/**
 * The jobs of a spec, in product order; `programs` are the spec's entries, resolved by the caller,
 * and `models` every model file the spec names (training.initFrom, analyses.connect's reference), read by the caller, by the path
 * the spec gives.
 */
export function expandJobs(
  spec: SweepSpec,
  programs: readonly { entry: ProgramEntry; program: Program }[],
  models: ReadonlyMap<string, SpecModel> = new Map(),
): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>();
  const specModel = (file: string): SpecModel => {
    const m = models.get(file);
    if (!m) throw new Error(`model file ${file} of ${spec.file} was not read`);
    return m;
  };
  const reference = spec.analyses.connect ? { file: spec.analyses.connect.reference, ...specModel(spec.analyses.connect.reference) } : undefined;
  const referenceRef = reference ? modelRef(reference.file, reference.bytes) : undefined;
  const { connect, ...others } = spec.analyses;
  const analyses: AnalysesSpec<ModelRef> = { ...others, ...(connect && referenceRef ? { connect: { ...connect, reference: referenceRef } } : {}) };
  // With training.initFrom there are no sizes: one job per training choice, its architecture the initial model's.
  const archs = spec.sizes.length ? spec.sizes.flatMap((size) => product(size as Record<string, readonly (number | boolean | string)[]>)) : [undefined];
  for (const { entry, program } of programs) {
    if (!program.source) throw new UserError(`${entry.at}: program '${entry.program}' has no source text to send to a worker`);
    for (const arch of archs) {
      for (const { initFrom, ...t } of product(spec.training as Record<string, readonly unknown[]>)) {
        const init = initFrom === undefined ? undefined : { file: initFrom as string, ...specModel(initFrom as string) };
        const defaults = init ? initDefaults(init.model) : { vocab: program.vocab, maxLen: program.maxLen };
        const what = init ? `from ${init.file}` : `with ${stableJson(arch)}`;
        for (const seed of spec.seeds) {
          const maxLen = (t.maxLen as number | undefined) ?? defaults.maxLen;
          if (maxLen === undefined) throw new UserError(`${entry.at}: program '${program.name}' states no max-len: give training.maxLen in ${spec.file}`);
          const vocab = (t.vocab as Value[] | undefined) ?? defaults.vocab;
          if (vocab === undefined) throw new UserError(`${entry.at}: program '${program.name}' states no vocab: give training.vocab in ${spec.file}`);
          const flags: TrainFlags = without({
            ...DEFAULT_FLAGS,
            ...(t as Partial<TrainFlags>),
            vocab,
            maxLen,
            testLengths: lengthsBeyond(maxLen, spec.analyses.verify?.beyond ?? 0, (t.testLengths as number[] | undefined) ?? []),
            arch: arch && without({ attnOnly: false, layernorm: false, causal: false, ...arch } as unknown as ArchFlags),
            // Fraction 1 is training on everything: the job without it, under the same key.
            dataFraction: t.dataFraction === 1 ? undefined : (t.dataFraction as number | undefined),
            seed,
          });
          try {
            validateTrainFlags(flags);
            if (init && contextLength(flags.maxLen, flags.testLengths) > init.model.config.nCtx)
              throw new UserError(`n_ctx ${init.model.config.nCtx} is too small for inputs of length ${Math.max(flags.maxLen, ...flags.testLengths)}`);
          } catch (e) {
            if (e instanceof UserError)
              throw new UserError(`${spec.file}: ${program.name} ${what}: ${e.message.replace(/--([a-z-]+)/g, (_m, f: string) => camel(f))}`);
            throw e;
          }
          const ref = init ? modelRef(init.file, init.bytes) : undefined;
          const settings: JobSettings = {
            program: { name: program.name, source: program.source, output: entry.output ?? null },
            flags,
            analyses,
            ...(ref ? { initFrom: ref } : {}),
          };
          const key = jobKey(settings);
          if (seen.has(key)) continue; // the same settings twice (e.g. a program listed twice): one job
          seen.add(key);
          const carry = [
            ...(init && ref ? [[ref.sha256, init.bytes] as const] : []),
            ...(reference && referenceRef ? [[referenceRef.sha256, reference.bytes] as const] : []),
          ];
          const carried = carry.length ? { models: Object.fromEntries(carry.map(([sha, bytes]) => [sha, Buffer.from(bytes).toString('base64')])) } : {};
          jobs.push({ key, settings, ...(program.file ? { file: program.file } : {}), ...carried });
        }
      }
    }
  }
  return jobs;
}

/** `--d-model` as the spec spells it: `dModel`. */
function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}
