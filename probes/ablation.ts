/**
 * Ablation: knock out a component (head, attention or MLP sublayer, layer, neuron) and measure
 * what the model still gets right. Modes: zero (the component writes nothing), mean (it writes its
 * position-wise mean over a reference set) and resample (it writes what it wrote on another input
 * of the same length). A sweep over every component gives the model's ablation profile.
 */
import * as tf from '@tensorflow/tfjs';
import '../src/model/quietTf.ts';
import { makeRng } from '../src/rasp/random.ts';
import type { HookName, Hooks } from '../src/model/hooks.ts';
import type { ActivationCache, LoadedModel } from '../src/model/loadedModel.ts';
import type { Score } from '../src/model/scoring.ts';
import type { AblationMode } from './ablationModes.ts';
import { encodeProbeSet, type ProbeBatches } from './batches.ts';
import { allComponents, type ComponentRef } from '../src/model/components.ts';
import { hookSites } from './hookSites.ts';
import { replacementHooks, type Site } from './intervene.ts';
import type { ProbeSet } from './probeSet.ts';
import { scoreBatches, scoreLogits } from './scoreRuns.ts';
import { CleanPrefix } from './cleanPrefix.ts';
import { batchCaches, disposeCaches, meanActivations, resamplePartners } from './sources.ts';
import { shareOut } from '../src/threads/shareOut.ts';
import { sweepThreads, type ThreadCount } from '../src/threads/count.ts';
import type { SweepRequest } from './sweepWorker.ts';

export { ABLATION_MODES, MODE_BLIND_SPOT, type AblationMode, type BlindSpot } from './ablationModes.ts';

export interface AblationResult {
  /** The component(s) ablated together (formatComponents writes them as "1.0", "L1+attn0"). */
  readonly component: readonly ComponentRef[];
  readonly mode: AblationMode;
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  readonly loss: number;
  readonly perPosition: number[];
}

export interface AblationProfile {
  /** The unablated model on the same inputs. */
  readonly baseline: Score;
  readonly components: AblationResult[];
}

export interface AblationOptions {
  /** Inputs that mean and resample ablation take activations from (default: the probe set itself). */
  readonly reference?: ProbeSet;
  /** Seeds the choice of resampled inputs. */
  readonly seed?: number;
  readonly batchSize?: number;
  /** How far a numerical output may be from the program's and count as right (default NUMERIC_TOLERANCE). */
  readonly tolerance?: number;
  /** false: run every ablation from the embedding rather than from the clean stream (probes/cleanPrefix.ts); the numbers are the same. */
  readonly reuseCleanPrefix?: boolean;
  /** Threads that share the ablations, this one included (default 1; 'auto': see src/threads/count.ts); the numbers are the same. */
  readonly threads?: ThreadCount;
}

/** One ablated run: these components together, in one mode. */
export interface AblationJob {
  readonly components: readonly ComponentRef[];
  readonly mode: AblationMode;
}

/**
 * Replacement activations for the ablation modes, computed once and shared by every component:
 * for `data` (the batches of `set`), the position-wise means over the reference set, or each
 * input's resampled partner's activations. Also the view of single inputs (ablatedRun.ts).
 */
export class Ablator {
  private means?: Map<HookName, tf.Tensor>;
  private resampled?: ActivationCache[];

  constructor(
    private readonly m: LoadedModel,
    private readonly data: ProbeBatches,
    private readonly set: ProbeSet,
    private readonly opts: AblationOptions,
    private readonly hooks: readonly HookName[],
  ) {}

  private prepare(mode: AblationMode): void {
    const ref = this.opts.reference ?? this.set;
    const layout = { batchSize: this.opts.batchSize, nPos: this.data.nPos };
    if (mode === 'mean' && !this.means) this.means = meanActivations(this.m, encodeProbeSet(this.m.config, ref, layout), this.hooks);
    if (mode === 'resample' && !this.resampled) {
      const partners = resamplePartners(this.set.inputs, ref.inputs, makeRng(this.opts.seed ?? 0).fork('resample'));
      const partnerSet = { inputs: partners.map((j) => ref.inputs[j]), expected: partners.map((j) => ref.expected[j]), exhaustive: false };
      this.resampled = batchCaches(this.m, encodeProbeSet(this.m.config, partnerSet, layout), this.hooks);
    }
  }

  hooksFor(sites: readonly Site[], mode: AblationMode, batch: number): Hooks {
    this.prepare(mode);
    return replacementHooks(sites, (h) => (mode === 'zero' ? null : mode === 'mean' ? this.means!.get(h)! : this.resampled![batch].get(h)!));
  }

  dispose(): void {
    for (const t of this.means?.values() ?? []) t.dispose();
    if (this.resampled) disposeCaches(this.resampled);
  }
}

const sitesOf = (m: LoadedModel, cs: readonly ComponentRef[]): Site[] => cs.flatMap((c) => hookSites(c, m.config));

/** The jobs in order: the first share on this thread, the others on worker threads (sweepWorker.ts). */
export async function runAblations(m: LoadedModel, set: ProbeSet, jobs: readonly AblationJob[], opts: AblationOptions): Promise<AblationProfile> {
  const threads = sweepThreads(opts.threads ?? 1, jobs.length, set.inputs.length);
  if (threads <= 1) return runHere(m, set, jobs, opts);
  const backend = tf.getBackend();
  const { here, theirs } = await shareOut<AblationJob, SweepRequest, AblationProfile, AblationResult[]>(jobs, threads, {
    entry: new URL('./sweepWorker.ts', import.meta.url),
    name: 'ablation worker',
    request: (share) => ({ kind: 'ablation', backend, model: m.data, set, jobs: share, opts: { ...opts, threads: 1 } }),
    here: (share) => runHere(m, set, share, opts),
  });
  return { baseline: here.baseline, components: [...here.components, ...theirs.flat()] };
}

async function runHere(m: LoadedModel, set: ProbeSet, jobs: readonly AblationJob[], opts: AblationOptions): Promise<AblationProfile> {
  const data = encodeProbeSet(m.config, set, { batchSize: opts.batchSize, nPos: maxRefPos(opts) });
  const hooks = [...new Set(jobs.flatMap((j) => sitesOf(m, j.components).map((s) => s.hook)))];
  const ablator = new Ablator(m, data, set, opts, hooks);
  const prefix = new CleanPrefix(m, data, opts.reuseCleanPrefix ?? true);
  try {
    const baseline = await scoreLogits(m, data, (b) => prefix.baseLogits(b), opts.tolerance);
    const components: AblationResult[] = [];
    for (const job of jobs) {
      const sites = sitesOf(m, job.components);
      const s = await scoreBatches(m, data, (b) => prefix.optionsFor(b, { hooks: ablator.hooksFor(sites, job.mode, b) }), opts.tolerance);
      components.push({ component: job.components, mode: job.mode, ...s });
    }
    return { baseline, components };
  } finally {
    prefix.dispose();
    ablator.dispose();
  }
}

/** Reference inputs may be longer than the probe set's: every batch gets room for both. */
function maxRefPos(opts: AblationOptions): number | undefined {
  const r = opts.reference;
  return r ? r.inputs.reduce((n, x) => Math.max(n, x.length + 1), 0) : undefined;
}

/** Ablates the given components together in one mode. */
export async function ablate(
  model: LoadedModel,
  set: ProbeSet,
  components: readonly ComponentRef[],
  mode: AblationMode,
  opts: AblationOptions = {},
): Promise<AblationResult & { baseline: Score }> {
  const p = await runAblations(model, set, [{ components, mode }], opts);
  return { ...p.components[0], baseline: p.baseline };
}

export interface SweepOptions extends AblationOptions {
  readonly modes?: readonly AblationMode[];
  /** Which components (default: every head, sublayer and layer). */
  readonly components?: readonly ComponentRef[];
  /** Include every single MLP neuron (default false). */
  readonly neurons?: boolean;
}

/** Ablates every component, one at a time, in each mode: the model's ablation profile. */
export async function ablationSweep(model: LoadedModel, set: ProbeSet, opts: SweepOptions = {}): Promise<AblationProfile> {
  const comps = opts.components ?? allComponents(model.config, { neurons: opts.neurons });
  const modes = opts.modes ?? ['zero'];
  const jobs = modes.flatMap((mode) => comps.map((c) => ({ components: [c], mode })));
  return runAblations(model, set, jobs, opts);
}
