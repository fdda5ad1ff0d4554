/**
 * `volume --checkpoint FILE`: the radii measured so far, rewritten atomically after each direction,
 * so a long run that is stopped resumes where it was. Direction k depends only on the seed and k,
 * so a resumed run gives the figures an uninterrupted one gives. The settings that decide a radius
 * (the weights, the inputs, the seed, the normalisation, the cutoff, the bisections, the tolerance)
 * are recorded; the number of directions is not, so a run can be extended.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/files/atomicWrite.ts';
import { UserError } from '../src/rasp/errors.ts';
import { valueKey } from '../src/rasp/values.ts';
import type { ModelData } from '../src/model/types.ts';
import type { DirectionRadius } from '../probes/landscape/volume.ts';
import type { ProbeSet } from '../probes/probeSet.ts';

const KIND = 'rasplab volume checkpoint';
const VERSION = 1;

export interface VolumeSettings {
  readonly weights: string;
  readonly inputs: string;
  readonly seed: number;
  readonly filterNormalized: boolean;
  readonly cutoff: number;
  readonly bisections: number;
  readonly tolerance: number | null;
}

/** A digest of what the radii depend on, short enough to read in a message. */
export function digestWeights(m: ModelData): string {
  const h = createHash('sha256');
  for (const [name, w] of [...m.weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    h.update(`${name}:${w.shape.join('x')};`);
    h.update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

export const digestInputs = (set: ProbeSet): string =>
  createHash('sha256')
    .update(JSON.stringify(set.inputs.map((row) => row.map(valueKey))))
    .digest('hex')
    .slice(0, 16);

/** The directions a checkpoint holds for these settings: none when there is no file; a mismatch is the user's to resolve. */
export function readVolumeCheckpoint(file: string, settings: VolumeSettings): DirectionRadius[] {
  if (!existsSync(file)) return [];
  let data: { kind?: unknown; version?: unknown; settings?: Record<string, unknown>; directions?: unknown };
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not a volume checkpoint (${e instanceof Error ? e.message : String(e)})`);
  }
  if (data.kind !== KIND || data.version !== VERSION || !Array.isArray(data.directions) || typeof data.settings !== 'object' || data.settings === null)
    throw new UserError(`${file}: not a volume checkpoint of this version (kind '${KIND}', version ${VERSION})`);
  for (const [key, want] of Object.entries(settings)) {
    const got = data.settings[key];
    if (got !== want)
      throw new UserError(
        `${file}: a checkpoint of other settings (${key} ${JSON.stringify(got)} there, ${JSON.stringify(want)} now); remove it or give another --checkpoint`,
      );
  }
  return data.directions as DirectionRadius[];
}

export function writeVolumeCheckpoint(file: string, settings: VolumeSettings, directions: readonly DirectionRadius[]): void {
  writeFileAtomic(file, JSON.stringify({ kind: KIND, version: VERSION, settings, directions }) + '\n');
}
