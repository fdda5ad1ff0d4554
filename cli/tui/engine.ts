/**
 * What the terminal UI computes, as a plain async API (no React): accuracy on the fixed probe set
 * under a set of ablations (probes/ablation.ts `ablate`), the model's output and attention
 * patterns on the current input under the same ablations (probes/ablatedRun.ts), and with --vs
 * which heads of the learned model match the compiled one's (probes/headSimilarity.ts); on models
 * loaded once and owned by the engine (dispose() frees them). Jobs run one at a time, each after a
 * turn of the event loop so the UI can draw its spinner and take keys first; a job whose signal
 * was aborted while it waited is skipped. Results are memoised: undoing an ablation shows the old
 * numbers at once.
 */
import type { Value } from '../../src/rasp/values.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { ablate, type AblationMode } from '../../probes/ablation.ts';
import { ablatedRun, type AblatedRun } from '../../probes/ablatedRun.ts';
import { componentKey, type ComponentRef } from '../../src/model/components.ts';
import type { ProbeSet } from '../../probes/probeSet.ts';
import { headSimilarity, matchHeads, type HeadMatch } from '../../probes/headSimilarity.ts';

export interface Accuracy {
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  /** Accuracy per input position (NaN where no probe input is that long). */
  readonly perPosition: readonly number[];
}

export interface AccuracyView extends Accuracy {
  /** The same model with nothing ablated. */
  readonly baseline: Accuracy;
}

/** The model on one input: the input itself, the output and every head's pattern. */
export type InputView = AblatedRun;

/** How the heads of the one labelled (compiled) model of a --vs pair match the other's heads. */
export interface SessionMatches {
  readonly labelled: number;
  readonly other: number;
  /** Per head of the labelled model, its best match among the other's (probes/headSimilarity.ts). */
  readonly matches: readonly HeadMatch[];
}

/** Which components are ablated, and how. */
export interface AblationSpec {
  readonly ablated: readonly ComponentRef[];
  readonly mode: AblationMode;
}

export interface Engine {
  /** The fixed probe set every accuracy is measured on. */
  readonly set: ProbeSet;
  accuracy(model: number, spec: AblationSpec, signal?: AbortSignal): Promise<AccuracyView>;
  inputView(model: number, input: readonly Value[], spec: AblationSpec, signal?: AbortSignal): Promise<InputView>;
  /** Results already computed, without waiting (undefined when not yet known). */
  cachedAccuracy(model: number, spec: AblationSpec): AccuracyView | undefined;
  cachedInputView(model: number, input: readonly Value[], spec: AblationSpec): InputView | undefined;
  /** With two models of which exactly one is labelled, the head matches on the probe set; else null. */
  headMatches(signal?: AbortSignal): Promise<SessionMatches | null>;
  cachedHeadMatches(): SessionMatches | null | undefined;
  dispose(): void;
}

export class Superseded extends Error {
  constructor() {
    super('superseded by a newer request');
  }
}

/** A memo key; with nothing ablated the mode does not matter. */
export function specKey(spec: AblationSpec): string {
  const names = spec.ablated.map(componentKey).sort();
  return names.length ? `${spec.mode}:${names.join('+')}` : 'none';
}

const MEMO_LIMIT = 500;

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, value);
  return value;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The engine owns `models`: dispose() frees them. `tolerance`: as every command scores numerical outputs (src/model/scoring.ts). */
export function createEngine(models: readonly LoadedModel[], set: ProbeSet, opts: { seed: number; tolerance?: number }): Engine {
  let live: readonly LoadedModel[] | null = models;
  const accMemo = new Map<string, AccuracyView>();
  const viewMemo = new Map<string, InputView>();
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs jobs in order, one at a time; a job aborted before its turn is not run. */
  function enqueue<T>(signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    const run = tail.then(async () => {
      await nextTurn();
      if (signal?.aborted) throw new Superseded();
      if (!live) throw new Error('the engine has been disposed');
      return job();
    });
    tail = run.catch(() => undefined);
    return run;
  }

  const labelled = models.flatMap((m, i) => (m.labels.heads.length ? [i] : []));
  let matches: SessionMatches | null | undefined = models.length === 2 && labelled.length === 1 ? undefined : null;

  const accKey = (model: number, spec: AblationSpec) => `${model}|${specKey(spec)}`;
  const viewKey = (model: number, input: readonly Value[], spec: AblationSpec) => `${model}|${JSON.stringify(input)}|${specKey(spec)}`;

  return {
    set,
    accuracy(model, spec, signal) {
      const key = accKey(model, spec);
      const hit = accMemo.get(key);
      if (hit) return Promise.resolve(hit);
      return enqueue(signal, async () => {
        const r = await ablate(live![model], set, spec.ablated, spec.mode, { seed: opts.seed, tolerance: opts.tolerance });
        const pick = (s: Accuracy): Accuracy => ({ exactMatch: s.exactMatch, tokenAccuracy: s.tokenAccuracy, perPosition: s.perPosition });
        return remember(accMemo, key, { ...pick(r), baseline: pick(r.baseline) });
      });
    },
    inputView(model, input, spec, signal) {
      const key = viewKey(model, input, spec);
      const hit = viewMemo.get(key);
      if (hit) return Promise.resolve(hit);
      return enqueue(signal, async () => {
        const [r] = await ablatedRun(live![model], [[...input]], spec.ablated, spec.mode, { reference: set, seed: opts.seed });
        return remember(viewMemo, key, r);
      });
    },
    headMatches(signal) {
      if (matches !== undefined) return Promise.resolve(matches);
      return enqueue(signal, async () => {
        const [a, b] = labelled[0] === 0 ? [0, 1] : [1, 0];
        const sim = await headSimilarity(live![a], live![b], set.inputs);
        return (matches = { labelled: a, other: b, matches: matchHeads(sim, live![a]) });
      });
    },
    cachedHeadMatches: () => matches,
    cachedAccuracy: (model, spec) => accMemo.get(accKey(model, spec)),
    cachedInputView: (model, input, spec) => viewMemo.get(viewKey(model, input, spec)),
    dispose() {
      for (const m of live ?? []) m.dispose();
      live = null;
    },
  };
}
