/**
 * The ablation modes and what each cannot see, apart from the probe itself: the CLI's help,
 * option parsing and formatting need them without loading TensorFlow.js.
 */
export const ABLATION_MODES = ['zero', 'mean', 'resample'] as const;
export type AblationMode = (typeof ABLATION_MODES)[number];

/**
 * The kind of dependence a mode cannot see, because its replacement keeps it: resample partners
 * have the input's length, so what depends on the length alone is written as before ('length');
 * the mean keeps each position's average output, so what a component writes (nearly) the same on
 * most inputs stays ('average'). A component that depends on the input only that way looks unused.
 * Zero ablation removes everything a component writes, so it sees every dependence.
 */
export type BlindSpot = 'length' | 'average';
export const MODE_BLIND_SPOT: Readonly<Record<AblationMode, BlindSpot | null>> = { zero: null, mean: 'average', resample: 'length' };
