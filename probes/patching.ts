/**
 * Activation patching: run the corrupted input, but write the clean run's activation into one
 * site (a hook point, optionally one position and one head or neuron), and measure how much of the
 * clean output comes back.
 *
 * Metric: at every position both inputs reach where the program's clean and corrupt answers
 * differ, the clean-answer logit difference logit[clean] − logit[corrupt] (numerical outputs:
 * −|output − clean answer|), averaged; recovery = (patched − corrupt) / (clean − corrupt).
 * Exact-match recovery does the same with the fraction of inputs whose whole output (positions both
 * reach) matches the clean answer.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../src/model/batch.ts';
import { layerHook, type HookName } from '../src/model/hooks.ts';
import type { ActivationCache, LoadedModel } from '../src/model/loadedModel.ts';
import { argmax, numberMatches, NUMERIC_TOLERANCE } from '../src/model/scoring.ts';
import { outputWidth } from '../src/model/shapes.ts';
import type { ModelConfig } from '../src/model/types.ts';
import { valueKey, type MaybeValue } from '../src/rasp/values.ts';
import { encodeProbeSet, type ProbeBatches } from './batches.ts';
import { allComponents, formatComponent, type ComponentRef } from '../src/model/components.ts';
import { hookSites } from './hookSites.ts';
import type { CorruptPairs } from './corruptions.ts';
import { carriedPositions, isWholeStream } from './carriedPositions.ts';
import { replacementHooks, type Site } from './intervene.ts';
import { cachedRuns, disposeCaches } from './sources.ts';
import { CleanPrefix } from './cleanPrefix.ts';
import { shareOut } from '../src/threads/shareOut.ts';
import { sweepThreads, type ThreadCount } from '../src/threads/count.ts';
import type { SweepRequest } from './sweepWorker.ts';

export interface PatchMetrics {
  /** Mean clean-answer logit difference of the clean, corrupt and patched runs. */
  readonly logitDiff: { readonly clean: number; readonly corrupt: number; readonly patched: number };
  /** (patched − corrupt) / (clean − corrupt); NaN when clean and corrupt do not differ. */
  readonly recovery: number;
  readonly exactMatch: { readonly clean: number; readonly corrupt: number; readonly patched: number };
  readonly exactRecovery: number;
}

export interface PatchResult extends PatchMetrics {
  /** The site, as text: "blocks.1.hook_resid_pre@3", "1.0", "mlp0@2". */
  readonly site: string;
  readonly layer?: number;
  readonly position?: number;
}

export function siteText(s: Site, component?: ComponentRef): string {
  const base = component ? formatComponent(component) : s.hook + (s.slice ? `[${s.slice.index}]` : '');
  return s.position === undefined ? base : `${base}@${s.position}`;
}

/** What the runs are scored on: per pair, the positions compared and the classes / values there. */
interface Targets {
  /** [pair] → positions (model positions, BOS = 0) both inputs reach where the clean answer is defined. */
  readonly positions: number[][];
  readonly clean: MaybeValue[][];
  readonly corrupt: MaybeValue[][];
}

function targetsOf(pairs: CorruptPairs): Targets {
  const positions = pairs.clean.inputs.map((x, i) => {
    const n = Math.min(x.length, pairs.corrupt.inputs[i].length);
    const ps: number[] = [];
    for (let p = 0; p < n; p++) if (pairs.clean.expected[i][p] !== null) ps.push(p + 1);
    return ps;
  });
  return { positions, clean: pairs.clean.expected as MaybeValue[][], corrupt: pairs.corrupt.expected as MaybeValue[][] };
}

/** Logit difference sum / count, and exact matches, of one run's logits. */
class Tally {
  ldSum = 0;
  ldCount = 0;
  exact = 0;
  rows = 0;
  constructor(
    private readonly config: ModelConfig,
    private readonly t: Targets,
    private readonly tolerance: number,
  ) {}

  add(b: Batch, logits: Float32Array, firstRow: number): void {
    const out = this.config.output;
    const cls = out.encoding === 'categorical' ? new Map(out.values.map((v, i) => [valueKey(v), i])) : null;
    const dOut = outputWidth(out);
    for (let r = 0; r < b.size; r++) {
      const pair = firstRow + r;
      let all = true;
      for (const p of this.t.positions[pair]) {
        const base = (r * b.nPos + p) * dOut;
        const yc = this.t.clean[pair][p - 1];
        const yx = this.t.corrupt[pair][p - 1];
        if (cls) {
          const a = cls.get(valueKey(yc))!;
          if (argmax(logits, base, dOut) !== a) all = false;
          const a2 = yx === null ? undefined : cls.get(valueKey(yx));
          if (a2 !== undefined && a2 !== a) {
            this.ldSum += logits[base + a] - logits[base + a2];
            this.ldCount++;
          }
        } else {
          const err = Math.abs(logits[base] - Number(yc));
          if (!numberMatches(logits[base], Number(yc), this.tolerance)) all = false;
          if (yx !== null && Number(yx) !== Number(yc)) {
            this.ldSum -= err;
            this.ldCount++;
          }
        }
      }
      this.rows++;
      if (all) this.exact++;
    }
  }
  get logitDiff(): number {
    return this.ldCount ? this.ldSum / this.ldCount : 0;
  }
  get exactMatch(): number {
    return this.rows ? this.exact / this.rows : 0;
  }
}

const ratio = (p: number, c: number, clean: number): number => (Math.abs(clean - c) < 1e-9 ? Number.NaN : (p - c) / (clean - c));

/** One prepared patching experiment: clean activations cached, clean and corrupt runs scored. */
class Patcher {
  private caches: ActivationCache[] = [];
  private readonly corruptPrefix: CleanPrefix;
  private cleanT!: Tally;
  private corruptT!: Tally;
  readonly cleanB: ProbeBatches;
  readonly corruptB: ProbeBatches;
  private readonly targets: Targets;

  constructor(
    private readonly m: LoadedModel,
    pairs: CorruptPairs,
    private readonly opts: PatchOptions,
  ) {
    const batchSize = opts.batchSize;
    const longest = [...pairs.clean.inputs, ...pairs.corrupt.inputs].reduce((n, x) => Math.max(n, x.length + 1), 1);
    this.cleanB = encodeProbeSet(m.config, pairs.clean, { batchSize, nPos: longest });
    this.corruptB = encodeProbeSet(m.config, pairs.corrupt, { batchSize, nPos: longest });
    this.targets = targetsOf(pairs);
    this.corruptPrefix = new CleanPrefix(m, this.corruptB, opts.reuseCleanPrefix ?? true);
  }

  async init(hooks: readonly HookName[]): Promise<void> {
    // The clean run that fills the caches is the clean run scored, and the corrupted run that keeps
    // its streams (CleanPrefix) the corrupted one: each is run once.
    const clean = cachedRuns(this.m, this.cleanB, hooks, { readLogits: true });
    this.caches = clean.caches;
    this.cleanT = await this.tally(this.cleanB, async (b) => clean.logits[b]);
    this.corruptT = await this.tally(this.corruptB, (b) => this.corruptPrefix.baseLogits(b));
  }

  private async tally(pb: ProbeBatches, logitsOf: (b: number) => Promise<Float32Array>): Promise<Tally> {
    const t = new Tally(this.m.config, this.targets, this.opts.tolerance ?? NUMERIC_TOLERANCE);
    let row = 0;
    for (let i = 0; i < pb.batches.length; i++) {
      t.add(pb.batches[i], await logitsOf(i), row);
      row += pb.batches[i].size;
    }
    return t;
  }

  async patch(sites: readonly Site[]): Promise<PatchMetrics> {
    const nLayers = this.m.config.layers.length;
    // The whole clean stream patched in makes the clean run from there on (carriedPositions.ts), whatever else is patched.
    const p =
      (this.opts.reuseCleanPrefix ?? true) && sites.some(isWholeStream)
        ? this.cleanT
        : await this.tally(this.corruptB, (b) => {
            const corrupt = this.corruptB.batches[b];
            return this.m.logits(
              corrupt,
              this.corruptPrefix.optionsFor(b, {
                hooks: replacementHooks(sites, (h) => this.caches[b].get(h)!),
                visibleKeys: carriedPositions(sites, this.cleanB.batches[b].lengths, corrupt.lengths, corrupt.nPos, nLayers),
              }),
            );
          });
    const c = this.cleanT;
    const x = this.corruptT;
    return {
      logitDiff: { clean: c.logitDiff, corrupt: x.logitDiff, patched: p.logitDiff },
      recovery: ratio(p.logitDiff, x.logitDiff, c.logitDiff),
      exactMatch: { clean: c.exactMatch, corrupt: x.exactMatch, patched: p.exactMatch },
      exactRecovery: ratio(p.exactMatch, x.exactMatch, c.exactMatch),
    };
  }

  dispose(): void {
    disposeCaches(this.caches);
    this.corruptPrefix.dispose();
  }
}

async function withPatcher<T>(m: LoadedModel, pairs: CorruptPairs, hooks: readonly HookName[], opts: PatchOptions, fn: (p: Patcher) => Promise<T>): Promise<T> {
  const p = new Patcher(m, pairs, opts);
  try {
    await p.init(hooks);
    return await fn(p);
  } finally {
    p.dispose();
  }
}

export interface PatchOptions {
  readonly batchSize?: number;
  /** How far a numerical output may be from the clean target and count as an exact match (src/model/scoring.ts). */
  readonly tolerance?: number;
  /** false: run every patched input from the embedding rather than from its unpatched stream (probes/cleanPrefix.ts); the numbers are the same. */
  readonly reuseCleanPrefix?: boolean;
}

/** Patches the clean activation into the given sites (together) on every corrupted input. */
export async function patch(model: LoadedModel, pairs: CorruptPairs, sites: readonly Site[], opts: PatchOptions = {}): Promise<PatchResult> {
  const hooks = [...new Set(sites.map((s) => s.hook))];
  return withPatcher(model, pairs, hooks, opts, async (p) => ({
    site: sites.map((s) => siteText(s)).join('+'),
    ...(await p.patch(sites)),
  }));
}

export interface PatchSweepOptions extends PatchOptions {
  /** Also patch each position on its own (default: whole activations only). */
  readonly perPosition?: boolean;
  /** Components to patch (default: every head, attention and MLP sublayer, and each layer's residual input). */
  readonly components?: readonly ComponentRef[];
  /** Threads that share the sweep, this one included (default 1; 'auto': see src/threads/count.ts); the numbers are the same. */
  readonly threads?: ThreadCount;
}

/** One patched site (or set of sites patched together) of a sweep. */
export interface PatchJob {
  readonly name: string;
  readonly layer?: number;
  readonly sites: readonly Site[];
}

/** Patches every component (and every layer's resid_pre), one at a time, optionally per position. */
export async function patchSweep(model: LoadedModel, pairs: CorruptPairs, opts: PatchSweepOptions = {}): Promise<PatchResult[]> {
  const config = model.config;
  const comps = opts.components ?? allComponents(config, { layers: false });
  const jobs: PatchJob[] = [];
  config.layers.forEach((_, l) => {
    const hook = layerHook(l, 'hook_resid_pre');
    jobs.push({ name: hook, layer: l, sites: [{ hook }] });
  });
  for (const c of comps) jobs.push({ name: formatComponent(c), layer: c.kind === 'embed' ? undefined : c.layer, sites: hookSites(c, config) });
  const threads = sweepThreads(opts.threads ?? 1, jobs.length, pairs.clean.inputs.length);
  if (threads <= 1) return runPatchJobs(model, pairs, jobs, opts);
  const backend = tf.getBackend();
  const { here, theirs } = await shareOut<PatchJob, SweepRequest, PatchResult[], PatchResult[]>(jobs, threads, {
    entry: new URL('./sweepWorker.ts', import.meta.url),
    name: 'patching worker',
    request: (share) => ({ kind: 'patching', backend, model: model.data, pairs, jobs: share, opts: { ...opts, threads: 1 } }),
    here: (share) => runPatchJobs(model, pairs, share, opts),
  });
  return [...here, ...theirs.flat()];
}

/** The sweep's jobs in order, on this thread (and, with perPosition, each position of each). */
export async function runPatchJobs(model: LoadedModel, pairs: CorruptPairs, jobs: readonly PatchJob[], opts: PatchSweepOptions): Promise<PatchResult[]> {
  const hooks = [...new Set(jobs.flatMap((j) => j.sites.map((s) => s.hook)))];
  const longest = [...pairs.clean.inputs, ...pairs.corrupt.inputs].reduce((n, x) => Math.max(n, x.length + 1), 1);
  return withPatcher(model, pairs, hooks, opts, async (p) => {
    const out: PatchResult[] = [];
    for (const j of jobs) {
      out.push({ site: j.name, layer: j.layer, ...(await p.patch(j.sites)) });
      if (!opts.perPosition) continue;
      for (let pos = 0; pos < longest; pos++) {
        const sites = j.sites.map((s) => ({ ...s, position: pos }));
        out.push({ site: `${j.name}@${pos}`, layer: j.layer, position: pos, ...(await p.patch(sites)) });
      }
    }
    return out;
  });
}
