/**
 * Experiment: the volume of compiled vs learned minima. Every model's radii are measured on the same
 * probe inputs, along directions drawn from the same seed, to the same rise above its own loss
 * (probes/landscape/volume.ts). Directions are filter-normalised, so a radius is in units of each
 * weight's own norm and radii compare across shapes; log-volumes do not, since each is taken in its
 * own model's dimension D (a compiled model's D differs from a learned one's), and they are reported
 * with their D for that reason.
 */
import type { ModelData } from '../../src/model/types.ts';
import type { ProbeSet } from '../probeSet.ts';
import { estimateVolume, type DirectionRadius, type Volume, type VolumeOptions } from './volume.ts';

export interface NamedModelData {
  readonly name: string;
  readonly model: ModelData;
}

export interface MinimumVolume {
  readonly name: string;
  readonly origin: 'compiled' | 'learned';
  readonly dimension: number;
  readonly minimumLoss: number;
  readonly cutoff: number;
  readonly radii: number[];
  readonly capped: number;
  readonly radius: Volume['radius'];
  readonly logVolume: Volume['logVolume'];
  /** Mean radius ÷ the first model's mean radius. */
  readonly relativeRadius: number;
}

export interface MinimaVolumes {
  readonly seed: number;
  readonly directions: number;
  readonly rise: number;
  readonly inputs: number;
  readonly models: MinimumVolume[];
}

export interface MinimaVolumesOptions extends Omit<VolumeOptions, 'cutoff' | 'measured' | 'onDirection' | 'filterNormalize'> {
  /** The cutoff is each model's own loss plus this. */
  readonly rise: number;
  readonly onDirection?: (model: number, done: number, total: number, radius: number) => void;
}

export async function minimaVolumes(models: readonly NamedModelData[], set: ProbeSet, opts: MinimaVolumesOptions): Promise<MinimaVolumes> {
  if (models.length === 0) throw new Error('minimaVolumes needs at least one model');
  const out: MinimumVolume[] = [];
  for (let k = 0; k < models.length; k++) {
    const v = await estimateVolume(models[k].model, set, {
      ...opts,
      filterNormalize: true,
      cutoff: { rise: opts.rise },
      onDirection: (done, total, radius: number, _m: readonly DirectionRadius[]) => opts.onDirection?.(k, done, total, radius),
    });
    out.push({
      name: models[k].name,
      origin: models[k].model.config.origin,
      dimension: v.dimension,
      minimumLoss: v.minimumLoss,
      cutoff: v.cutoff,
      radii: v.directions.map((d) => d.radius),
      capped: v.capped,
      radius: v.radius,
      logVolume: v.logVolume,
      relativeRadius: out.length ? v.radius.mean / out[0].radius.mean : 1,
    });
  }
  return { seed: opts.seed, directions: opts.directions, rise: opts.rise, inputs: set.inputs.length, models: out };
}
