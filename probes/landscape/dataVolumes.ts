/**
 * Experiment: the volume of a minimum against the amount of training data. Each model was trained
 * on a share of its training lengths' inputs (`train --data-fraction F`, recorded in its file; no
 * record is all of them). For each: its mean radius and log-volume (minimaVolumes.ts: the same
 * inputs, directions seed and rise for every model), its exact match on the probe inputs, and on
 * those of them it did not train on (its subset is a pure function of the program, lengths, seed
 * and fraction: src/train/dataset.ts), which is what generalisation means here. Spearman's ρ of the
 * mean radius with the data fraction, and with the exact match on unseen inputs, says whether more
 * data gives a wider minimum, and whether a wider one generalises better, across these models.
 */
import { LoadedModel } from '../../src/model/loadedModel.ts';
import type { Program } from '../../src/rasp/program.ts';
import { inputKey, trainingSubset } from '../../src/train/dataset.ts';
import { labelledSet, type ProbeSet } from '../probeSet.ts';
import { scoreModel } from '../scoreRuns.ts';
import { spearman } from './beyondLengths.ts';
import { minimaVolumes, type NamedModelData } from './minimaVolumes.ts';
import type { Volume } from './volume.ts';

export interface ModelOnData {
  readonly name: string;
  /** The share of its training inputs the model trained on (1: all, or no record). */
  readonly dataFraction: number;
  readonly meanRadius: number;
  readonly radii: number[];
  readonly logVolume: Volume['logVolume'];
  readonly dimension: number;
  /** On every probe input. */
  readonly exactMatch: number;
  /** On the probe inputs outside its training subset; null when it trained on all of them. */
  readonly unseen: { readonly inputs: number; readonly exactMatch: number; readonly tokenAccuracy: number } | null;
}

export interface DataVolumes {
  readonly seed: number;
  readonly directions: number;
  readonly rise: number;
  readonly inputs: number;
  readonly models: ModelOnData[];
  /** Per data fraction, the mean over its models. */
  readonly fractions: { readonly fraction: number; readonly models: number; readonly meanRadius: number; readonly exactUnseen: number | null }[];
  /** Spearman's ρ of the mean radius with the data fraction, and with the exact match on unseen inputs (null: too few models or no spread). */
  readonly correlation: { readonly fraction: number | null; readonly unseen: number | null };
}

export interface DataVolumesOptions {
  readonly directions: number;
  readonly seed: number;
  readonly rise: number;
  readonly bisections?: number;
  readonly tolerance?: number;
  readonly onDirection?: (model: number, done: number, total: number, radius: number) => void;
}

/** The data fraction a model's file records (1 when none: trained on all its inputs). */
function recordedFraction(m: NamedModelData): number {
  const f = m.model.training?.dataFraction;
  return typeof f === 'number' ? f : 1;
}

/** `set` without the inputs `m` trained on (on `fraction` of them); null when it trained on all (or its subset cannot be told). */
function unseenSet(m: NamedModelData, fraction: number, program: Program, set: ProbeSet): ProbeSet | null {
  const t = m.model.training;
  if (fraction >= 1 || !t) return null;
  const subset = trainingSubset({ program, vocab: t.vocab, minLen: t.minLen, maxLen: t.maxLen }, t.seed, fraction);
  const keep = set.inputs.map((input) => !subset.keys.has(inputKey(input)));
  return labelledSet(
    set.inputs.filter((_, i) => keep[i]),
    set.expected.filter((_, i) => keep[i]),
  );
}

export async function dataVolumes(models: readonly NamedModelData[], program: Program, set: ProbeSet, opts: DataVolumesOptions): Promise<DataVolumes> {
  const v = await minimaVolumes(models, set, opts);
  const out: ModelOnData[] = [];
  for (let k = 0; k < models.length; k++) {
    const m = models[k];
    const dataFraction = recordedFraction(m);
    const unseen = unseenSet(m, dataFraction, program, set);
    const scores = await LoadedModel.use(m.model, async (lm) => ({
      all: await scoreModel(lm, set, opts),
      unseen: unseen && unseen.inputs.length ? { inputs: unseen.inputs.length, ...(await scoreModel(lm, unseen, opts)) } : null,
    }));
    out.push({
      name: m.name,
      dataFraction,
      meanRadius: v.models[k].radius.mean,
      radii: v.models[k].radii,
      logVolume: v.models[k].logVolume,
      dimension: v.models[k].dimension,
      exactMatch: scores.all.exactMatch,
      unseen: scores.unseen && { inputs: scores.unseen.inputs, exactMatch: scores.unseen.exactMatch, tokenAccuracy: scores.unseen.tokenAccuracy },
    });
  }
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fractions = [...new Set(out.map((m) => m.dataFraction))]
    .sort((a, b) => a - b)
    .map((fraction) => {
      const mine = out.filter((m) => m.dataFraction === fraction);
      const unseen = mine.flatMap((m) => (m.unseen ? [m.unseen.exactMatch] : []));
      return { fraction, models: mine.length, meanRadius: mean(mine.map((m) => m.meanRadius)), exactUnseen: unseen.length ? mean(unseen) : null };
    });
  const withUnseen = out.filter((m) => m.unseen);
  return {
    seed: opts.seed,
    directions: opts.directions,
    rise: opts.rise,
    inputs: set.inputs.length,
    models: out,
    fractions,
    correlation: {
      fraction: spearman(
        out.map((m) => m.meanRadius),
        out.map((m) => m.dataFraction),
      ),
      unseen: spearman(
        withUnseen.map((m) => m.meanRadius),
        withUnseen.map((m) => m.unseen!.exactMatch),
      ),
    },
  };
}
