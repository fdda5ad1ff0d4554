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
import { DEFAULT_FLAGS, validateTrainFlags, type ArchFlags, type TrainFlags } from '../train/options.ts';
import type { AnalysesSpec, ProgramEntry, SweepSpec } from './spec.ts';

export interface JobProgram {
  readonly name: string;
  /** The program's text: a worker on another machine parses it from here. */
  readonly source: string;
  /** The s-op to learn; null: the program's own output. */
  readonly output: string | null;
}

/** Everything that makes a job the job it is; its key is a hash of this. */
export interface JobSettings {
  readonly program: JobProgram;
  readonly flags: TrainFlags;
  readonly analyses: AnalysesSpec;
}

export interface Job {
  readonly key: string;
  readonly settings: JobSettings;
  /** The program's file on the submitting machine (where its `load`s are read); not part of the key. */
  readonly file?: string;
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

/** The jobs of a spec, in product order; `programs` are the spec's entries, resolved by the caller. */
export function expandJobs(spec: SweepSpec, programs: readonly { entry: ProgramEntry; program: Program }[]): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>();
  for (const { entry, program } of programs) {
    if (!program.source) throw new UserError(`${entry.at}: program '${entry.program}' has no source text to send to a worker`);
    for (const size of spec.sizes) {
      for (const arch of product(size as Record<string, readonly (number | boolean | string)[]>)) {
        for (const t of product(spec.training as Record<string, readonly unknown[]>)) {
          for (const seed of spec.seeds) {
            const maxLen = (t.maxLen as number | undefined) ?? program.maxLen;
            if (maxLen === undefined) throw new UserError(`${entry.at}: program '${program.name}' states no max-len: give training.maxLen in ${spec.file}`);
            const vocab = (t.vocab as Value[] | undefined) ?? program.vocab;
            if (vocab === undefined) throw new UserError(`${entry.at}: program '${program.name}' states no vocab: give training.vocab in ${spec.file}`);
            const flags: TrainFlags = without({
              ...DEFAULT_FLAGS,
              ...(t as Partial<TrainFlags>),
              vocab,
              maxLen,
              testLengths: lengthsBeyond(maxLen, spec.analyses.verify?.beyond ?? 0, (t.testLengths as number[] | undefined) ?? []),
              arch: without({ attnOnly: false, layernorm: false, causal: false, ...arch } as unknown as ArchFlags),
              seed,
            });
            try {
              validateTrainFlags(flags);
            } catch (e) {
              if (e instanceof UserError)
                throw new UserError(
                  `${spec.file}: ${program.name} with ${stableJson(arch)}: ${e.message.replace(/--([a-z-]+)/g, (_m, f: string) => camel(f))}`,
                );
              throw e;
            }
            const settings: JobSettings = {
              program: { name: program.name, source: program.source, output: entry.output ?? null },
              flags,
              analyses: spec.analyses,
            };
            const key = jobKey(settings);
            if (seen.has(key)) continue; // the same settings twice (e.g. a program listed twice): one job
            seen.add(key);
            jobs.push({ key, settings, ...(program.file ? { file: program.file } : {}) });
          }
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
